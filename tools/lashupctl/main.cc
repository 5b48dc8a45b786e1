// lashupctl: the shell for a running lashupd, over its admin socket (see options.cc's help).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "batch.h"
#include "certs_command.h"
#include "interrupter.h"
#include "options.h"
#include "session.h"
#include "shell.h"
#include "shell_history.h"

namespace lashup::ctl {
namespace {

const char* GetEnvironment(const char* name) { return std::getenv(name); }

int Main(int argc, char** argv) {
  ParsedOptions parsed = ParseOptions(argc, argv, std::cout, std::cerr, GetEnvironment);
  if (parsed.exit_status) return *parsed.exit_status;
  const CtlOptions& options = parsed.options;
  if (options.certs) {
    return RunCertsCommand(options.certs_dir, options.certs_nodes, options.certs_days, std::cout,
                           std::cerr);
  }
  auto interrupter = Interrupter::Install();
  if (!interrupter.ok()) {
    std::cerr << "lashupctl: " << interrupter.status() << "\n";
    return kExitDaemonError;
  }
  // At least a millisecond: a timeout that rounds to zero would fail every request.
  const auto timeout_ms =
      std::max<int64_t>(1, static_cast<int64_t>(options.timeout_seconds * 1000));
  Session session({.socket_path = options.socket_path,
                   .timeout = std::chrono::milliseconds(timeout_ms),
                   .json = options.json,
                   .max_events = options.count},
                  (*interrupter)->fd(), std::cout, std::cerr);
  if (!options.commands.empty()) return RunCommands(session, options.commands, std::cerr);
  if (::isatty(STDIN_FILENO)) {
    return RunShell(session, **interrupter, HistoryPath(GetEnvironment));
  }
  return RunScript(session, std::cin, std::cerr);
}

}  // namespace
}  // namespace lashup::ctl

int main(int argc, char** argv) { return lashup::ctl::Main(argc, argv); }

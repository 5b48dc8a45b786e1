#include "options.h"

#include <CLI/CLI.hpp>

namespace lashup::ctl {
namespace {

constexpr const char* kFooter = R"(Modes:
  lashupctl -c 'get a/b' -c 'keys a'   run the commands in order, then exit
  lashupctl                            the interactive shell (when stdin is a terminal)
  lashupctl < commands.txt             run one command per line from stdin
  lashupctl certs --dir DIR ID...      write a demo CA and node certificates (no daemon)
Exit status: 0 all went well, 1 the daemon answered an error (or something unreadable),
2 usage error, 3 lashupd unreachable (or no reply within --timeout), 130 interrupted.
Streams (watch, mc watch) run until Ctrl-C, SIGTERM, --count events, or lashupd closes them.)";

void AddMainOptions(CLI::App& app, CtlOptions& options) {
  app.add_option("--socket", options.socket_path,
                 "lashupd's admin socket ($LASHUP_ADMIN_SOCKET, else ./data/admin.sock)")
      ->capture_default_str();
  app.add_option("-c,--command", options.commands, "run COMMAND and exit (repeatable)")
      ->type_name("COMMAND")
      ->allow_extra_args(false);
  app.add_flag("--json", options.json, "print results and stream events as raw JSON lines");
  app.add_option("--timeout", options.timeout_seconds,
                 "seconds to wait for the connection and each reply (not for stream events)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--count", options.count, "stop a stream command after N events")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
}

void AddCertsCommand(CLI::App& app, CtlOptions& options) {
  CLI::App* certs = app.add_subcommand(
      "certs", "write a demo cluster CA and node certificates (for tests and demos only)");
  certs->add_option("--dir", options.certs_dir, "directory to write into (created if absent)")
      ->required();
  certs->add_option("--days", options.certs_days, "validity in days")
      ->check(CLI::Range(1, 36500))
      ->capture_default_str();
  certs->add_option("nodes", options.certs_nodes, "node ids, name@host:port")
      ->type_name("NODE_ID")
      ->required();
  certs->callback([&options] { options.certs = true; });
}

// -c commands go to the daemon one line each, so each must be one non-empty line.
std::optional<std::string> CheckCommands(const std::vector<std::string>& commands) {
  for (const std::string& command : commands) {
    if (command.find_first_not_of(" \t") == std::string::npos) {
      return "-c needs a command, not an empty string";
    }
    if (command.find_first_of("\r\n") != std::string::npos) {
      return "-c takes one command per line; give -c once per command";
    }
  }
  return std::nullopt;
}

}  // namespace

ParsedOptions ParseOptions(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                           const GetEnv& getenv) {
  ParsedOptions parsed;
  CtlOptions& options = parsed.options;
  const char* env_socket = getenv("LASHUP_ADMIN_SOCKET");
  options.socket_path =
      env_socket != nullptr && *env_socket != '\0' ? env_socket : "./data/admin.sock";
  CLI::App app("lashupctl: the shell for a running lashupd", "lashupctl");
  app.footer(kFooter);
  AddMainOptions(app, options);
  AddCertsCommand(app, options);
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error, out, err);
    parsed.exit_status = status == 0 ? kExitOk : kExitUsage;
    return parsed;
  }
  if (std::optional<std::string> problem = CheckCommands(options.commands)) {
    err << "lashupctl: " << *problem << "\n";
    parsed.exit_status = kExitUsage;
  }
  return parsed;
}

}  // namespace lashup::ctl

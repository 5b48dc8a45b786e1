// lashupctl's own command line: which daemon, which mode, how to print.
//
// Contract: `ParseOptions` reads argv with CLI11 and either returns the options or says to exit
// now with a status: 0 after --help, kExitUsage after a usage error (CLI11's message, or ours
// for an empty or multi-line -c command, on `err`). It never throws. The socket defaults to
// $LASHUP_ADMIN_SOCKET when set (read through `getenv`, which tests replace), else
// ./data/admin.sock. Stateless apart from its arguments.
#ifndef LASHUP_TOOLS_LASHUPCTL_OPTIONS_H_
#define LASHUP_TOOLS_LASHUPCTL_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace lashup::ctl {

constexpr int kExitOk = 0;
constexpr int kExitDaemonError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitInterrupted = 130;

struct CtlOptions {
  std::string socket_path;
  std::vector<std::string> commands;  // -c, in order; empty: shell or script mode
  bool json = false;
  double timeout_seconds = 10;
  std::optional<uint64_t> count;  // stream commands stop after this many events

  // `lashupctl certs --dir DIR [--days N] NODE_ID...`
  bool certs = false;
  std::string certs_dir;
  std::vector<std::string> certs_nodes;
  int certs_days = 365;
};

struct ParsedOptions {
  std::optional<int> exit_status;  // set: exit with it now
  CtlOptions options;
};

using GetEnv = std::function<const char*(const char*)>;

ParsedOptions ParseOptions(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                           const GetEnv& getenv);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_OPTIONS_H_

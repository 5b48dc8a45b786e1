// Running commands without a terminal: the -c list, or one command per line from a stream.
//
// Contract: both run their commands in order through the Session and return lashupctl's exit
// status (options.h): kExitOk when every command succeeded, kExitDaemonError when any got an
// error reply (the rest still run), kExitUnreachable as soon as the daemon cannot be reached
// (the rest are skipped: they would fail alike), kExitInterrupted when a signal cut a request
// short. A stream stopped by SIGINT or SIGTERM ends the run with the status so far (stopping a
// `watch` is its normal end). `RunScript` skips blank lines and lines starting with '#', drops
// a trailing '\r', and stops at a `quit` or `exit` line or at end of input.
#ifndef LASHUP_TOOLS_LASHUPCTL_BATCH_H_
#define LASHUP_TOOLS_LASHUPCTL_BATCH_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "session.h"

namespace lashup::ctl {

int RunCommands(Session& session, const std::vector<std::string>& commands, std::ostream& err);
int RunScript(Session& session, std::istream& in, std::ostream& err);

// "quit" or "exit", alone on the line apart from blanks.
bool IsQuitCommand(std::string_view line);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_BATCH_H_

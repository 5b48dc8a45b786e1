// The interactive shell: a readline prompt that runs commands against lashupd.
//
// Contract: `RunShell` asks the daemon `info` for the prompt ("lashup NODE> "); if the daemon
// cannot be reached it prints why and returns kExitUnreachable. Then it reads lines with
// readline (line editing, history from `history_path` per shell_history.h, Tab completion per
// shell_completion.h) and runs each through the Session; errors are printed and the shell goes
// on. `help` shows the daemon's command table plus the shell's own commands. `quit`, `exit`,
// Ctrl-D and SIGTERM leave (kExitOk). Ctrl-C at the prompt clears the line; during a command it
// stops the command or stream and returns to the prompt. The Interrupter must be the one whose
// fd the Session watches. Uses readline's global state: main thread, one shell per process.
#ifndef LASHUP_TOOLS_LASHUPCTL_SHELL_H_
#define LASHUP_TOOLS_LASHUPCTL_SHELL_H_

#include <string>

#include "interrupter.h"
#include "session.h"

namespace lashup::ctl {

int RunShell(Session& session, Interrupter& interrupter, const std::string& history_path);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_SHELL_H_

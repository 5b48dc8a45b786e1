// Tab completion for the shell, wired into GNU readline.
//
// Contract: `InstallCompletion` sets readline's completion hooks: command names (built-in
// ones and those the daemon's `help` lists, asked once), mc and op verbs, node ids (from
// `members`) and keys (from `keys PREFIX`, completing one '/' component at a time; a match
// ending in '/' gets no space or closing quote after it, so Tab can go on). Words break at
// blanks, ',' and ';'; quotes and backslashes are understood as the daemon's tokenizer reads
// them. Daemon failures during completion just offer nothing (readline rings the bell). The
// session must outlive the shell's use of readline. Readline is global: main thread only.
#ifndef LASHUP_TOOLS_LASHUPCTL_SHELL_COMPLETION_H_
#define LASHUP_TOOLS_LASHUPCTL_SHELL_COMPLETION_H_

#include "session.h"

namespace lashup::ctl {

void InstallCompletion(Session* session);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_SHELL_COMPLETION_H_

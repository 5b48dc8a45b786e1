// Text from the daemon made safe and measurable for a terminal.
//
// Contract:
// - `TerminalSafe` returns `text` with every byte that could drive the terminal written as the
//   four characters \xNN: C0 controls and DEL (except '\n' and '\t' when `keep_newlines`),
//   C1 controls (U+0080..U+009F, which some terminals read as escape sequences) and bytes that
//   are not part of valid UTF-8. The result is valid UTF-8 with no escape sequences in it.
// - `DisplayWidth` counts the code points of valid UTF-8 text (each column one cell; wide
//   East Asian characters are counted as one, which only misaligns tables holding them).
// Stateless; safe from any thread.
#ifndef LASHUP_TOOLS_LASHUPCTL_TERMINAL_TEXT_H_
#define LASHUP_TOOLS_LASHUPCTL_TERMINAL_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace lashup::ctl {

std::string TerminalSafe(std::string_view text, bool keep_newlines = false);

size_t DisplayWidth(std::string_view text);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_TERMINAL_TEXT_H_

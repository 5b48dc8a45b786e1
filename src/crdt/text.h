// Readable text for byte strings in values and error messages.
#ifndef LASHUP_CRDT_TEXT_H_
#define LASHUP_CRDT_TEXT_H_

#include <string>
#include <string_view>

namespace lashup::crdt::internal {

// "\"...\"", with quotes, backslashes and bytes outside printable ASCII escaped; strings longer
// than `max_shown` bytes are cut there and marked with "...".
std::string Quote(std::string_view bytes, size_t max_shown = std::string_view::npos);

// For error messages: short enough to read.
inline constexpr size_t kShownInErrors = 64;

}  // namespace lashup::crdt::internal

#endif  // LASHUP_CRDT_TEXT_H_

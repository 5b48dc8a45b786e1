// UTF-8 checks for text that leaves the daemon: JSON strings and terminal output.
//
// Contract: "valid" is exactly RFC 3629 UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF), the rule nlohmann::json enforces when it dumps a string. `EscapeInvalidUtf8` keeps
// valid sequences and writes every byte that is not part of one as the four characters \xNN
// (lowercase hex), so its result is always valid UTF-8. That is lossy only where the input was
// not UTF-8: a literal "\xff" and the byte 0xff render alike. Stateless; safe from any thread.
#ifndef LASHUP_ADMIN_UTF8_H_
#define LASHUP_ADMIN_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace lashup::admin {

// The length (1 to 4) of the valid UTF-8 sequence starting at text[pos], or 0 when the byte
// there does not start one. pos must be < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t pos);

bool IsValidUtf8(std::string_view text);

std::string EscapeInvalidUtf8(std::string_view text);

// Appends "\xNN" for the byte.
void AppendHexEscape(unsigned char byte, std::string& out);

}  // namespace lashup::admin

#endif  // LASHUP_ADMIN_UTF8_H_

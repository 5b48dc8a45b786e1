#include "terminal_text.h"

#include <cstdio>

namespace lashup::ctl {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// The length of the valid UTF-8 sequence at text[pos] (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), or 0.
size_t SequenceLength(std::string_view text, size_t pos) {
  const auto at = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = at(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;  // the valid range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (text.size() - pos < length) return 0;
  if (at(1) < low || at(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!IsContinuation(at(i))) return 0;
  }
  return length;
}

void AppendEscape(unsigned char byte, std::string& out) {
  char buffer[5];
  std::snprintf(buffer, sizeof(buffer), "\\x%02x", byte);
  out += buffer;
}

bool IsC1Control(std::string_view text, size_t pos, size_t length) {
  return length == 2 && static_cast<unsigned char>(text[pos]) == 0xc2 &&
         static_cast<unsigned char>(text[pos + 1]) < 0xa0;
}

}  // namespace

std::string TerminalSafe(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    const size_t length = SequenceLength(text, pos);
    if (length == 0) {
      AppendEscape(c, out);
      ++pos;
    } else if (IsC1Control(text, pos, length)) {
      AppendEscape(c, out);
      AppendEscape(static_cast<unsigned char>(text[pos + 1]), out);
      pos += 2;
    } else if ((c < 0x20 || c == 0x7f) && !(keep_newlines && (c == '\n' || c == '\t'))) {
      AppendEscape(c, out);
      ++pos;
    } else {
      out.append(text.substr(pos, length));
      pos += length;
    }
  }
  return out;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (char c : text) {
    if (!IsContinuation(static_cast<unsigned char>(c))) ++width;
  }
  return width;
}

}  // namespace lashup::ctl

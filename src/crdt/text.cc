#include "crdt/text.h"

#include <cstdio>

namespace lashup::crdt::internal {

std::string Quote(std::string_view bytes, size_t max_shown) {
  std::string out = "\"";
  for (size_t i = 0; i < bytes.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (bytes.size() > max_shown) out += "...";
  return out + "\"";
}

}  // namespace lashup::crdt::internal

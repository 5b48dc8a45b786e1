#include "lashup/types.h"

#include <cstdio>
#include <cstdlib>

#include "core/check.h"

namespace lashup {
namespace {

bool IsNodeIdChar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case '.': case '_': case ':': case '@': case '-': case '[': case ']': return true;
    default: return false;
  }
}

}  // namespace

Result<NodeId> NodeId::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("node id is empty");
  if (text.size() > kMaxLength) {
    return InvalidArgumentError("node id is " + std::to_string(text.size()) +
                                " bytes, the limit is " + std::to_string(kMaxLength));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsNodeIdChar(text[i])) {
      char byte[8];
      std::snprintf(byte, sizeof(byte), "0x%02x", static_cast<unsigned char>(text[i]));
      return InvalidArgumentError("node id has a forbidden byte " + std::string(byte) +
                                  " at offset " + std::to_string(i) +
                                  " (allowed: letters, digits and ._:@-[])");
    }
  }
  return NodeId(std::string(text));
}

NodeId NodeId::FromLiteral(std::string_view text) {
  Result<NodeId> id = Parse(text);
  LASHUP_CHECK(id.ok(), "bad node id literal '" + std::string(text) + "': " +
                            id.status().ToString());
  return std::move(id).value();
}

std::ostream& operator<<(std::ostream& os, const NodeId& id) { return os << id.str(); }

}  // namespace lashup

// Keys of the KV store: paths of strings, such as {"minuteman", "vips"}.
//
// Contract: a key has 1..kv_limits.max_components components, each 1..max_component_bytes of
// any bytes, and at most max_key_bytes encoded. `EncodeKey` maps a path to bytes that sort like
// the path (component by component, each compared as unsigned bytes) and that start with the
// encoding of every prefix of the path, so a prefix scan of storage or of an ordered map is a
// scan of the encoded prefix. Each component is written with 0x00 escaped as 0x00 0xFF and ends
// with 0x00 0x01. `DecodeKey` accepts exactly what `EncodeKey` writes (kInvalidArgument
// otherwise). Stateless functions; safe from any thread.
#ifndef LASHUP_KV_KEY_PATH_H_
#define LASHUP_KV_KEY_PATH_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lashup/status.h"

namespace lashup::kv {

using KeyPath = std::vector<std::string>;

struct KeyLimits {
  size_t max_components = 32;
  size_t max_component_bytes = 256;
  size_t max_key_bytes = 1024;  // encoded
};

// kInvalidArgument naming what is wrong: no components, an empty or over-long component, too
// many components, or an encoding over max_key_bytes.
Status ValidateKey(const KeyPath& key, const KeyLimits& limits);
// A prefix may be empty (every key); otherwise the same rules as a key.
Status ValidatePrefix(const KeyPath& prefix, const KeyLimits& limits);

std::string EncodeKey(const KeyPath& key);
Result<KeyPath> DecodeKey(std::string_view bytes);

// "minuteman/vips"; components with '/', '\\' or bytes outside printable ASCII are escaped.
std::string KeyToString(const KeyPath& key);

}  // namespace lashup::kv

#endif  // LASHUP_KV_KEY_PATH_H_

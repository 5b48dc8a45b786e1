#include "kv/key_path.h"

#include <cstdio>

namespace lashup::kv {
namespace {

constexpr char kEscape = '\x00';
constexpr char kEscapedZero = '\xff';
constexpr char kTerminator = '\x01';

Status CheckComponents(const KeyPath& key, const KeyLimits& limits) {
  if (key.size() > limits.max_components) {
    return InvalidArgumentError("key has " + std::to_string(key.size()) +
                                " components; at most " +
                                std::to_string(limits.max_components) + " allowed");
  }
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i].empty()) {
      return InvalidArgumentError("key component " + std::to_string(i) + " is empty");
    }
    if (key[i].size() > limits.max_component_bytes) {
      return InvalidArgumentError("key component " + std::to_string(i) + " has " +
                                  std::to_string(key[i].size()) + " bytes; at most " +
                                  std::to_string(limits.max_component_bytes) + " allowed");
    }
  }
  const size_t encoded = EncodeKey(key).size();
  if (encoded > limits.max_key_bytes) {
    return InvalidArgumentError("key encodes to " + std::to_string(encoded) +
                                " bytes; at most " + std::to_string(limits.max_key_bytes) +
                                " allowed");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateKey(const KeyPath& key, const KeyLimits& limits) {
  if (key.empty()) return InvalidArgumentError("key has no components");
  return CheckComponents(key, limits);
}

Status ValidatePrefix(const KeyPath& prefix, const KeyLimits& limits) {
  return CheckComponents(prefix, limits);
}

std::string EncodeKey(const KeyPath& key) {
  std::string out;
  for (const std::string& component : key) {
    for (char c : component) {
      out.push_back(c);
      if (c == kEscape) out.push_back(kEscapedZero);
    }
    out.push_back(kEscape);
    out.push_back(kTerminator);
  }
  return out;
}

Result<KeyPath> DecodeKey(std::string_view bytes) {
  KeyPath key;
  std::string component;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != kEscape) {
      component.push_back(bytes[i]);
      continue;
    }
    if (i + 1 == bytes.size()) return InvalidArgumentError("key ends inside an escape");
    const char next = bytes[++i];
    if (next == kEscapedZero) {
      component.push_back(kEscape);
    } else if (next == kTerminator) {
      if (component.empty()) return InvalidArgumentError("key has an empty component");
      key.push_back(std::move(component));
      component.clear();
    } else {
      return InvalidArgumentError("key has an invalid escape at byte " + std::to_string(i));
    }
  }
  if (!component.empty()) return InvalidArgumentError("key's last component is unterminated");
  if (key.empty()) return InvalidArgumentError("key has no components");
  return key;
}

std::string KeyToString(const KeyPath& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i > 0) out.push_back('/');
    for (unsigned char c : key[i]) {
      if (c == '/' || c == '\\' || c < 0x20 || c > 0x7e) {
        char buf[5];
        std::snprintf(buf, sizeof(buf), "\\x%02x", c);
        out += buf;
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
  }
  return out;
}

}  // namespace lashup::kv

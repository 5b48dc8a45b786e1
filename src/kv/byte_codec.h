// Byte-level helpers for the KV store's own formats (the delta payload, docs/kv.md): unsigned
// LEB128 varints and length-prefixed byte strings, written to and read from a std::string.
//
// Contract: `ByteReader` never reads past its input and never trusts a length: every failure
// is kInvalidArgument naming what was being read. Varints must be minimal (at most 10 bytes,
// no redundant trailing zero group). Plain helpers; not thread-safe.
#ifndef LASHUP_KV_BYTE_CODEC_H_
#define LASHUP_KV_BYTE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lashup/status.h"

namespace lashup::kv {

void PutVarint(std::string& out, uint64_t value);
void PutBytes(std::string& out, std::string_view bytes);

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  Result<uint8_t> Byte(std::string_view what);
  Result<uint64_t> Varint(std::string_view what);
  Result<std::string_view> Bytes(std::string_view what);
  bool done() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace lashup::kv

#endif  // LASHUP_KV_BYTE_CODEC_H_

// Byte-level helpers for compact binary formats (the CRDT encoding, the KV delta payload):
// unsigned LEB128 varints and length-prefixed byte strings, written to and read from bytes.
//
// Contract: `ByteReader` never reads past its input and never trusts a length: every failure
// is kInvalidArgument naming what was being read. Varints must be minimal (at most 10 bytes,
// no redundant trailing zero group). Plain helpers; not thread-safe.
#ifndef LASHUP_CORE_BYTE_CODEC_H_
#define LASHUP_CORE_BYTE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lashup/status.h"

namespace lashup {

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

}  // namespace lashup

#endif  // LASHUP_CORE_BYTE_CODEC_H_

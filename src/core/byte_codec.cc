#include "core/byte_codec.h"

namespace lashup {

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void PutBytes(std::string& out, std::string_view bytes) {
  PutVarint(out, bytes.size());
  out.append(bytes);
}

Result<uint8_t> ByteReader::Byte(std::string_view what) {
  if (pos_ >= bytes_.size()) {
    return InvalidArgumentError("input ends before " + std::string(what));
  }
  return static_cast<uint8_t>(bytes_[pos_++]);
}

Result<uint64_t> ByteReader::Varint(std::string_view what) {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= bytes_.size()) {
      return InvalidArgumentError("input ends inside " + std::string(what));
    }
    const uint8_t byte = static_cast<uint8_t>(bytes_[pos_++]);
    if (shift == 63 && byte > 1) return InvalidArgumentError(std::string(what) + " overflows");
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      if (byte == 0 && shift > 0) {
        return InvalidArgumentError(std::string(what) + " is not minimally encoded");
      }
      return value;
    }
  }
  return InvalidArgumentError(std::string(what) + " is longer than 10 bytes");
}

Result<std::string_view> ByteReader::Bytes(std::string_view what) {
  LASHUP_ASSIGN_OR_RETURN(const uint64_t size, Varint(what));
  if (size > bytes_.size() - pos_) {
    return InvalidArgumentError(std::string(what) + " claims " + std::to_string(size) +
                                " bytes; " + std::to_string(bytes_.size() - pos_) + " left");
  }
  std::string_view out = bytes_.substr(pos_, size);
  pos_ += size;
  return out;
}

}  // namespace lashup

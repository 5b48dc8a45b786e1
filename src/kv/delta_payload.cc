#include "kv/delta_payload.h"

#include "core/byte_codec.h"
#include "kv/key_path.h"

namespace lashup::kv {

std::vector<uint8_t> EncodeDeltaPayload(uint64_t seq, std::string_view encoded_key,
                                        std::string_view encoded_delta) {
  std::string out;
  out.reserve(encoded_key.size() + encoded_delta.size() + 16);
  out.push_back(static_cast<char>(kDeltaPayloadVersion));
  PutVarint(out, seq);
  PutBytes(out, encoded_key);
  PutBytes(out, encoded_delta);
  return std::vector<uint8_t>(out.begin(), out.end());
}

Result<DeltaPayload> DecodeDeltaPayload(std::string_view bytes,
                                        const crdt::DecodeLimits& limits) {
  ByteReader reader(bytes);
  LASHUP_ASSIGN_OR_RETURN(const uint8_t version, reader.Byte("version"));
  if (version != kDeltaPayloadVersion) {
    return InvalidArgumentError("KV delta payload version " + std::to_string(version) +
                                "; this build reads " + std::to_string(kDeltaPayloadVersion));
  }
  DeltaPayload out;
  LASHUP_ASSIGN_OR_RETURN(out.seq, reader.Varint("seq"));
  LASHUP_ASSIGN_OR_RETURN(std::string_view key, reader.Bytes("key"));
  LASHUP_ASSIGN_OR_RETURN(std::string_view delta, reader.Bytes("delta"));
  if (!reader.done()) return InvalidArgumentError("KV delta payload has trailing bytes");
  if (out.seq == 0 || out.seq > crdt::kMaxDotCounter) {
    return InvalidArgumentError("KV delta payload seq " + std::to_string(out.seq) +
                                " outside 1..2^62");
  }
  LASHUP_RETURN_IF_ERROR(DecodeKey(key).status());
  out.encoded_key.assign(key);
  LASHUP_ASSIGN_OR_RETURN(out.delta, crdt::DecodeMap(delta, limits));
  return out;
}

}  // namespace lashup::kv

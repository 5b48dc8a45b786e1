// The multicast payload that carries one local update's delta to every node (topic lashup/kv).
//
// Format (docs/kv.md): u8 version (= 1), varint seq, bytes encoded key, bytes delta, where
// "bytes" is a varint length and the bytes, the key is kv::EncodeKey's and the delta is
// crdt::Encode's. `seq` numbers the updates of one origin's incarnation from 1 without gaps,
// so a receiver can tell that it missed one. `DecodeDeltaPayload` checks the framing, the key
// and the delta (a decoded delta is a valid CRDT state): kInvalidArgument otherwise.
#ifndef LASHUP_KV_DELTA_PAYLOAD_H_
#define LASHUP_KV_DELTA_PAYLOAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crdt/encoding.h"
#include "lashup/crdt/map.h"
#include "lashup/status.h"

namespace lashup::kv {

inline constexpr uint8_t kDeltaPayloadVersion = 1;

struct DeltaPayload {
  uint64_t seq = 0;
  std::string encoded_key;
  crdt::Map delta;
};

std::vector<uint8_t> EncodeDeltaPayload(uint64_t seq, std::string_view encoded_key,
                                        std::string_view encoded_delta);
Result<DeltaPayload> DecodeDeltaPayload(std::string_view bytes,
                                        const crdt::DecodeLimits& limits);

}  // namespace lashup::kv

#endif  // LASHUP_KV_DELTA_PAYLOAD_H_

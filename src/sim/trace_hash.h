// TraceHash: an order-sensitive 64-bit digest of what a simulation delivered: the time, receiver,
// sender and content of each message (its encoded bytes when the codec round trip is on, only its
// kind when it is off), each timer firing and each connection notice.
//
// Two runs with the same seed must fold the same values in the same order; any divergence
// (nondeterminism in a core, unordered iteration deciding a send, a clock read) changes it.
// Not cryptographic: it detects accidents, not adversaries.
#ifndef LASHUP_SIM_TRACE_HASH_H_
#define LASHUP_SIM_TRACE_HASH_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/rng.h"

namespace lashup::sim_internal {

class TraceHash {
 public:
  void Fold(uint64_t value) { state_ = Mix64(state_ ^ (value + 0x9e3779b97f4a7c15ULL)); }
  uint64_t value() const { return state_; }

 private:
  uint64_t state_ = 0x6c617368757000ULL;  // "lashup"
};

// FNV-1a over bytes, finished with a mix; used to fold message contents.
inline uint64_t HashBytes(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ULL;
  }
  return Mix64(h);
}

}  // namespace lashup::sim_internal

#endif  // LASHUP_SIM_TRACE_HASH_H_

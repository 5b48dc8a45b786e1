// Rng: the only source of randomness a protocol core may use.
//
// xoshiro256** (Blackman and Vigna), seeded through splitmix64 so that any 64-bit seed, including
// 0, gives a well-mixed state. Each node gets its own Rng, derived from the simulation seed (or
// from the OS entropy by a real driver), and passes it down; `Fork` derives independent streams
// for sub-components without sharing state. Not thread-safe: one owner at a time.
#ifndef LASHUP_CORE_RNG_H_
#define LASHUP_CORE_RNG_H_

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/check.h"
#include "lashup/types.h"

namespace lashup {

class Rng {
 public:
  explicit Rng(uint64_t seed);

  // A uniformly random 64-bit value.
  uint64_t Next();

  // Uniform in [0, bound), without modulo bias (Lemire's method). bound must be > 0.
  uint64_t Uniform(uint64_t bound);

  // Uniform in [lo, hi], inclusive. lo <= hi.
  int64_t UniformRange(int64_t lo, int64_t hi);

  // Uniform double in [0, 1), 53 bits of precision.
  double UniformDouble();

  // True with probability p (p <= 0: never, p >= 1: always).
  bool Bernoulli(double p);

  // Exponentially distributed duration with the given mean (>= 0).
  Duration Exponential(Duration mean);

  // Uniform in [d * (1 - fraction), d * (1 + fraction)]; fraction in [0, 1]. Used to spread
  // timers so that nodes started together do not act in lockstep.
  Duration Jitter(Duration d, double fraction);

  // Uniform in [lo, hi].
  Duration UniformDuration(Duration lo, Duration hi);

  // Fisher-Yates shuffle.
  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      size_t j = static_cast<size_t>(Uniform(i));
      using std::swap;
      swap(items[i - 1], items[j]);
    }
  }

  // A uniformly chosen element; items must not be empty.
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    LASHUP_CHECK(!items.empty(), "Pick from an empty vector");
    return items[static_cast<size_t>(Uniform(items.size()))];
  }

  // Up to k distinct elements chosen uniformly, in random order.
  template <typename T>
  std::vector<T> Sample(std::vector<T> items, size_t k) {
    size_t n = items.size() < k ? items.size() : k;
    for (size_t i = 0; i < n; ++i) {
      size_t j = i + static_cast<size_t>(Uniform(items.size() - i));
      using std::swap;
      swap(items[i], items[j]);
    }
    items.resize(n);
    return items;
  }

  // An independent generator for stream `stream`; does not advance this one.
  Rng Fork(uint64_t stream) const;

 private:
  std::array<uint64_t, 4> s_;
};

// splitmix64 step: also a good 64-bit mixing function for hashing and seed derivation.
uint64_t SplitMix64(uint64_t& state);
uint64_t Mix64(uint64_t x);

}  // namespace lashup

#endif  // LASHUP_CORE_RNG_H_

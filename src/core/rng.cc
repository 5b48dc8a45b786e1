#include "core/rng.h"

#include <cmath>

namespace lashup {
namespace {

// 128-bit intermediates avoid overflow; __extension__ keeps -Wpedantic quiet.
__extension__ using Uint128 = unsigned __int128;

inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t SplitMix64(uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return Mix64(state);
}

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng::Rng(uint64_t seed) {
  uint64_t state = seed;
  for (auto& word : s_) word = SplitMix64(state);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Uniform(uint64_t bound) {
  LASHUP_CHECK(bound > 0, "Uniform(0)");
  Uint128 m = static_cast<Uint128>(Next()) * bound;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<Uint128>(Next()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Rng::UniformRange(int64_t lo, int64_t hi) {
  LASHUP_CHECK(lo <= hi, "UniformRange with lo > hi");
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<int64_t>(Next());
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + Uniform(span + 1));
}

double Rng::UniformDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

bool Rng::Bernoulli(double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return UniformDouble() < p;
}

Duration Rng::Exponential(Duration mean) {
  if (mean.count() <= 0) return Duration(0);
  // 1 - u is in (0, 1], so the log is finite.
  const double u = 1.0 - UniformDouble();
  const double sample = -std::log(u) * static_cast<double>(mean.count());
  // Cap at 1000 means: a practically impossible tail that would overflow nothing.
  const double cap = 1000.0 * static_cast<double>(mean.count());
  return Duration(static_cast<int64_t>(sample < cap ? sample : cap));
}

Duration Rng::Jitter(Duration d, double fraction) {
  if (fraction <= 0.0 || d.count() <= 0) return d;
  if (fraction > 1.0) fraction = 1.0;
  const auto spread = static_cast<int64_t>(static_cast<double>(d.count()) * fraction);
  return Duration(UniformRange(d.count() - spread, d.count() + spread));
}

Duration Rng::UniformDuration(Duration lo, Duration hi) {
  return Duration(UniformRange(lo.count(), hi.count()));
}

Rng Rng::Fork(uint64_t stream) const {
  uint64_t state = s_[0] ^ Rotl(s_[1], 13) ^ Rotl(s_[2], 29) ^ Rotl(s_[3], 47);
  state ^= Mix64(stream + 0x632be59bd9b4e019ULL);
  return Rng(SplitMix64(state));
}

}  // namespace lashup

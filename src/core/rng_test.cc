#include "core/rng.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace lashup {
namespace {

// An independent xoshiro256** written from the published reference (Blackman and Vigna,
// https://prng.di.unimi.it/xoshiro256starstar.c), seeded with the splitmix64 sequence the same
// way Rng documents. It shares no code with rng.cc, so a slip in either shows up as a mismatch.
class ReferenceXoshiro256StarStar {
 public:
  explicit ReferenceXoshiro256StarStar(uint64_t seed) {
    uint64_t state = seed;
    for (uint64_t& word : s_) {
      state += 0x9e3779b97f4a7c15ULL;
      uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = RotateLeft(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = RotateLeft(s_[3], 45);
    return result;
  }

 private:
  static uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Lemire's "nearly divisionless" bounded integer method, from the paper (Lemire 2019, "Fast
// Random Integer Generation in an Interval"), driven by the reference generator above.
__extension__ using Uint128 = unsigned __int128;  // __extension__ keeps -Wpedantic quiet.
uint64_t ReferenceLemire(ReferenceXoshiro256StarStar& gen, uint64_t bound) {
  Uint128 m = static_cast<Uint128>(gen.Next()) * bound;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = -bound % bound;
    while (low < threshold) {
      m = static_cast<Uint128>(gen.Next()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

std::vector<uint64_t> Draw(Rng& rng, int n) {
  std::vector<uint64_t> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(rng.Next());
  return out;
}

// Pearson's chi-square statistic of `counts` against a uniform expectation.
double ChiSquare(const std::vector<int>& counts) {
  double total = 0;
  for (int c : counts) total += c;
  const double expected = total / static_cast<double>(counts.size());
  double chi = 0;
  for (int c : counts) chi += (c - expected) * (c - expected) / expected;
  return chi;
}

TEST(RngTest, GoldenValues) {
  // Pinned outputs: these were produced by running the implementation once (and cross-checked
  // against the reference above). They pin the algorithm and the seeding so that an accidental
  // change to either, which would silently change every simulation seed's behaviour, is caught.
  // Change them only on purpose, together with any recorded seeds that depend on them.
  struct Golden {
    uint64_t seed;
    std::array<uint64_t, 3> outputs;
  };
  const Golden golden[] = {
      {0, {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL}},
      {42, {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL}},
  };
  for (const Golden& g : golden) {
    Rng rng(g.seed);
    for (size_t i = 0; i < g.outputs.size(); ++i) {
      EXPECT_EQ(rng.Next(), g.outputs[i]) << "seed " << g.seed << " output " << i;
    }
  }
}

TEST(RngTest, SplitMix64MatchesPublishedOutput) {
  // The first splitmix64 output for state 0 is the well-known 0xe220a8397b1dcdaf.
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64(state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(state, 0x9e3779b97f4a7c15ULL);
  EXPECT_EQ(Mix64(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(SplitMix64(state), Mix64(2 * 0x9e3779b97f4a7c15ULL));
}

TEST(RngTest, NextMatchesReferenceXoshiro) {
  for (uint64_t seed : {uint64_t{0}, uint64_t{1}, uint64_t{42}, uint64_t{0xdeadbeef}, UINT64_MAX}) {
    Rng rng(seed);
    ReferenceXoshiro256StarStar reference(seed);
    for (int i = 0; i < 10000; ++i) {
      const uint64_t expected = reference.Next();
      const uint64_t actual = rng.Next();
      ASSERT_EQ(actual, expected) << "seed " << seed << " output " << i;
    }
  }
}

TEST(RngTest, SameSeedSameSequence) {
  Rng a(12345);
  Rng b(12345);
  EXPECT_EQ(Draw(a, 1000), Draw(b, 1000));
  // Derived operations consume the stream identically as well.
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(a.Uniform(17), b.Uniform(17));
    ASSERT_EQ(a.UniformDouble(), b.UniformDouble());
  }
}

TEST(RngTest, CopiesContinueTheSameStream) {
  Rng a(9);
  (void)a.Next();
  Rng b = a;
  EXPECT_EQ(Draw(a, 100), Draw(b, 100));
}

TEST(RngTest, DifferentSeedsDiffer) {
  std::set<uint64_t> firsts;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    Rng rng(seed);
    firsts.insert(rng.Next());
  }
  EXPECT_EQ(firsts.size(), 1000u);

  // Adjacent seeds give unrelated streams, not shifted copies of each other.
  Rng a(1);
  Rng b(2);
  std::vector<uint64_t> va = Draw(a, 1000);
  std::vector<uint64_t> vb = Draw(b, 1000);
  std::set<uint64_t> all(va.begin(), va.end());
  all.insert(vb.begin(), vb.end());
  EXPECT_EQ(all.size(), 2000u);
}

TEST(RngTest, ForkIsDeterministic) {
  Rng parent_a(7);
  Rng parent_b(7);
  Rng fork_a = parent_a.Fork(3);
  Rng fork_b = parent_b.Fork(3);
  EXPECT_EQ(Draw(fork_a, 500), Draw(fork_b, 500));
  // Forking the same parent twice with the same stream gives the same generator.
  Rng again = parent_a.Fork(3);
  Rng again2 = parent_a.Fork(3);
  EXPECT_EQ(Draw(again, 100), Draw(again2, 100));
}

TEST(RngTest, ForkDoesNotAdvanceParent) {
  Rng parent(99);
  Rng untouched(99);
  for (uint64_t stream = 0; stream < 10; ++stream) (void)parent.Fork(stream);
  EXPECT_EQ(Draw(parent, 200), Draw(untouched, 200));
}

TEST(RngTest, ForkedStreamsAreIndependent) {
  Rng parent(5);
  Rng copy_of_parent = parent;
  std::vector<std::vector<uint64_t>> streams;
  streams.push_back(Draw(copy_of_parent, 200));
  for (uint64_t stream = 0; stream < 8; ++stream) {
    Rng fork = parent.Fork(stream);
    streams.push_back(Draw(fork, 200));
  }
  // No value is shared between the parent's stream and any fork, nor between forks.
  std::set<uint64_t> all;
  for (const auto& s : streams) all.insert(s.begin(), s.end());
  EXPECT_EQ(all.size(), streams.size() * 200);

  // A fork depends on the parent's state: forking after the parent moved gives another stream.
  Rng early = parent.Fork(0);
  (void)parent.Next();
  Rng late = parent.Fork(0);
  EXPECT_NE(Draw(early, 10), Draw(late, 10));

  // Forks of different seeds with the same stream number differ.
  Rng other_fork = Rng(6).Fork(0);
  Rng this_fork = Rng(5).Fork(0);
  EXPECT_NE(Draw(other_fork, 10), Draw(this_fork, 10));
}

TEST(RngTest, UniformBoundOneIsAlwaysZero) {
  Rng rng(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rng.Uniform(1), 0u);
}

TEST(RngTest, UniformStaysInRange) {
  Rng rng(2);
  const uint64_t kHalfPlusOne = (uint64_t{1} << 63) + 1;
  const uint64_t bounds[] = {2, 3, 7, 10, 1000, kHalfPlusOne, UINT64_MAX - 1, UINT64_MAX};
  for (uint64_t bound : bounds) {
    for (int i = 0; i < 2000; ++i) ASSERT_LT(rng.Uniform(bound), bound) << bound;
  }
}

TEST(RngTest, UniformIsRoughlyUniform) {
  // 100k draws into 10 buckets; chi-square with 9 degrees of freedom has mean 9 and exceeds
  // 27.9 with probability 0.001. The seed is fixed, so 40 is a generous but meaningful bound.
  Rng rng(2024);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100000; ++i) ++counts[rng.Uniform(10)];
  EXPECT_LT(ChiSquare(counts), 40.0);
  for (int c : counts) EXPECT_GT(c, 9000);

  // A bound that is not a power of two and large enough that modulo bias would be visible:
  // with bound = 3 * 2^62, `Next() % bound` would put half the mass in the lowest third.
  const uint64_t big = 3 * (uint64_t{1} << 62);
  std::vector<int> thirds(3, 0);
  for (int i = 0; i < 30000; ++i) ++thirds[rng.Uniform(big) / (uint64_t{1} << 62)];
  EXPECT_LT(ChiSquare(thirds), 25.0);
}

TEST(RngTest, UniformMatchesReferenceLemire) {
  // The bias Lemire's rejection step removes is far too small to see in a histogram, so compare
  // exactly. With bound = 3 * 2^62 the rejection threshold is 2^62: about a quarter of the draws
  // are rejected and redrawn, so skipping (or mis-computing) the rejection shows up at once.
  const uint64_t bounds[] = {
      1, 2, 3, 10, 1000, 3 * (uint64_t{1} << 62), (uint64_t{1} << 63) + 1, UINT64_MAX};
  for (uint64_t bound : bounds) {
    Rng rng(31);
    ReferenceXoshiro256StarStar reference(31);
    for (int i = 0; i < 2000; ++i) {
      ASSERT_EQ(rng.Uniform(bound), ReferenceLemire(reference, bound))
          << "bound " << bound << " draw " << i;
    }
    // Both consumed the same number of raw outputs.
    EXPECT_EQ(rng.Next(), reference.Next()) << "bound " << bound;
  }
}

TEST(RngTest, UniformDoubleInUnitInterval) {
  Rng rng(3);
  double sum = 0;
  double lo = 1;
  double hi = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double u = rng.UniformDouble();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  EXPECT_NEAR(sum / n, 0.5, 0.01);
  EXPECT_LT(lo, 0.001);
  EXPECT_GT(hi, 0.999);
}

TEST(RngTest, UniformRangeIsInclusive) {
  Rng rng(4);
  std::map<int64_t, int> seen;
  for (int i = 0; i < 7000; ++i) {
    const int64_t v = rng.UniformRange(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    ++seen[v];
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen.begin()->first, -3);
  EXPECT_EQ(seen.rbegin()->first, 3);
  for (const auto& [value, count] : seen) EXPECT_GT(count, 700) << value;
}

TEST(RngTest, UniformRangeSinglePoint) {
  Rng rng(5);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(rng.UniformRange(42, 42), 42);
    EXPECT_EQ(rng.UniformRange(INT64_MIN, INT64_MIN), INT64_MIN);
    EXPECT_EQ(rng.UniformRange(INT64_MAX, INT64_MAX), INT64_MAX);
  }
}

TEST(RngTest, UniformRangeAtExtremes) {
  Rng rng(6);
  std::set<int64_t> low;
  std::set<int64_t> high;
  bool negative = false;
  bool positive = false;
  for (int i = 0; i < 200; ++i) {
    const int64_t a = rng.UniformRange(INT64_MIN, INT64_MIN + 1);
    ASSERT_TRUE(a == INT64_MIN || a == INT64_MIN + 1) << a;
    low.insert(a);
    const int64_t b = rng.UniformRange(INT64_MAX - 1, INT64_MAX);
    ASSERT_TRUE(b == INT64_MAX || b == INT64_MAX - 1) << b;
    high.insert(b);
    // The full range takes the span == UINT64_MAX path.
    const int64_t c = rng.UniformRange(INT64_MIN, INT64_MAX);
    negative |= c < 0;
    positive |= c > 0;
  }
  EXPECT_EQ(low.size(), 2u);
  EXPECT_EQ(high.size(), 2u);
  EXPECT_TRUE(negative);
  EXPECT_TRUE(positive);

  // A span just short of the full range (span + 1 == UINT64_MAX) stays in bounds.
  negative = false;
  positive = false;
  for (int i = 0; i < 200; ++i) {
    const int64_t d = rng.UniformRange(INT64_MIN + 1, INT64_MAX);
    ASSERT_GT(d, INT64_MIN);
    negative |= d < 0;
    positive |= d > 0;
  }
  EXPECT_TRUE(negative);
  EXPECT_TRUE(positive);
}

TEST(RngTest, BernoulliEdgeCases) {
  Rng rng(7);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(rng.Bernoulli(0.0));
    EXPECT_FALSE(rng.Bernoulli(-0.5));
    EXPECT_TRUE(rng.Bernoulli(1.0));
    EXPECT_TRUE(rng.Bernoulli(1.5));
  }
}

TEST(RngTest, BernoulliFrequency) {
  Rng rng(8);
  const int n = 100000;
  int hits = 0;
  for (int i = 0; i < n; ++i) hits += rng.Bernoulli(0.3) ? 1 : 0;
  // Standard deviation is about 0.0014; allow 0.01.
  EXPECT_NEAR(static_cast<double>(hits) / n, 0.3, 0.01);
  int rare = 0;
  for (int i = 0; i < n; ++i) rare += rng.Bernoulli(1e-3) ? 1 : 0;
  EXPECT_GT(rare, 50);
  EXPECT_LT(rare, 200);
}

TEST(RngTest, ExponentialMean) {
  Rng rng(9);
  const Duration mean = std::chrono::milliseconds(10);
  const int n = 100000;
  double sum = 0;
  int below_mean = 0;
  for (int i = 0; i < n; ++i) {
    const Duration d = rng.Exponential(mean);
    ASSERT_GE(d.count(), 0);
    ASSERT_LE(d, 1000 * mean);
    sum += static_cast<double>(d.count());
    below_mean += d < mean ? 1 : 0;
  }
  const double observed = sum / n;
  EXPECT_NEAR(observed, static_cast<double>(mean.count()), 0.05 * mean.count());
  // P(X < mean) = 1 - 1/e ~= 0.632 for an exponential; a uniform would give 0.5.
  EXPECT_NEAR(static_cast<double>(below_mean) / n, 1.0 - std::exp(-1.0), 0.01);
}

TEST(RngTest, ExponentialOfNonPositiveMeanIsZero) {
  Rng rng(10);
  EXPECT_EQ(rng.Exponential(Duration(0)), Duration(0));
  EXPECT_EQ(rng.Exponential(Duration(-5)), Duration(0));
}

TEST(RngTest, JitterStaysWithinFraction) {
  Rng rng(11);
  const Duration d = std::chrono::milliseconds(100);
  Duration lo = Duration::max();
  Duration hi = Duration::min();
  for (int i = 0; i < 10000; ++i) {
    const Duration j = rng.Jitter(d, 0.2);
    ASSERT_GE(j, std::chrono::milliseconds(80));
    ASSERT_LE(j, std::chrono::milliseconds(120));
    lo = std::min(lo, j);
    hi = std::max(hi, j);
  }
  // It actually spreads over the whole window.
  EXPECT_LT(lo, std::chrono::milliseconds(81));
  EXPECT_GT(hi, std::chrono::milliseconds(119));
}

TEST(RngTest, JitterEdgeCases) {
  Rng rng(12);
  const Duration d = std::chrono::seconds(1);
  EXPECT_EQ(rng.Jitter(d, 0.0), d);
  EXPECT_EQ(rng.Jitter(d, -1.0), d);
  EXPECT_EQ(rng.Jitter(Duration(0), 0.5), Duration(0));
  // A fraction above 1 is clamped to 1: the result stays in [0, 2d].
  for (int i = 0; i < 1000; ++i) {
    const Duration j = rng.Jitter(d, 5.0);
    ASSERT_GE(j.count(), 0);
    ASSERT_LE(j, 2 * d);
  }
  for (int i = 0; i < 1000; ++i) {
    const Duration j = rng.Jitter(d, 1.0);
    ASSERT_GE(j.count(), 0);
    ASSERT_LE(j, 2 * d);
  }
}

TEST(RngTest, UniformDurationInclusive) {
  Rng rng(13);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const Duration d = rng.UniformDuration(Duration(10), Duration(14));
    ASSERT_GE(d, Duration(10));
    ASSERT_LE(d, Duration(14));
    seen.insert(d.count());
  }
  EXPECT_EQ(seen, (std::set<int64_t>{10, 11, 12, 13, 14}));
}

TEST(RngTest, ShuffleIsAPermutation) {
  Rng rng(14);
  std::vector<int> items(100);
  for (int i = 0; i < 100; ++i) items[i] = i;
  std::vector<int> shuffled = items;
  rng.Shuffle(shuffled);
  EXPECT_NE(shuffled, items);
  std::vector<int> sorted = shuffled;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, items);

  std::vector<int> empty;
  rng.Shuffle(empty);
  EXPECT_TRUE(empty.empty());
  std::vector<int> one = {5};
  rng.Shuffle(one);
  EXPECT_EQ(one, std::vector<int>{5});
}

TEST(RngTest, ShuffleReachesEveryOrderEvenly) {
  Rng rng(15);
  std::map<std::vector<int>, int> orders;
  for (int i = 0; i < 60000; ++i) {
    std::vector<int> v = {1, 2, 3};
    rng.Shuffle(v);
    ++orders[v];
  }
  ASSERT_EQ(orders.size(), 6u);
  std::vector<int> counts;
  for (const auto& [order, count] : orders) counts.push_back(count);
  // 5 degrees of freedom: P(chi > 20.5) = 0.001.
  EXPECT_LT(ChiSquare(counts), 30.0);
}

TEST(RngTest, ShuffleIsDeterministic) {
  std::vector<std::string> a = {"a", "b", "c", "d", "e", "f", "g", "h"};
  std::vector<std::string> b = a;
  Rng ra(16);
  Rng rb(16);
  ra.Shuffle(a);
  rb.Shuffle(b);
  EXPECT_EQ(a, b);
}

TEST(RngTest, SampleReturnsDistinctElements) {
  Rng rng(17);
  std::vector<int> items(50);
  for (int i = 0; i < 50; ++i) items[i] = i * 10;
  for (size_t k : {size_t{0}, size_t{1}, size_t{5}, size_t{49}, size_t{50}}) {
    std::vector<int> sample = rng.Sample(items, k);
    ASSERT_EQ(sample.size(), k);
    std::set<int> distinct(sample.begin(), sample.end());
    EXPECT_EQ(distinct.size(), k);
    for (int v : sample) {
      EXPECT_TRUE(std::find(items.begin(), items.end(), v) != items.end()) << v;
    }
  }
}

TEST(RngTest, SampleLargerThanInputReturnsEverything) {
  Rng rng(18);
  std::vector<int> items = {3, 1, 4, 5, 9};
  std::vector<int> sample = rng.Sample(items, 100);
  ASSERT_EQ(sample.size(), items.size());
  std::sort(sample.begin(), sample.end());
  EXPECT_EQ(sample, (std::vector<int>{1, 3, 4, 5, 9}));
  EXPECT_TRUE(rng.Sample(std::vector<int>{}, 3).empty());
}

TEST(RngTest, SampleChoosesEachElementEvenly) {
  Rng rng(19);
  std::vector<int> items = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<int> counts(10, 0);
  std::vector<int> first_counts(10, 0);
  for (int i = 0; i < 20000; ++i) {
    std::vector<int> sample = rng.Sample(items, 3);
    for (int v : sample) ++counts[v];
    ++first_counts[sample[0]];
  }
  EXPECT_LT(ChiSquare(counts), 40.0);
  // The order is random too: the first element is not biased towards the input's start.
  EXPECT_LT(ChiSquare(first_counts), 40.0);
}

TEST(RngTest, PickReturnsEveryElement) {
  Rng rng(20);
  const std::vector<std::string> items = {"x", "y", "z"};
  std::map<std::string, int> seen;
  for (int i = 0; i < 3000; ++i) {
    const std::string& picked = rng.Pick(items);
    // Pick returns a reference into the vector, not a copy.
    ASSERT_GE(&picked, items.data());
    ASSERT_LT(&picked, items.data() + items.size());
    ++seen[picked];
  }
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& [item, count] : seen) EXPECT_GT(count, 800) << item;
}

TEST(RngDeathTest, PickFromEmptyVectorDies) {
  Rng rng(21);
  const std::vector<int> empty;
  EXPECT_DEATH((void)rng.Pick(empty), "Pick from an empty vector");
}

TEST(RngDeathTest, UniformZeroDies) {
  Rng rng(22);
  EXPECT_DEATH((void)rng.Uniform(0), "Uniform\\(0\\)");
}

TEST(RngDeathTest, UniformRangeWithLoAboveHiDies) {
  Rng rng(23);
  EXPECT_DEATH((void)rng.UniformRange(5, 4), "lo > hi");
}

}  // namespace
}  // namespace lashup

#include "lashup/crdt/causal_context.h"

#include <gtest/gtest.h>

namespace lashup::crdt {
namespace {

constexpr ActorId kA{1}, kB{2};

TEST(CausalContext, ContiguousDotsCompactIntoTheVector) {
  CausalContext c;
  c.Add(Dot{kA, 1});
  c.Add(Dot{kA, 3});  // a gap: stays in the cloud
  EXPECT_EQ(c.compact().Get(kA), 1u);
  EXPECT_EQ(c.cloud(), (std::vector<Dot>{{kA, 3}}));
  c.Add(Dot{kA, 2});  // fills the gap: everything compacts
  EXPECT_EQ(c.compact().Get(kA), 3u);
  EXPECT_TRUE(c.cloud().empty());
  EXPECT_TRUE(c.Contains(Dot{kA, 2}));
  EXPECT_FALSE(c.Contains(Dot{kA, 4}));
}

TEST(CausalContext, NextDotLooksPastTheCloud) {
  CausalContext c;
  EXPECT_EQ(c.NextDot(kA), (Dot{kA, 1}));
  c.Add(Dot{kA, 1});
  c.Add(Dot{kA, 7});
  c.Add(Dot{kB, 4});
  EXPECT_EQ(c.NextDot(kA), (Dot{kA, 8}));
  EXPECT_EQ(c.NextDot(kB), (Dot{kB, 5}));
  // The largest actor id must not wrap around in the cloud search.
  c.Add(Dot{ActorId(UINT64_MAX), 3});
  EXPECT_EQ(c.NextDot(ActorId(UINT64_MAX)), (Dot{ActorId(UINT64_MAX), 4}));
}

TEST(CausalContext, MergeIsCanonicalWhateverTheOrder) {
  CausalContext x, y;
  x.Add(Dot{kA, 1});
  x.Add(Dot{kA, 3});
  y.Add(Dot{kA, 2});
  y.Add(Dot{kB, 2});
  CausalContext xy = x, yx = y;
  xy.Merge(y);
  yx.Merge(x);
  EXPECT_EQ(xy, yx);
  EXPECT_EQ(xy.compact().Get(kA), 3u);
  EXPECT_EQ(xy.cloud(), (std::vector<Dot>{{kB, 2}}));
  EXPECT_EQ(xy.DotCount(), 4u);
}

TEST(CausalContext, IncludesChecksCloudsAndGaps) {
  CausalContext big;
  for (uint64_t i = 1; i <= 3; ++i) big.Add(Dot{kA, i});
  big.Add(Dot{kA, 5});
  CausalContext small;
  small.Add(Dot{kA, 2});
  small.Add(Dot{kA, 5});
  EXPECT_TRUE(big.Includes(small));
  EXPECT_FALSE(small.Includes(big));
  // A vector entry beyond ours is included only if the cloud fills the whole gap.
  auto upto5 = CausalContext(*VersionVector::FromEntries({{kA, 5}}));
  EXPECT_FALSE(big.Includes(upto5));
  big.Add(Dot{kA, 4});
  EXPECT_TRUE(big.Includes(upto5));
  auto huge = CausalContext(*VersionVector::FromEntries({{kA, kMaxDotCounter}}));
  EXPECT_FALSE(big.Includes(huge));  // and does not loop over the gap
}

TEST(CausalContext, SummaryIsTheHighestCounterPerActor) {
  CausalContext c;
  c.Add(Dot{kA, 1});
  c.Add(Dot{kA, 9});
  EXPECT_EQ(c.Summary(), *VersionVector::FromEntries({{kA, 9}}));
}

TEST(CausalContext, FromPartsValidatesAndCompacts) {
  auto ok =
      CausalContext::FromParts(*VersionVector::FromEntries({{kA, 1}}), {Dot{kA, 2}, Dot{kB, 3}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->compact().Get(kA), 2u);
  EXPECT_EQ(ok->cloud(), (std::vector<Dot>{{kB, 3}}));
  EXPECT_FALSE(CausalContext::FromParts({}, {Dot{kB, 3}, Dot{kA, 2}}).ok());
  EXPECT_FALSE(CausalContext::FromParts({}, {Dot{kA, 2}, Dot{kA, 2}}).ok());
  EXPECT_FALSE(CausalContext::FromParts({}, {Dot{kA, 0}}).ok());
  EXPECT_FALSE(CausalContext::FromParts({}, {Dot{kA, UINT64_MAX}}).ok());
}

}  // namespace
}  // namespace lashup::crdt

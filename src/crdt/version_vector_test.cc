#include "lashup/crdt/version_vector.h"

#include <gtest/gtest.h>

namespace lashup::crdt {
namespace {

constexpr ActorId kA{1}, kB{2}, kC{3};

VersionVector Vv(std::vector<VersionVector::Entry> entries) {
  auto vv = VersionVector::FromEntries(std::move(entries));
  EXPECT_TRUE(vv.ok()) << vv.status();
  return *vv;
}

TEST(VersionVector, GetRaiseIncrement) {
  VersionVector vv;
  EXPECT_EQ(vv.Get(kA), 0u);
  EXPECT_EQ(vv.Increment(kB), 1u);
  EXPECT_EQ(vv.Increment(kB), 2u);
  vv.Raise(kA, 5);
  vv.Raise(kA, 3);  // never lowers
  EXPECT_EQ(vv.Get(kA), 5u);
  EXPECT_EQ(vv, Vv({{kA, 5}, {kB, 2}}));
  EXPECT_TRUE(vv.Contains(Dot{kA, 5}));
  EXPECT_FALSE(vv.Contains(Dot{kA, 6}));
  EXPECT_FALSE(vv.Contains(Dot{kC, 1}));
}

TEST(VersionVector, CompareCoversTheFourOrders) {
  const VersionVector a = Vv({{kA, 2}, {kB, 1}});
  EXPECT_EQ(a.Compare(a), CausalOrder::kEqual);
  EXPECT_EQ(a.Compare(Vv({{kA, 2}, {kB, 2}})), CausalOrder::kBefore);
  EXPECT_EQ(a.Compare(Vv({{kA, 1}})), CausalOrder::kAfter);
  EXPECT_EQ(a.Compare(Vv({{kA, 3}})), CausalOrder::kConcurrent);
  // An extra actor that sorts before the common ones (riak_dt's dominates NIF got this wrong).
  const VersionVector b = Vv({{kB, 1}, {kC, 1}});
  const VersionVector c = Vv({{kA, 1}, {kB, 1}, {kC, 1}});
  EXPECT_TRUE(c.Dominates(b));
  EXPECT_FALSE(b.Dominates(c));
  EXPECT_FALSE(c.Dominates(c));
  EXPECT_TRUE(c.Descends(c));
  EXPECT_TRUE(c.Descends(VersionVector()));
}

TEST(VersionVector, MergeIsPointwiseMax) {
  VersionVector a = Vv({{kA, 2}, {kC, 1}});
  a.Merge(Vv({{kA, 1}, {kB, 4}, {kC, 3}}));
  EXPECT_EQ(a, Vv({{kA, 2}, {kB, 4}, {kC, 3}}));
}

TEST(VersionVector, FromEntriesRejectsNonCanonicalInput) {
  EXPECT_FALSE(VersionVector::FromEntries({{kB, 1}, {kA, 1}}).ok());
  EXPECT_FALSE(VersionVector::FromEntries({{kA, 1}, {kA, 2}}).ok());
  // Counters near 2^64 would let a local increment wrap to a dot with counter 0.
  EXPECT_TRUE(VersionVector::FromEntries({{kA, kMaxDotCounter}}).ok());
  EXPECT_FALSE(VersionVector::FromEntries({{kA, kMaxDotCounter + 1}}).ok());
  EXPECT_FALSE(VersionVector::FromEntries({{kA, UINT64_MAX}}).ok());
  auto zero = VersionVector::FromEntries({{kA, 0}});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().code(), StatusCode::kInvalidArgument);
}

TEST(VersionVector, PrintsReadably) {
  EXPECT_EQ(Vv({{kA, 2}}).ToString(), "{0000000000000001:2}");
  EXPECT_EQ(VersionVector().ToString(), "{}");
}

}  // namespace
}  // namespace lashup::crdt

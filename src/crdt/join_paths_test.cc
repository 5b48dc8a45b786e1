// The join has three paths: the delta shortcut (JoinInto on a small context), the full walk
// (JoinFull) and the full walk that consumes the other side (Join(T&&)). They must agree on
// every input; this drives replicas through random operations and compares all three on every
// delta and every pair of states.
#include <gtest/gtest.h>

#include <random>

#include "crdt/random_map_ops.h"
#include "lashup/crdt/map.h"
#include "lashup/crdt/orset.h"

namespace lashup::crdt {
namespace {

void ExpectAllPathsAgree(const Map& mine, const Map& theirs) {
  Map shortcut = mine;
  shortcut.Join(theirs);

  auto full_store = mine.store();
  internal::JoinFull(full_store, mine.context(), theirs.store(), theirs.context());
  CausalContext full_context = mine.context();
  full_context.Merge(theirs.context());
  auto full = Map::FromParts(std::move(full_store), std::move(full_context));
  ASSERT_TRUE(full.ok()) << full.status();

  Map consumed = mine;
  Map victim = theirs;
  consumed.Join(std::move(victim));

  ASSERT_EQ(shortcut, *full) << "mine " << mine.value() << "\ntheirs " << theirs.value();
  ASSERT_EQ(consumed, *full);
  ASSERT_TRUE(victim.IsBottom());
  ASSERT_TRUE(Map::FromParts(shortcut.store(), shortcut.context()).ok());
}

TEST(JoinPaths, ShortcutFullAndConsumingJoinsAgree) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    RandomOps gen(seed);
    std::mt19937 pick(seed);
    HybridClock clock;
    std::vector<Map> replicas(3);
    for (int step = 0; step < 150; ++step) {
      const size_t i = pick() % replicas.size();
      Map& r = replicas[i];
      auto list = gen.Next();
      if (pick() % 2) list = WithSeen(std::move(list), r.context());
      auto delta = r.Apply(list, {ActorId(100 + i), &clock, WallTimeFromNanos(step)});
      ASSERT_TRUE(delta.ok()) << delta.status();
      for (const Map& other : replicas) ASSERT_NO_FATAL_FAILURE(ExpectAllPathsAgree(other, *delta));
      const size_t j = pick() % replicas.size();
      ASSERT_NO_FATAL_FAILURE(ExpectAllPathsAgree(replicas[j], r));
      if (pick() % 4 == 0) replicas[j].Join(*delta);
      if (pick() % 8 == 0) replicas[j].Join(r);
    }
  }
}

TEST(JoinPaths, HostileContextsNeitherHangNorAbort) {
  // Four actors at the counter bound: their dot count overflows 64 bits.
  std::vector<VersionVector::Entry> entries;
  for (uint64_t a = 1; a <= 4; ++a) entries.emplace_back(ActorId(a), kMaxDotCounter);
  auto huge = CausalContext(*VersionVector::FromEntries(entries));
  EXPECT_EQ(huge.DotCount(), UINT64_MAX);
  OrSet mine;
  mine.Add(ActorId(1), "x");
  mine.Join(*OrSet::FromParts({}, huge));  // a full join, not an enumeration of 2^64 dots
  EXPECT_TRUE(mine.value().empty());       // the peer has seen and removed our dot

  // Our actor pushed to the bound by a peer: local dots go past it; delta joins still work.
  auto at_bound = CausalContext(*VersionVector::FromEntries({{ActorId(1), kMaxDotCounter}}));
  OrSet r = *OrSet::FromParts({}, at_bound);
  r.Add(ActorId(1), "x");
  OrSet copy = r;
  auto remove = r.Remove("x");
  ASSERT_TRUE(remove.ok());
  copy.Join(*remove);
  EXPECT_EQ(copy, r);
}

TEST(JoinPaths, ConsumingJoinWithItselfKeepsTheValue) {
  OrSet a;
  a.Add(ActorId(1), "x");
  OrSet& same = a;
  a.Join(std::move(same));
  EXPECT_TRUE(a.Contains("x"));
}

TEST(JoinPaths, DeltaCarryingARemoveReachesElementsItDoesNotName) {
  // The shortcut must still find entries whose dots the delta removed without naming them.
  OrSet a;
  for (int i = 0; i < 100; ++i) a.Add(ActorId(1), "e" + std::to_string(i));
  OrSet b = a;
  auto remove = a.Remove("e42");
  ASSERT_TRUE(remove.ok());
  EXPECT_TRUE(remove->store().entries.empty());  // names nothing; only its context says e42
  b.Join(*remove);
  EXPECT_FALSE(b.Contains("e42"));
  EXPECT_EQ(b, a);
}

}  // namespace
}  // namespace lashup::crdt

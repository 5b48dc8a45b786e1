// The join has three paths: the delta shortcut (JoinInto on a small context), the full walk
// (JoinFull) and the full walk that consumes the other side (Join(T&&)). They must agree on
// every input; this drives replicas through random operations and compares all three on every
// delta and every pair of states.
#include <gtest/gtest.h>

#include <random>

#include "lashup/crdt/map.h"
#include "lashup/crdt/orset.h"

namespace lashup::crdt {
namespace {

class RandomOps {
 public:
  explicit RandomOps(uint32_t seed) : rng_(seed) {}

  std::vector<MapOp> Next(int depth = 1) {
    std::vector<MapOp> list;
    const int n = Pick(1, 3);
    for (int i = 0; i < n; ++i) list.push_back(One(depth));
    return list;
  }

 private:
  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string Name(const char* prefix) { return prefix + std::to_string(Pick(0, 3)); }

  MapOp One(int depth) {
    switch (Pick(0, depth < 3 ? 8 : 7)) {
      case 0:
        return ops::Add(Name("s"), Name("e"));
      case 1:
        return ops::AddAll(Name("s"), {Name("e"), Name("e")});
      case 2:
        return ops::Remove(Name("s"), Name("e"), CausalContext());  // never fails
      case 3:
        return ops::Increment(Name("c"), Pick(-5, 5));
      case 4:
        return Pick(0, 1) ? ops::Enable(Name("f")) : ops::Disable(Name("f"));
      case 5:
        return ops::Assign(Name("r"), Name("v"), Pick(0, 20));
      case 6:
        return ops::RemoveField(Name("s"), CrdtType::kOrSet, CausalContext());
      case 7:
        return ops::RemoveField(Name("m"), CrdtType::kMap, CausalContext());
      default:
        return ops::Update(Name("m"), Next(depth + 1));
    }
  }

  std::mt19937 rng_;
};

// `seen` contexts above are empty, so removes take nothing; give them teeth by removing with
// the replica's own context half the time.
std::vector<MapOp> WithSeen(std::vector<MapOp> list, const CausalContext& own) {
  for (MapOp& op : list) {
    if (auto* remove = std::get_if<RemoveField>(&op.op)) remove->seen = own;
    if (auto* update = std::get_if<UpdateField>(&op.op)) {
      if (auto* rm = std::get_if<SetRemove>(&update->op)) rm->seen = own;
      if (auto* nested = std::get_if<NestedMapOps>(&update->op)) {
        nested->ops = WithSeen(std::move(nested->ops), own);
      }
    }
  }
  return list;
}

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

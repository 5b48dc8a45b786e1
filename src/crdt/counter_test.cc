#include "lashup/crdt/counter.h"

#include <gtest/gtest.h>

#include <limits>

namespace lashup::crdt {
namespace {

constexpr ActorId kA{1}, kB{2};

TEST(Counter, IncrementsAndDecrementsFromManyActors) {
  Counter a, b;
  a.Increment(kA, 5);
  a.Decrement(kA, 2);
  b.Add(kB, -4);
  b.Increment(kB);
  a.Join(b);
  EXPECT_EQ(a.value(), 0);
  // One entry per actor: each new write replaces the actor's previous one.
  EXPECT_EQ(a.store().entries.size(), 2u);
}

TEST(Counter, DeltaCarriesTheActorsTotalsAndReplacesItsOldEntry) {
  Counter a, b;
  b.Join(a.Increment(kA, 3));
  Counter delta = a.Increment(kA, 4);
  ASSERT_EQ(delta.store().entries.size(), 1u);
  EXPECT_EQ(delta.store().entries.begin()->second, (CounterEntry{7, 0}));
  b.Join(delta);
  EXPECT_EQ(b.value(), 7);
  EXPECT_EQ(b.store().entries.size(), 1u);
}

TEST(Counter, WrapsInsteadOfOverflowing) {
  Counter c;
  c.Increment(kA, std::numeric_limits<int64_t>::max());
  c.Increment(kA, 1);
  EXPECT_EQ(c.value(), std::numeric_limits<int64_t>::min());
  Counter d;
  d.Decrement(kA, std::numeric_limits<int64_t>::min());  // negating INT64_MIN is defined here
  EXPECT_EQ(d.value(), std::numeric_limits<int64_t>::min());
}

TEST(Counter, JoinIsIdempotentAndOrderFree) {
  Counter a, b;
  Counter d1 = a.Increment(kA, 1);
  Counter d2 = b.Increment(kB, 10);
  Counter d3 = a.Increment(kA, 2);
  Counter x, y;
  for (const Counter* d : {&d1, &d2, &d3, &d2}) x.Join(*d);
  for (const Counter* d : {&d3, &d1, &d2}) y.Join(*d);
  EXPECT_EQ(x, y);
  EXPECT_EQ(x.value(), 13);
}

TEST(Counter, AStaleEntryLeftByOutOfOrderDeltasIsNotCountedTwice) {
  Counter writer, reader;
  Counter first = writer.Increment(kA, 4);
  Counter second = writer.Increment(kA, 1);  // replaces the first entry: totals 5
  Counter third = writer.Increment(kA, 1);   // totals 6
  reader.Join(first);
  reader.Join(third);  // `second`, whose context removes `first`, has not arrived yet
  EXPECT_EQ(reader.store().entries.size(), 2u);
  EXPECT_EQ(reader.value(), 6);
  reader.Join(second);
  EXPECT_EQ(reader.store().entries.size(), 1u);
  EXPECT_EQ(reader, writer);
}

}  // namespace
}  // namespace lashup::crdt

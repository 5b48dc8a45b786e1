#include "lashup/crdt/delta_buffer.h"

#include <gtest/gtest.h>

#include "lashup/crdt/map.h"
#include "lashup/crdt/orset.h"

namespace lashup::crdt {
namespace {

constexpr ActorId kA{1};

TEST(DeltaBuffer, GroupJoinsLikeTheDeltasOneByOne) {
  OrSet source, one_by_one, grouped;
  DeltaBuffer<OrSet> buffer;
  std::vector<OrSet> deltas;
  deltas.push_back(source.Add(kA, "a"));
  deltas.push_back(source.Add(kA, "b"));
  deltas.push_back(*source.Remove("a"));
  deltas.push_back(source.Add(kA, "c"));
  for (const OrSet& d : deltas) {
    buffer.Add(d);
    one_by_one.Join(d);
  }
  EXPECT_EQ(buffer.count(), 4u);
  OrSet group = buffer.Take();
  EXPECT_TRUE(buffer.empty());
  EXPECT_TRUE(buffer.group().IsBottom());
  grouped.Join(group);
  EXPECT_EQ(grouped, one_by_one);
  EXPECT_EQ(grouped, source);
  EXPECT_EQ(group.value(), (SetValue{"b", "c"}));  // the removed element is not shipped
}

TEST(DeltaBuffer, IgnoresBottomDeltas) {
  DeltaBuffer<Map> buffer;
  buffer.Add(Map());
  EXPECT_TRUE(buffer.empty());
}

}  // namespace
}  // namespace lashup::crdt

#include "kv/subscriber_queue.h"

#include <gtest/gtest.h>

namespace lashup::kv {
namespace {

KvChanged Change(const std::string& key, const std::string& element, bool snapshot = false) {
  KvChanged change;
  change.subscriptions = {1};
  change.key = {key};
  crdt::MapValue value;
  value.entries.push_back({{"s", crdt::CrdtType::kOrSet}, {crdt::SetValue{element}}});
  change.value = value;
  change.snapshot = snapshot;
  return change;
}

std::string ElementOf(const KvChanged& change) {
  return change.value.entries.at(0).value.AsSet()->at(0);
}

TEST(SubscriberQueueTest, DeliversInOrderAndCoalescesAWaitingKeyToItsNewestValue) {
  SubscriberQueue q(10);
  q.Push(Change("a", "1", /*snapshot=*/true));
  q.Push(Change("b", "1"));
  q.Push(Change("a", "2"));
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.coalesced(), 1u);
  auto first = q.Pop();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->key, std::vector<std::string>{"a"});
  EXPECT_EQ(ElementOf(*first), "2");
  EXPECT_TRUE(first->snapshot);  // the subscriber had not seen "a" yet
  EXPECT_EQ(q.Pop()->key, std::vector<std::string>{"b"});
  EXPECT_FALSE(q.Pop().has_value());
  q.Push(Change("a", "3"));  // after delivery, a new change queues again
  EXPECT_EQ(ElementOf(*q.Pop()), "3");
}

TEST(SubscriberQueueTest, ANewKeyBeyondCapacityOverflowsUntilReset) {
  SubscriberQueue q(2);
  q.Push(Change("a", "1"));
  q.Push(Change("b", "1"));
  q.Push(Change("a", "2"));  // a waiting key: no overflow
  EXPECT_FALSE(q.overflowed());
  q.Push(Change("c", "1"));
  EXPECT_TRUE(q.overflowed());
  EXPECT_EQ(q.overflows(), 1u);
  EXPECT_FALSE(q.Pop().has_value());
  q.Push(Change("d", "1"));  // ignored: a snapshot is due
  EXPECT_EQ(q.size(), 0u);
  q.Reset();
  q.Push(Change("d", "2"));
  EXPECT_EQ(ElementOf(*q.Pop()), "2");
}

}  // namespace
}  // namespace lashup::kv

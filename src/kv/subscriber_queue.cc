#include "kv/subscriber_queue.h"

#include <utility>

namespace lashup::kv {

void SubscriberQueue::Push(KvChanged change) {
  if (overflowed_) return;  // a snapshot follows anyway
  auto it = waiting_.find(change.key);
  if (it != waiting_.end()) {
    // A snapshot entry stays one: the subscriber has not yet seen the key at all.
    change.snapshot = change.snapshot || it->second.snapshot;
    it->second = std::move(change);
    ++coalesced_;
    return;
  }
  if (order_.size() >= capacity_) {
    order_.clear();
    waiting_.clear();
    overflowed_ = true;
    ++overflows_;
    return;
  }
  order_.push_back(change.key);
  waiting_.emplace(change.key, std::move(change));
}

std::optional<KvChanged> SubscriberQueue::Pop() {
  if (order_.empty()) return std::nullopt;
  auto it = waiting_.find(order_.front());
  order_.pop_front();
  KvChanged change = std::move(it->second);
  waiting_.erase(it);
  return change;
}

void SubscriberQueue::Reset() {
  order_.clear();
  waiting_.clear();
  overflowed_ = false;
}

}  // namespace lashup::kv

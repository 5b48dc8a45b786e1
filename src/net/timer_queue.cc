#include "net/timer_queue.h"

namespace lashup::net {

void TimerQueue::Set(TimerId id, Instant at) {
  Cancel(id);
  by_id_.emplace(id, at);
  by_time_.emplace(at, id);
}

void TimerQueue::Cancel(TimerId id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  by_time_.erase({it->second, id});
  by_id_.erase(it);
}

std::optional<Instant> TimerQueue::Earliest() const {
  if (by_time_.empty()) return std::nullopt;
  return by_time_.begin()->first;
}

std::optional<TimerId> TimerQueue::PopDue(Instant now) {
  if (by_time_.empty() || by_time_.begin()->first > now) return std::nullopt;
  const TimerId id = by_time_.begin()->second;
  by_id_.erase(id);
  by_time_.erase(by_time_.begin());
  return id;
}

void TimerQueue::Clear() {
  by_id_.clear();
  by_time_.clear();
}

}  // namespace lashup::net

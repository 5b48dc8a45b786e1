// TimerQueue: a core's pending timers as a driver with one real timer keeps them.
//
// Set replaces a pending timer with the same id; Cancel forgets it. PopDue hands back the
// earliest timer due at `now` (ties in TimerId order, so firing order never depends on insertion
// history), one at a time: a handler may cancel or move a timer that was also due. The driver
// arms its one steady timer for Earliest(). Not thread-safe.
#ifndef LASHUP_NET_TIMER_QUEUE_H_
#define LASHUP_NET_TIMER_QUEUE_H_

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/timer_id.h"
#include "lashup/types.h"

namespace lashup::net {

class TimerQueue {
 public:
  void Set(TimerId id, Instant at);
  void Cancel(TimerId id);
  std::optional<Instant> Earliest() const;
  // Removes and returns the earliest timer with `at <= now`, if any.
  std::optional<TimerId> PopDue(Instant now);
  size_t size() const { return by_id_.size(); }
  void Clear();

 private:
  std::map<TimerId, Instant> by_id_;
  std::set<std::pair<Instant, TimerId>> by_time_;
};

}  // namespace lashup::net

#endif  // LASHUP_NET_TIMER_QUEUE_H_

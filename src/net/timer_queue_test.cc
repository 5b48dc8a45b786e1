#include "net/timer_queue.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/timer_id.h"
#include "gtest/gtest.h"
#include "lashup/types.h"

namespace lashup::net {
namespace {

Instant At(int64_t ns) { return InstantFromNanos(ns); }

TimerId Id(Component component, uint32_t kind, uint64_t key) { return {component, kind, key}; }

std::string Describe(const std::optional<TimerId>& id) {
  if (!id) return "none";
  return std::string(ComponentName(id->component)) + "/" + std::to_string(id->kind) + "/" +
         std::to_string(id->key);
}

std::string Describe(const std::optional<Instant>& at) {
  return at ? std::to_string(ToNanos(*at)) : "none";
}

// Pops everything due at `now`, in the order the queue hands it out.
std::vector<std::string> DrainDue(TimerQueue& queue, Instant now) {
  std::vector<std::string> fired;
  while (std::optional<TimerId> id = queue.PopDue(now)) fired.push_back(Describe(id));
  return fired;
}

const TimerId kProbe = Id(Component::kFailureDetector, 1, 7);
const TimerId kShuffle = Id(Component::kHyParView, 2, 0);
const TimerId kSync = Id(Component::kAntiEntropy, 0, 3);

TEST(TimerQueueTest, EmptyQueue) {
  TimerQueue queue;
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_FALSE(queue.Earliest().has_value());
  EXPECT_FALSE(queue.PopDue(At(1'000'000)).has_value());
}

TEST(TimerQueueTest, EarliestIsTheSoonestPendingTimer) {
  TimerQueue queue;
  queue.Set(kProbe, At(300));
  EXPECT_EQ(Describe(queue.Earliest()), "300");
  queue.Set(kShuffle, At(100));
  EXPECT_EQ(Describe(queue.Earliest()), "100");
  queue.Set(kSync, At(200));
  EXPECT_EQ(Describe(queue.Earliest()), "100");
  EXPECT_EQ(queue.size(), 3u);
}

TEST(TimerQueueTest, PopDueReturnsNothingBeforeTheEarliestIsDue) {
  TimerQueue queue;
  queue.Set(kProbe, At(100));
  EXPECT_FALSE(queue.PopDue(At(99)).has_value());
  EXPECT_EQ(queue.size(), 1u);
  // Due exactly at its instant.
  EXPECT_EQ(Describe(queue.PopDue(At(100))), Describe(kProbe));
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_FALSE(queue.Earliest().has_value());
}

TEST(TimerQueueTest, PopDueHandsOutOneAtATimeEarliestFirst) {
  TimerQueue queue;
  queue.Set(kProbe, At(300));
  queue.Set(kShuffle, At(100));
  queue.Set(kSync, At(200));
  queue.Set(Id(Component::kKv, 0, 0), At(400));  // not due yet

  EXPECT_EQ(Describe(queue.PopDue(At(350))), Describe(kShuffle));
  EXPECT_EQ(queue.size(), 3u);  // one at a time: the others are still pending
  EXPECT_EQ(Describe(queue.Earliest()), "200");
  EXPECT_EQ(Describe(queue.PopDue(At(350))), Describe(kSync));
  EXPECT_EQ(Describe(queue.PopDue(At(350))), Describe(kProbe));
  EXPECT_FALSE(queue.PopDue(At(350)).has_value());
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(Describe(queue.Earliest()), "400");
}

TEST(TimerQueueTest, HandlerMayCancelATimerThatWasAlsoDue) {
  TimerQueue queue;
  queue.Set(kProbe, At(100));
  queue.Set(kShuffle, At(100));
  queue.Set(kSync, At(100));
  // kShuffle has the lowest id (HyParView), so it fires first.
  ASSERT_EQ(Describe(queue.PopDue(At(100))), Describe(kShuffle));
  // Its handler cancels one timer that was also due and moves the other into the future.
  queue.Cancel(kProbe);
  queue.Set(kSync, At(500));
  EXPECT_FALSE(queue.PopDue(At(100)).has_value());
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(Describe(queue.PopDue(At(500))), Describe(kSync));
}

TEST(TimerQueueTest, TiesFireInTimerIdOrderWhateverTheInsertionOrder) {
  // Ordered by component, then kind, then key.
  const std::vector<TimerId> sorted = {
      Id(Component::kTest, 9, 9),         Id(Component::kHyParView, 0, 5),
      Id(Component::kHyParView, 1, 0),    Id(Component::kHyParView, 1, 1),
      Id(Component::kHyParView, 1, 1000), Id(Component::kFailureDetector, 0, 0),
      Id(Component::kNode, 0, 0),
  };
  std::vector<std::string> expected;
  for (const TimerId& id : sorted) expected.push_back(Describe(id));

  // Forward, reversed, and shuffled insertions all fire the same way.
  std::vector<std::vector<TimerId>> orders = {sorted, {sorted.rbegin(), sorted.rend()}};
  Rng rng(42);
  for (int i = 0; i < 5; ++i) {
    std::vector<TimerId> shuffled = sorted;
    rng.Shuffle(shuffled);
    orders.push_back(shuffled);
  }
  for (const std::vector<TimerId>& order : orders) {
    TimerQueue queue;
    for (const TimerId& id : order) queue.Set(id, At(1000));
    EXPECT_EQ(DrainDue(queue, At(1000)), expected);
  }
}

TEST(TimerQueueTest, TimeOrderBeatsTimerIdOrder) {
  TimerQueue queue;
  const TimerId low = Id(Component::kTest, 0, 0);
  const TimerId high = Id(Component::kNode, 9, 9);
  queue.Set(low, At(200));
  queue.Set(high, At(100));
  EXPECT_EQ(DrainDue(queue, At(200)), (std::vector<std::string>{Describe(high), Describe(low)}));
}

TEST(TimerQueueTest, SetReplacesAPendingTimerAndMovesIt) {
  TimerQueue queue;
  queue.Set(kProbe, At(100));
  queue.Set(kShuffle, At(200));
  queue.Set(kProbe, At(300));  // later: no trace of the old deadline may remain
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(Describe(queue.Earliest()), "200");
  EXPECT_FALSE(queue.PopDue(At(150)).has_value());
  EXPECT_EQ(DrainDue(queue, At(300)),
            (std::vector<std::string>{Describe(kShuffle), Describe(kProbe)}));

  queue.Set(kSync, At(500));
  queue.Set(kSync, At(50));  // earlier
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(Describe(queue.Earliest()), "50");
  EXPECT_EQ(DrainDue(queue, At(60)), (std::vector<std::string>{Describe(kSync)}));
  EXPECT_EQ(queue.size(), 0u);
}

TEST(TimerQueueTest, SetToTheSameInstantKeepsOneTimer) {
  TimerQueue queue;
  queue.Set(kProbe, At(100));
  queue.Set(kProbe, At(100));
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(DrainDue(queue, At(100)), (std::vector<std::string>{Describe(kProbe)}));
}

TEST(TimerQueueTest, IdsDifferingInOneFieldAreDistinctTimers) {
  TimerQueue queue;
  queue.Set(Id(Component::kKv, 1, 1), At(10));
  queue.Set(Id(Component::kMembership, 1, 1), At(20));
  queue.Set(Id(Component::kKv, 2, 1), At(30));
  queue.Set(Id(Component::kKv, 1, 2), At(40));
  EXPECT_EQ(queue.size(), 4u);
  queue.Cancel(Id(Component::kKv, 1, 1));
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(Describe(queue.Earliest()), "20");
}

TEST(TimerQueueTest, CancelForgetsTheTimer) {
  TimerQueue queue;
  queue.Set(kProbe, At(100));
  queue.Set(kShuffle, At(200));
  queue.Cancel(kProbe);
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(Describe(queue.Earliest()), "200");
  EXPECT_EQ(DrainDue(queue, At(1000)), (std::vector<std::string>{Describe(kShuffle)}));
}

TEST(TimerQueueTest, CancelOfAnUnknownIdIsANoOp) {
  TimerQueue queue;
  queue.Cancel(kProbe);  // empty queue
  queue.Set(kShuffle, At(200));
  queue.Cancel(kProbe);  // never set
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(Describe(queue.Earliest()), "200");
  ASSERT_EQ(Describe(queue.PopDue(At(200))), Describe(kShuffle));
  queue.Cancel(kShuffle);  // already fired
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_FALSE(queue.Earliest().has_value());
}

TEST(TimerQueueTest, PoppedTimerCanBeSetAgain) {
  TimerQueue queue;
  queue.Set(kProbe, At(100));
  ASSERT_EQ(Describe(queue.PopDue(At(100))), Describe(kProbe));
  queue.Set(kProbe, At(250));
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_FALSE(queue.PopDue(At(249)).has_value());
  EXPECT_EQ(Describe(queue.PopDue(At(250))), Describe(kProbe));
}

TEST(TimerQueueTest, ClearForgetsEverything) {
  TimerQueue queue;
  queue.Set(kProbe, At(100));
  queue.Set(kShuffle, At(200));
  queue.Clear();
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_FALSE(queue.Earliest().has_value());
  EXPECT_FALSE(queue.PopDue(At(1000)).has_value());
  // Still usable, and the cleared timers do not come back.
  queue.Set(kSync, At(300));
  EXPECT_EQ(DrainDue(queue, At(1000)), (std::vector<std::string>{Describe(kSync)}));
}

// ---- Randomized comparison against a plain map -------------------------------------------------

// The obvious implementation: a map from id to deadline, scanned in full for every question.
class ModelQueue {
 public:
  void Set(TimerId id, Instant at) { timers_[id] = at; }
  void Cancel(TimerId id) { timers_.erase(id); }
  void Clear() { timers_.clear(); }
  size_t size() const { return timers_.size(); }

  std::optional<Instant> Earliest() const {
    std::optional<Instant> earliest;
    for (const auto& [id, at] : timers_) {
      if (!earliest || at < *earliest) earliest = at;
    }
    return earliest;
  }

  std::optional<TimerId> PopDue(Instant now) {
    // The map iterates in TimerId order, so keeping only strictly earlier deadlines breaks ties
    // by id.
    auto best = timers_.end();
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->second <= now && (best == timers_.end() || it->second < best->second)) best = it;
    }
    if (best == timers_.end()) return std::nullopt;
    const TimerId id = best->first;
    timers_.erase(best);
    return id;
  }

 private:
  std::map<TimerId, Instant> timers_;
};

// A small id space and a narrow time range, so replacements, cancels of pending timers and ties
// are common rather than rare.
TimerId RandomId(Rng& rng) {
  return Id(static_cast<Component>(rng.Uniform(3)), static_cast<uint32_t>(rng.Uniform(3)),
            rng.Uniform(4));
}

TEST(TimerQueueTest, MatchesAMapModelUnderRandomOperations) {
  constexpr int kOpsPerSeed = 4000;
  for (uint64_t seed : {1u, 2u, 3u, 20240601u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(seed);
    TimerQueue queue;
    ModelQueue model;
    int64_t now = 0;
    for (int op = 0; op < kOpsPerSeed; ++op) {
      const uint64_t kind = rng.Uniform(100);
      std::string what;
      if (kind < 40) {
        const TimerId id = RandomId(rng);
        const Instant at = At(now + rng.UniformRange(-5, 30));  // some already overdue
        what = "Set " + Describe(id) + " at " + std::to_string(ToNanos(at));
        queue.Set(id, at);
        model.Set(id, at);
      } else if (kind < 55) {
        const TimerId id = RandomId(rng);
        what = "Cancel " + Describe(id);
        queue.Cancel(id);
        model.Cancel(id);
      } else if (kind < 99) {
        now += rng.UniformRange(0, 10);
        what = "PopDue at " + std::to_string(now);
        const std::optional<TimerId> got = queue.PopDue(At(now));
        const std::optional<TimerId> want = model.PopDue(At(now));
        ASSERT_EQ(Describe(got), Describe(want)) << "op " << op << ": " << what;
      } else {
        what = "Clear";
        queue.Clear();
        model.Clear();
      }
      ASSERT_EQ(queue.size(), model.size()) << "op " << op << ": after " << what;
      ASSERT_EQ(Describe(queue.Earliest()), Describe(model.Earliest()))
          << "op " << op << ": after " << what;
    }
    // Finally everything left fires, in the same order.
    while (model.size() > 0) {
      ASSERT_EQ(Describe(queue.PopDue(At(now + 1'000))), Describe(model.PopDue(At(now + 1'000))));
    }
    EXPECT_FALSE(queue.PopDue(At(now + 1'000)).has_value());
  }
}

}  // namespace
}  // namespace lashup::net

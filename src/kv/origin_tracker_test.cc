#include "kv/origin_tracker.h"

#include <gtest/gtest.h>

namespace lashup::kv {
namespace {

const NodeId kA = NodeId::FromLiteral("a");

TEST(OriginTrackerTest, InOrderDeltasShowNoGap) {
  OriginTracker t;
  for (uint64_t seq = 5; seq < 10; ++seq) EXPECT_FALSE(t.Record(kA, 1, seq));
  EXPECT_FALSE(t.HasGaps());
}

TEST(OriginTrackerTest, ReorderingOpensAGapThatTheLateDeltaCloses) {
  OriginTracker t;
  EXPECT_FALSE(t.Record(kA, 1, 1));
  EXPECT_TRUE(t.Record(kA, 1, 3));
  EXPECT_TRUE(t.HasGaps());
  EXPECT_FALSE(t.Record(kA, 1, 2));
  EXPECT_FALSE(t.HasGaps());
  EXPECT_FALSE(t.Record(kA, 1, 4));
}

TEST(OriginTrackerTest, AClearedGapStaysClosedAndANewIncarnationStartsAfresh) {
  OriginTracker t;
  t.Record(kA, 1, 1);
  t.Record(kA, 1, 5);
  t.ClearGaps();
  EXPECT_FALSE(t.HasGaps());
  EXPECT_FALSE(t.Record(kA, 1, 6));
  EXPECT_FALSE(t.Record(kA, 2, 40));  // a restart: the first delta seen is the base
  EXPECT_FALSE(t.Record(kA, 1, 9));   // an older incarnation's straggler
  EXPECT_FALSE(t.HasGaps());
}

TEST(OriginTrackerTest, TooManyNumbersAheadJumpAndStillReportAGap) {
  OriginTracker t;
  t.Record(kA, 1, 1);
  for (uint64_t seq = 3; seq < 3 + OriginTracker::kMaxAhead + 1; ++seq) t.Record(kA, 1, seq);
  EXPECT_TRUE(t.HasGaps());
  t.ClearGaps();
  EXPECT_FALSE(t.HasGaps());
  EXPECT_FALSE(t.Record(kA, 1, 3 + OriginTracker::kMaxAhead + 1));
}

}  // namespace
}  // namespace lashup::kv

#include "routing/delivery_window.h"

#include <gtest/gtest.h>

namespace lashup::routing {
namespace {

using Verdict = DeliveryWindow::Verdict;

TEST(DeliveryWindowTest, AcceptsEachNumberOnceInAnyOrder) {
  DeliveryWindow w;
  EXPECT_EQ(w.Accept(1, 5), Verdict::kNew);
  EXPECT_EQ(w.Accept(1, 3), Verdict::kNew);  // late but inside the window
  EXPECT_EQ(w.Accept(1, 5), Verdict::kDuplicate);
  EXPECT_EQ(w.Accept(1, 3), Verdict::kDuplicate);
  EXPECT_EQ(w.Accept(1, 4), Verdict::kNew);
  EXPECT_EQ(w.Accept(1, 6), Verdict::kNew);
}

TEST(DeliveryWindowTest, SlidingForgetsOnlyWhatLeavesTheWindow) {
  DeliveryWindow w;
  const uint64_t span = DeliveryWindow::kSpan;
  EXPECT_EQ(w.Accept(1, 10), Verdict::kNew);
  EXPECT_EQ(w.Accept(1, 10 + span - 1), Verdict::kNew);
  EXPECT_EQ(w.Accept(1, 10), Verdict::kDuplicate);  // still inside: remembered
  EXPECT_EQ(w.Accept(1, 11), Verdict::kNew);        // inside, never seen
  EXPECT_EQ(w.Accept(1, 10 + span), Verdict::kNew);  // 10 leaves the window
  EXPECT_EQ(w.Accept(1, 10), Verdict::kTooOld);
  EXPECT_EQ(w.Accept(1, 11 + span - 1), Verdict::kDuplicate);  // reuses no stale bit
  EXPECT_EQ(w.Accept(1, 12 + span), Verdict::kNew);  // the slot of 12: 12 was never seen
  EXPECT_EQ(w.Accept(1, 5 * span), Verdict::kNew);   // a jump clears everything
  EXPECT_EQ(w.Accept(1, 5 * span - 1), Verdict::kNew);
}

TEST(DeliveryWindowTest, ANewerIncarnationStartsOverAndAnOlderOneIsRefused) {
  DeliveryWindow w;
  EXPECT_EQ(w.Accept(1, 900), Verdict::kNew);
  EXPECT_EQ(w.Accept(2, 1), Verdict::kNew);
  EXPECT_EQ(w.Accept(2, 1), Verdict::kDuplicate);
  EXPECT_EQ(w.Accept(1, 901), Verdict::kOldIncarnation);
}

}  // namespace
}  // namespace lashup::routing

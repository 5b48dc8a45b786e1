#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace lashup::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(HistogramTest, CreateRefusesBoundsThatAreEmptyUnorderedOrNotFinite) {
  const std::vector<std::vector<double>> bad = {{},        {1, 1},    {2, 1}, {1, std::nan("")},
                                                {1, kInf}, {-kInf, 1}};
  for (const std::vector<double>& bounds : bad) {
    Result<std::unique_ptr<Histogram>> histogram = Histogram::Create(bounds);
    ASSERT_FALSE(histogram.ok());
    EXPECT_EQ(histogram.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(Histogram::Create({-1, 0, 0.5}).ok());
}

TEST(HistogramTest, BucketsAreCumulativeWithInclusiveUpperBounds) {
  Result<std::unique_ptr<Histogram>> histogram = Histogram::Create({1, 2, 5});
  ASSERT_TRUE(histogram.ok()) << histogram.status();
  for (double value : {0.5, 1.0, -3.0, 1.5, 2.0, 4.5, 5.0, 7.0}) (*histogram)->Observe(value);
  const Histogram::Snapshot snapshot = (*histogram)->TakeSnapshot();
  EXPECT_EQ(snapshot.bounds, (std::vector<double>{1, 2, 5}));
  // <= 1: 0.5, 1, -3; <= 2: adds 1.5, 2; <= 5: adds 4.5, 5; +Inf: adds 7.
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<uint64_t>{3, 5, 7, 8}));
  EXPECT_EQ(snapshot.count, 8u);
  EXPECT_EQ(snapshot.sum, 18.5);
}

TEST(HistogramTest, EmptyHistogramSnapshotsZeros) {
  Result<std::unique_ptr<Histogram>> histogram = Histogram::Create({1});
  ASSERT_TRUE(histogram.ok()) << histogram.status();
  const Histogram::Snapshot snapshot = (*histogram)->TakeSnapshot();
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<uint64_t>{0, 0}));
  EXPECT_EQ(snapshot.count, 0u);
  EXPECT_EQ(snapshot.sum, 0.0);
}

TEST(HistogramTest, NanCountsInTheInfBucketAndPoisonsTheSum) {
  Result<std::unique_ptr<Histogram>> histogram = Histogram::Create({1});
  ASSERT_TRUE(histogram.ok()) << histogram.status();
  (*histogram)->Observe(0.5);
  (*histogram)->Observe(std::nan(""));
  (*histogram)->Observe(kInf);
  const Histogram::Snapshot snapshot = (*histogram)->TakeSnapshot();
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(std::isnan(snapshot.sum));
}

TEST(HistogramTest, ConcurrentObservationsAreAllCounted) {
  Result<std::unique_ptr<Histogram>> histogram = Histogram::Create({1, 2});
  ASSERT_TRUE(histogram.ok()) << histogram.status();
  constexpr int kThreads = 4;
  constexpr int kRounds = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h = **histogram] {
      // Halves add up exactly in binary, so the sum is independent of interleaving.
      for (int i = 0; i < kRounds; ++i) {
        h.Observe(0.5);
        h.Observe(1.5);
        h.Observe(3.0);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const Histogram::Snapshot snapshot = (*histogram)->TakeSnapshot();
  constexpr uint64_t kEach = uint64_t{kThreads} * kRounds;
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<uint64_t>{kEach, 2 * kEach, 3 * kEach}));
  EXPECT_EQ(snapshot.count, 3 * kEach);
  EXPECT_EQ(snapshot.sum, 5.0 * kEach);
}

TEST(HistogramTest, LatencyBoundsSpanATenthOfAMillisecondToTenSeconds) {
  const std::vector<double> bounds = LatencyBoundsSeconds();
  EXPECT_TRUE(CheckBounds(bounds).ok());
  EXPECT_EQ(bounds.front(), 0.0001);
  EXPECT_EQ(bounds.back(), 10.0);
  EXPECT_TRUE(Histogram::Create(bounds).ok());
}

}  // namespace
}  // namespace lashup::metrics

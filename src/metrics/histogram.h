// Histogram: a fixed-bucket distribution of observations, such as request latencies.
//
// Contract: bucket upper bounds are fixed at creation and must be finite and strictly increasing
// (CheckBounds; Create refuses anything else with kInvalidArgument). An observation v counts in
// the first bucket whose bound is >= v (Prometheus' inclusive "le"), or in the implicit +Inf
// bucket. NaN counts in +Inf and turns the sum into NaN, as in the Prometheus Go client, so a
// broken measurement shows up instead of vanishing. Observe may be called from any number of
// threads at once and never blocks (relaxed atomics: a histogram orders nothing else).
// TakeSnapshot is safe alongside Observe but is not one atomic cut: an observation racing with
// it may be in the buckets and not yet in the sum. The snapshot's count is the sum of its
// buckets, so count always equals the +Inf cumulative count, which scrapers check.
#ifndef LASHUP_METRICS_HISTOGRAM_H_
#define LASHUP_METRICS_HISTOGRAM_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "lashup/status.h"

namespace lashup::metrics {

class Histogram {
 public:
  struct Snapshot {
    std::vector<double> bounds;               // upper bounds, without the implicit +Inf
    std::vector<uint64_t> cumulative_counts;  // one per bound, then +Inf: bounds.size() + 1
    double sum = 0;
    uint64_t count = 0;  // equals cumulative_counts.back()
  };

  static Result<std::unique_ptr<Histogram>> Create(std::vector<double> bounds);

  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);
  Snapshot TakeSnapshot() const;

  const std::vector<double>& bounds() const { return bounds_; }

 private:
  explicit Histogram(std::vector<double> bounds);

  const std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> counts_;  // per bucket, not cumulative; the last is +Inf
  std::atomic<double> sum_{0.0};
};

// OK if `bounds` is non-empty, finite and strictly increasing; kInvalidArgument naming the first
// offending bound otherwise.
Status CheckBounds(const std::vector<double>& bounds);

// Latency buckets in seconds, 100 µs to 10 s in 1-2.5-5 steps per decade: fine enough below a
// millisecond for in-memory work, and up to the timeouts of a partitioned network.
std::vector<double> LatencyBoundsSeconds();

}  // namespace lashup::metrics

#endif  // LASHUP_METRICS_HISTOGRAM_H_

#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace lashup::metrics {

Status CheckBounds(const std::vector<double>& bounds) {
  if (bounds.empty()) return InvalidArgumentError("histogram needs at least one bucket bound");
  for (size_t i = 0; i < bounds.size(); ++i) {
    // +Inf is refused too: the +Inf bucket is implicit, and a second one would repeat le="+Inf".
    if (!std::isfinite(bounds[i])) {
      return InvalidArgumentError("histogram bound " + std::to_string(i) + " is not finite");
    }
    if (i > 0 && !(bounds[i - 1] < bounds[i])) {
      return InvalidArgumentError("histogram bound " + std::to_string(i) +
                                  " is not greater than the bound before it");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<Histogram>> Histogram::Create(std::vector<double> bounds) {
  LASHUP_RETURN_IF_ERROR(CheckBounds(bounds));
  return std::unique_ptr<Histogram>(new Histogram(std::move(bounds)));
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void Histogram::Observe(double value) {
  const size_t bucket =
      std::isnan(value)
          ? bounds_.size()
          : static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  // A compare-and-swap loop inside libstdc++: there is no hardware add for doubles.
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::TakeSnapshot() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  snapshot.cumulative_counts.reserve(counts_.size());
  uint64_t running = 0;
  for (const std::atomic<uint64_t>& count : counts_) {
    running += count.load(std::memory_order_relaxed);
    snapshot.cumulative_counts.push_back(running);
  }
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> LatencyBoundsSeconds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

}  // namespace lashup::metrics

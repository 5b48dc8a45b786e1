#include "chaos/timeline.h"

#include <algorithm>

namespace lashup::chaos {

size_t FaultTimeline::Begin(std::string kind, std::string what, Duration at) {
  intervals_.push_back({std::move(kind), std::move(what), at, std::nullopt});
  return intervals_.size() - 1;
}

void FaultTimeline::End(size_t index, Duration at) {
  if (index < intervals_.size() && !intervals_[index].end) intervals_[index].end = at;
}

void FaultTimeline::EndAll(Duration at) {
  for (FaultInterval& interval : intervals_) {
    if (!interval.end) interval.end = at;
  }
}

bool FaultTimeline::Quiet(Duration from, Duration to, const std::vector<std::string>& kinds) const {
  for (const FaultInterval& interval : intervals_) {
    if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), interval.kind) == kinds.end()) {
      continue;
    }
    const bool ended_before = interval.end && *interval.end < from;
    if (!ended_before && interval.start <= to) return false;
  }
  return true;
}

}  // namespace lashup::chaos

#include "kv/origin_tracker.h"

namespace lashup::kv {

bool OriginTracker::Record(const NodeId& origin, uint64_t incarnation, uint64_t seq) {
  auto [it, inserted] = tracks_.try_emplace(origin);
  Track& track = it->second;
  if (inserted || incarnation > track.incarnation) {
    track = Track{incarnation, seq + 1, {}};
    return false;
  }
  if (incarnation < track.incarnation || seq < track.next) return false;
  if (seq == track.next) {
    ++track.next;
    while (!track.ahead.empty() && *track.ahead.begin() == track.next) {
      track.ahead.erase(track.ahead.begin());
      ++track.next;
    }
    return false;
  }
  track.ahead.insert(seq);
  if (track.ahead.size() > kMaxAhead) {
    track.next = *track.ahead.rbegin() + 1;
    track.ahead.clear();
    jumped_ = true;
  }
  return true;
}

bool OriginTracker::HasGaps() const {
  if (jumped_) return true;
  for (const auto& [origin, track] : tracks_) {
    if (!track.ahead.empty()) return true;
  }
  return false;
}

void OriginTracker::ClearGaps() {
  jumped_ = false;
  for (auto& [origin, track] : tracks_) {
    if (track.ahead.empty()) continue;
    track.next = *track.ahead.rbegin() + 1;
    track.ahead.clear();
  }
}

}  // namespace lashup::kv

// OriginTracker: which KV deltas arrived from each origin, to notice one that never will.
//
// Contract: deltas of one origin's incarnation are numbered 1, 2, 3 ... (delta_payload.h) and
// multicast delivers each at most once, in any order. `Record` returns true when a delta's
// number runs ahead of the next one expected, which means a gap, for now: reordering fills it
// soon after. `HasGaps` says whether any is still open; `ClearGaps` forgets them once
// anti-entropy has been asked to repair them. The first delta seen from an incarnation sets
// the base (a node that joins late does not count the deltas before it as missing; anti-entropy
// brings it the state instead). At most kMaxAhead numbers are kept per origin: beyond that the
// track jumps forward and reports a gap. Not thread-safe.
#ifndef LASHUP_KV_ORIGIN_TRACKER_H_
#define LASHUP_KV_ORIGIN_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>

#include "lashup/types.h"

namespace lashup::kv {

class OriginTracker {
 public:
  static constexpr size_t kMaxAhead = 1024;

  bool Record(const NodeId& origin, uint64_t incarnation, uint64_t seq);
  bool HasGaps() const;
  void ClearGaps();
  void Forget(const NodeId& origin) { tracks_.erase(origin); }
  size_t origins() const { return tracks_.size(); }

 private:
  struct Track {
    uint64_t incarnation = 0;
    uint64_t next = 1;
    std::set<uint64_t> ahead;
  };
  std::map<NodeId, Track> tracks_;
  bool jumped_ = false;  // a track jumped over numbers it never saw
};

}  // namespace lashup::kv

#endif  // LASHUP_KV_ORIGIN_TRACKER_H_

// FaultTimeline: when each fault the nemesis injected was active, so checkers can tell the
// messages and restarts that happened on a healthy network from those that did not.
#ifndef LASHUP_CHAOS_TIMELINE_H_
#define LASHUP_CHAOS_TIMELINE_H_

#include <optional>
#include <string>
#include <vector>

#include "lashup/types.h"

namespace lashup::chaos {

struct FaultInterval {
  std::string kind;  // a nemesis name: "partition", "kill", ...
  std::string what;  // readable detail for the report
  Duration start{0};
  std::optional<Duration> end;  // unset while active
};

class FaultTimeline {
 public:
  // Opens an interval; returns its index for End.
  size_t Begin(std::string kind, std::string what, Duration at);
  void End(size_t index, Duration at);
  // Ends every open interval (the nemesis stopped).
  void EndAll(Duration at);

  // Whether no interval (of `kinds`, or of any kind when empty) overlaps [from, to].
  bool Quiet(Duration from, Duration to, const std::vector<std::string>& kinds = {}) const;
  const std::vector<FaultInterval>& intervals() const { return intervals_; }

 private:
  std::vector<FaultInterval> intervals_;
};

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_TIMELINE_H_

// HealthMonitor: samples every up node's reachability on a fixed period and judges global
// health against the nemesis' node faults.
//
// - Detection: a node killed (or paused) is unreachable from every survivor within
//   `detect_bound` (`degraded_detect_bound` if loss or latency spikes overlap it). Survivors are the nodes up without a break since the fault began; a fault
//   repaired before the bound (a quick restart) is not judged, only counted.
// - Recovery: a restarted (or resumed) node is reachable again from every survivor within
//   `recover_bound`, unless a partition was active in that window (the final split check then
//   covers it) or the node went down again.
// - Connectivity: whether, at each sample, every started node was up and reached every other;
//   multicast uses it to pick the messages sent on a healthy cluster.
// Times are measured at sample granularity (`period`).
#ifndef LASHUP_CHAOS_HEALTH_MONITOR_H_
#define LASHUP_CHAOS_HEALTH_MONITOR_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chaos/cluster.h"
#include "chaos/timeline.h"

namespace lashup::chaos {

struct HealthBounds {
  Duration period = std::chrono::milliseconds(100);
  Duration detect_bound = std::chrono::seconds(10);
  // While loss or latency spikes degrade the network, failure detectors rightly wait longer
  // before they call a silent node dead (Lifeguard's local health stretches their timeouts):
  // a fault whose first `detect_bound` overlaps a spike is judged against this bound instead.
  Duration degraded_detect_bound = std::chrono::seconds(40);
  Duration recover_bound = std::chrono::seconds(15);
};

struct HealthFigures {
  uint64_t faults = 0;              // node faults seen (kills, pauses, quick restarts)
  uint64_t judged_detections = 0;   // faults that lasted past the bound
  uint64_t judged_recoveries = 0;
  uint64_t deferred_recoveries = 0;  // partition active or node down again
  uint64_t judged_degraded = 0;     // of which judged against the degraded bound
  std::vector<double> detect_all_ms;   // per judged fault: until the last survivor saw it
  std::vector<double> detect_all_degraded_ms;  // the same, for faults during spikes
  std::vector<double> detect_first_ms;
  std::vector<double> recover_all_ms;
  std::vector<std::string> violations;
};

class HealthMonitor {
 public:
  HealthMonitor(Cluster& cluster, const FaultTimeline& timeline, HealthBounds bounds);

  // A node fault began or ended (from the nemesis player).
  void FaultBegan(const NodeId& node, const std::string& kind);
  void FaultEnded(const NodeId& node);
  // Samples now and schedules the next sample while the clock is before `end`.
  void Run(Duration start, Duration end);
  void Sample();

  // Whether every sample in [from, to] (and the last one before `from`) found the cluster
  // fully connected.
  bool ConnectedThroughout(Duration from, Duration to) const;
  const HealthFigures& figures() const { return figures_; }

 private:
  struct Outage {
    NodeId node;
    std::string kind;
    Duration down_at{0};
    std::optional<Duration> up_at;
    std::map<NodeId, Duration> seen_down;
    std::map<NodeId, Duration> seen_up;
    bool down_judged = false;
    bool up_judged = false;
  };
  void Track(Outage& outage, const std::map<NodeId, std::set<NodeId>>& reach, Duration now);
  void JudgeDown(Outage& outage, const std::map<NodeId, std::set<NodeId>>& reach);
  void JudgeUp(Outage& outage, const std::map<NodeId, std::set<NodeId>>& reach, Duration now);
  // The bound `outage`'s detection is judged against.
  Duration DetectBound(const Outage& outage) const;
  std::vector<NodeId> Survivors(const Outage& outage, Duration since,
                                const std::map<NodeId, std::set<NodeId>>& reach) const;

  Cluster& cluster_;
  const FaultTimeline& timeline_;
  HealthBounds bounds_;
  std::vector<Outage> outages_;
  std::map<NodeId, Duration> up_since_;
  // (time, connected) at every change of connectivity.
  std::vector<std::pair<Duration, bool>> connectivity_;
  HealthFigures figures_;
};

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_HEALTH_MONITOR_H_

#include "chaos/health_monitor.h"

#include <algorithm>

#include "chaos/millis.h"
#include "chaos/node_names.h"
#include "chaos/workloads.h"

namespace lashup::chaos {
HealthMonitor::HealthMonitor(Cluster& cluster, const FaultTimeline& timeline, HealthBounds bounds)
    : cluster_(cluster), timeline_(timeline), bounds_(bounds) {}

void HealthMonitor::FaultBegan(const NodeId& node, const std::string& kind) {
  ++figures_.faults;
  up_since_.erase(node);
  outages_.push_back(Outage{node, kind, cluster_.Now(), std::nullopt, {}, {}, false, false});
}

void HealthMonitor::FaultEnded(const NodeId& node) {
  for (auto it = outages_.rbegin(); it != outages_.rend(); ++it) {
    if (it->node == node && !it->up_at) {
      it->up_at = cluster_.Now();
      if (!it->down_judged) it->down_judged = true;  // repaired before the bound: not judged
      return;
    }
  }
}

void HealthMonitor::Run(Duration start, Duration end) {
  Repeat(cluster_, start, end, bounds_.period, [this] { Sample(); });
}

void HealthMonitor::Sample() {
  const Duration now = cluster_.Now();
  std::map<NodeId, std::set<NodeId>> reach;
  for (const NodeId& node : UpNodes(cluster_)) {
    auto reachable = cluster_.ReachableFrom(node);
    if (!reachable.ok()) continue;
    reach[node] = std::set<NodeId>(reachable->begin(), reachable->end());
    up_since_.try_emplace(node, now);
  }
  for (auto it = up_since_.begin(); it != up_since_.end();) {
    it = reach.count(it->first) > 0 ? std::next(it) : up_since_.erase(it);
  }
  bool connected = true;
  for (const NodeId& node : cluster_.nodes()) {
    if (!cluster_.Started(node)) continue;
    for (const NodeId& other : cluster_.nodes()) {
      if (!cluster_.Started(other)) continue;
      auto it = reach.find(node);
      if (it == reach.end() || it->second.count(other) == 0) connected = false;
    }
  }
  if (connectivity_.empty() || connectivity_.back().second != connected) {
    connectivity_.emplace_back(now, connected);
  }
  for (Outage& outage : outages_) Track(outage, reach, now);
}

void HealthMonitor::Track(Outage& outage, const std::map<NodeId, std::set<NodeId>>& reach,
                          Duration now) {
  const NodeId& x = outage.node;
  if (!outage.up_at) {
    for (const auto& [s, seen] : reach) {
      if (s != x && seen.count(x) == 0) outage.seen_down.try_emplace(s, now);
    }
    if (!outage.down_judged && now >= outage.down_at + DetectBound(outage)) {
      JudgeDown(outage, reach);
    }
    return;
  }
  if (outage.up_judged) return;
  if (reach.count(x) > 0) {
    for (const auto& [s, seen] : reach) {
      if (s != x && seen.count(x) > 0) outage.seen_up.try_emplace(s, now);
    }
  }
  if (now >= *outage.up_at + bounds_.recover_bound) JudgeUp(outage, reach, now);
}

Duration HealthMonitor::DetectBound(const Outage& outage) const {
  const bool degraded = !timeline_.Quiet(outage.down_at, outage.down_at + bounds_.detect_bound,
                                         {"loss", "latency"});
  return degraded ? bounds_.degraded_detect_bound : bounds_.detect_bound;
}

std::vector<NodeId> HealthMonitor::Survivors(
    const Outage& outage, Duration since, const std::map<NodeId, std::set<NodeId>>& reach) const {
  std::vector<NodeId> survivors;
  for (const auto& [s, seen] : reach) {
    auto up = up_since_.find(s);
    if (s != outage.node && up != up_since_.end() && up->second <= since) survivors.push_back(s);
  }
  return survivors;
}

void HealthMonitor::JudgeDown(Outage& outage, const std::map<NodeId, std::set<NodeId>>& reach) {
  outage.down_judged = true;
  std::vector<NodeId> missed;
  double first = -1, all = 0;
  for (const NodeId& s : Survivors(outage, outage.down_at, reach)) {
    auto seen = outage.seen_down.find(s);
    if (seen == outage.seen_down.end()) {
      missed.push_back(s);
      continue;
    }
    const double ms = ToMillisF(seen->second - outage.down_at);
    first = first < 0 ? ms : std::min(first, ms);
    all = std::max(all, ms);
  }
  ++figures_.judged_detections;
  const bool degraded = DetectBound(outage) != bounds_.detect_bound;
  if (degraded) ++figures_.judged_degraded;
  if (!missed.empty()) {
    figures_.violations.push_back(outage.kind + " of " + outage.node.str() + " at " +
                                  std::to_string(ToMillis(outage.down_at)) +
                                  " ms: still reachable from " + NodeNames(missed) + " after " +
                                  std::to_string(ToMillis(DetectBound(outage))) + " ms" +
                                  (degraded ? " (loss or latency spike)" : ""));
    return;
  }
  (degraded ? figures_.detect_all_degraded_ms : figures_.detect_all_ms).push_back(all);
  figures_.detect_first_ms.push_back(std::max(first, 0.0));
}

void HealthMonitor::JudgeUp(Outage& outage, const std::map<NodeId, std::set<NodeId>>& reach,
                            Duration now) {
  outage.up_judged = true;
  const bool down_again = std::any_of(outages_.begin(), outages_.end(), [&](const Outage& o) {
    return o.node == outage.node && o.down_at > *outage.up_at;
  });
  if (down_again || reach.count(outage.node) == 0 ||
      !timeline_.Quiet(*outage.up_at, now, {"partition", "oneway"})) {
    ++figures_.deferred_recoveries;
    return;
  }
  std::vector<NodeId> missed;
  double all = 0;
  for (const NodeId& s : Survivors(outage, *outage.up_at, reach)) {
    auto seen = outage.seen_up.find(s);
    if (seen == outage.seen_up.end()) {
      missed.push_back(s);
    } else {
      all = std::max(all, ToMillisF(seen->second - *outage.up_at));
    }
  }
  ++figures_.judged_recoveries;
  if (!missed.empty()) {
    figures_.violations.push_back(outage.node.str() + " back at " +
                                  std::to_string(ToMillis(*outage.up_at)) +
                                  " ms: still unreachable from " + NodeNames(missed) + " after " +
                                  std::to_string(ToMillis(bounds_.recover_bound)) + " ms");
    return;
  }
  figures_.recover_all_ms.push_back(all);
}

bool HealthMonitor::ConnectedThroughout(Duration from, Duration to) const {
  bool state = false;  // before the first sample: unknown, so not connected
  for (const auto& [at, connected] : connectivity_) {
    if (at <= from) {
      state = connected;
      continue;
    }
    if (at > to) break;
    if (!connected) return false;
  }
  return state;
}

}  // namespace lashup::chaos

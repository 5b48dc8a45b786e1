#include "chaos/checkers.h"

#include <algorithm>
#include <cmath>

namespace lashup::chaos {
namespace {

constexpr size_t kMaxProblems = 8;

}  // namespace

void CheckResult::Fail(std::string problem) {
  if (passed || problems.size() < kMaxProblems) problems.push_back(std::move(problem));
  passed = false;
}

const std::vector<std::string>& DisruptiveKinds() {
  static const std::vector<std::string> kinds = {"partition", "oneway", "loss",  "latency", "close",
                                                 "kill",      "pause",  "churn", "join"};
  return kinds;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t index = std::clamp<size_t>(static_cast<size_t>(rank), 1, values.size()) - 1;
  return values[index];
}

bool Connected(Cluster& cluster) {
  std::vector<NodeId> started;
  for (const NodeId& node : cluster.nodes()) {
    if (cluster.Started(node)) started.push_back(node);
  }
  for (const NodeId& node : started) {
    if (!cluster.Alive(node) || cluster.Paused(node)) return false;
    auto reachable = cluster.ReachableFrom(node);
    if (!reachable.ok()) return false;
    for (const NodeId& other : started) {
      if (std::find(reachable->begin(), reachable->end(), other) == reachable->end()) return false;
    }
  }
  return true;
}

CheckResult CheckMulticast(const McWorkload& workload, const FaultTimeline& timeline,
                           const HealthMonitor& monitor, Duration settle, Duration window) {
  CheckResult result("multicast");
  const auto deliveries = workload.Deliveries();
  double expected = 0, delivered = 0, loss_expected = 0, loss_delivered = 0;
  double healthy = 0, healthy_missing = 0, duplicates = 0;
  for (size_t i = 0; i < workload.sent().size(); ++i) {
    const SentMessage& m = workload.sent()[i];
    const bool is_healthy = timeline.Quiet(m.at - settle, m.at + window, DisruptiveKinds()) &&
                            monitor.ConnectedThroughout(m.at, m.at + window);
    const bool under_loss = !timeline.Quiet(m.at, m.at, {"loss"});
    healthy += is_healthy ? 1 : 0;
    for (const NodeId& receiver : m.receivers) {
      auto it = deliveries.find({i, receiver});
      const int count = it == deliveries.end() ? 0 : it->second;
      expected += 1;
      delivered += count > 0 ? 1 : 0;
      loss_expected += under_loss ? 1 : 0;
      loss_delivered += under_loss && count > 0 ? 1 : 0;
      if (!is_healthy) continue;
      if (count == 0) ++healthy_missing;
      if (count > 1) ++duplicates;
      if (count != 1) {
        result.Fail("message " + std::to_string(i) + " from " + m.origin.str() + " sent at " +
                    std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(m.at)
                                       .count()) +
                    " ms on a healthy cluster reached " + receiver.str() + " " +
                    std::to_string(count) + " times");
      }
    }
  }
  if (workload.stray_deliveries() > 0) result.Fail("deliveries of payloads never sent");
  result.figures = {{"sent", static_cast<double>(workload.sent().size())},
                    {"healthy_messages", healthy},
                    {"healthy_missing", healthy_missing},
                    {"healthy_duplicates", duplicates},
                    {"delivery_ratio", expected > 0 ? delivered / expected : 1.0},
                    {"expected_under_loss", loss_expected},
                    {"delivery_ratio_under_loss",
                     loss_expected > 0 ? loss_delivered / loss_expected : 1.0},
                    {"refused", static_cast<double>(workload.refused())}};
  if (healthy == 0) result.Fail("no message was sent on a healthy cluster: nothing was checked");
  return result;
}

bool KvConverged(Cluster& cluster, const KvModel& model) {
  for (const NodeId& node : cluster.nodes()) {
    if (!cluster.Started(node)) continue;
    auto snapshot = cluster.Snapshot(node);
    if (!snapshot.ok() || !model.Diff(*snapshot).empty()) return false;
  }
  return true;
}

CheckResult CheckKv(Cluster& cluster, const KvWorkload& workload) {
  CheckResult result("kv");
  for (const NodeId& node : cluster.nodes()) {
    if (!cluster.Started(node)) continue;
    auto snapshot = cluster.Snapshot(node);
    if (!snapshot.ok()) {
      result.Fail(node.str() + ": " + snapshot.status().ToString());
      continue;
    }
    for (const std::string& diff : workload.model().Diff(*snapshot)) {
      result.Fail(node.str() + ": " + diff);
    }
  }
  result.figures = {{"writes_acked", static_cast<double>(workload.acked())},
                    {"writes_refused", static_cast<double>(workload.refused())},
                    {"keys", static_cast<double>(workload.model().keys())},
                    {"set_elements", static_cast<double>(workload.model().elements())}};
  return result;
}

CheckResult CheckHealth(const HealthMonitor& monitor) {
  CheckResult result("health");
  const HealthFigures& f = monitor.figures();
  for (const std::string& violation : f.violations) result.Fail(violation);
  result.figures = {{"node_faults", static_cast<double>(f.faults)},
                    {"detections_judged", static_cast<double>(f.judged_detections)},
                    {"recoveries_judged", static_cast<double>(f.judged_recoveries)},
                    {"recoveries_deferred", static_cast<double>(f.deferred_recoveries)},
                    {"detect_first_ms_median", Percentile(f.detect_first_ms, 50)},
                    {"detect_all_ms_median", Percentile(f.detect_all_ms, 50)},
                    {"detect_all_ms_max", Percentile(f.detect_all_ms, 100)},
                    {"detections_degraded", static_cast<double>(f.judged_degraded)},
                    {"detect_all_degraded_ms_max", Percentile(f.detect_all_degraded_ms, 100)},
                    {"recover_all_ms_median", Percentile(f.recover_all_ms, 50)},
                    {"recover_all_ms_max", Percentile(f.recover_all_ms, 100)}};
  return result;
}

}  // namespace lashup::chaos

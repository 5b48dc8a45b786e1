#include "chaos/scenarios.h"

#include <algorithm>
#include <mutex>

#include <nlohmann/json.hpp>

#include "chaos/checkers.h"
#include "chaos/millis.h"
#include "chaos/real_cluster.h"

namespace lashup::chaos {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Every survivor's route events, from the moment the watches were set.
class RouteLog {
 public:
  void Record(const NodeId& observer, const RoutesEvent& event, Duration at) {
    std::lock_guard lock(mutex_);
    for (const NodeId& node : event.became_unreachable) {
      unreachable_.try_emplace({observer, node}, at);
    }
  }
  // When each observer first reported `node` unreachable.
  std::map<NodeId, Duration> SawUnreachable(const NodeId& node) const {
    std::lock_guard lock(mutex_);
    std::map<NodeId, Duration> seen;
    for (const auto& [pair, at] : unreachable_) {
      if (pair.second == node) seen.emplace(pair.first, at);
    }
    return seen;
  }
  // (observer, node) pairs reported unreachable where `node` is not `victim`.
  size_t FalseDead(const NodeId& victim) const {
    std::lock_guard lock(mutex_);
    return static_cast<size_t>(std::count_if(unreachable_.begin(), unreachable_.end(),
                                             [&](const auto& e) { return e.first.second != victim; }));
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<NodeId, NodeId>, Duration> unreachable_;
};

bool AllTablesFull(RealCluster& cluster) {
  for (const NodeId& node : cluster.nodes()) {
    auto known = cluster.MembersKnown(node);
    if (!known.ok() || *known < cluster.nodes().size()) return false;
  }
  return true;
}

struct Measured {
  double open_ms = 0, converge_ms = 0;
  bool converged = false;
  double detect_first_ms = 0, detect_median_ms = 0, detect_all_ms = 0;
  size_t detected = 0, survivors = 0, false_dead = 0;
};

// Watches every survivor's routes, fails `victim`, and waits until all survivors saw it.
Status MeasureFailure(RealCluster& cluster, const std::string& scenario, const NodeId& victim,
                      Measured& m) {
  RouteLog log;
  std::vector<NodeId> survivors;
  std::vector<std::pair<Node*, uint64_t>> watches;  // ended before `log` goes
  struct Unwatch {
    std::vector<std::pair<Node*, uint64_t>>& watches;
    ~Unwatch() {
      for (auto [node, id] : watches) (void)node->Unsubscribe(id);
    }
  } unwatch{watches};
  for (const NodeId& node : cluster.nodes()) {
    if (node == victim) continue;
    survivors.push_back(node);
    auto watch = cluster.node(node)->WatchRoutes([&log, &cluster, node](const RoutesEvent& e) {
      log.Record(node, e, cluster.Now());
    });
    if (!watch.ok()) return watch.status();
    watches.emplace_back(cluster.node(node), *watch);
  }
  cluster.RunUntil(cluster.Now() + seconds(2));  // a quiet baseline: live nodes stay live
  const Duration failed_at = cluster.Now();
  LASHUP_RETURN_IF_ERROR(scenario == "fail-hang" ? cluster.Pause(victim) : cluster.Crash(victim));
  cluster.RunUntil([&] { return log.SawUnreachable(victim).size() >= survivors.size(); },
                   seconds(60), milliseconds(10));
  cluster.RunUntil(cluster.Now() + seconds(5));  // late false alarms count too
  std::vector<double> times;
  for (const auto& [observer, at] : log.SawUnreachable(victim)) {
    times.push_back(ToMillisF(at - failed_at));
  }
  m.survivors = survivors.size();
  m.detected = times.size();
  m.detect_first_ms = Percentile(times, 0);
  m.detect_median_ms = Percentile(times, 50);
  m.detect_all_ms = Percentile(times, 100);
  m.false_dead = log.FalseDead(victim);
  if (scenario == "fail-hang") (void)cluster.Resume(victim);
  return Status::Ok();
}

nlohmann::json ToJson(const ChaosOptions& o, const Measured& m, bool passed) {
  nlohmann::json json = {{"mode", "real"},          {"scenario", o.scenario},
                         {"nodes", o.nodes},        {"seed", o.seed},
                         {"preset", "lan"},         {"passed", passed},
                         {"open_ms", m.open_ms},    {"converge_ms", m.converge_ms},
                         {"converged", m.converged}};
  if (o.scenario != "converge") {
    json["detect_first_ms"] = m.detect_first_ms;
    json["detect_median_ms"] = m.detect_median_ms;
    json["detect_all_ms"] = m.detect_all_ms;
    json["detected_by"] = m.detected;
    json["survivors"] = m.survivors;
    json["false_dead"] = m.false_dead;
  }
  return json;
}

}  // namespace

int RunScenario(const ChaosOptions& o, std::ostream& out) {
  auto created = RealCluster::Create({.seed = o.seed, .nodes = o.nodes, .contacts = 3,
                                      .preset = Preset::kLan, .topic = "chaos"});
  if (!created.ok()) {
    out << "lashup-chaos: " << created.status().ToString() << "\n";
    return 2;
  }
  RealCluster& cluster = **created;
  Measured m;
  const Duration start = cluster.Now();
  if (Status status = cluster.StartAll(16); !status.ok()) {
    out << "lashup-chaos: opening the nodes: " << status.ToString() << "\n";
    return 2;
  }
  m.open_ms = ToMillisF(cluster.Now() - start);
  m.converged = cluster.RunUntil([&] { return AllTablesFull(cluster); }, seconds(120),
                                 milliseconds(20));
  m.converge_ms = ToMillisF(cluster.Now() - start);
  out << o.nodes << " nodes opened in " << m.open_ms << " ms; every table full after "
      << m.converge_ms << " ms" << (m.converged ? "" : " (NOT converged)") << "\n";
  bool passed = m.converged;
  if (o.scenario != "converge" && m.converged) {
    if (!cluster.RunUntil([&] { return Connected(cluster); }, seconds(60), milliseconds(50))) {
      out << "lashup-chaos: the cluster never reached one component\n";
      return 2;
    }
    const NodeId victim = cluster.nodes()[cluster.nodes().size() / 2];
    if (Status status = MeasureFailure(cluster, o.scenario, victim, m); !status.ok()) {
      out << "lashup-chaos: " << status.ToString() << "\n";
      return 2;
    }
    out << o.scenario << " of " << victim.str() << ": unreachable from the first survivor after "
        << m.detect_first_ms << " ms, the median after " << m.detect_median_ms
        << " ms, all " << m.detected << "/" << m.survivors << " after " << m.detect_all_ms
        << " ms; live nodes reported unreachable: " << m.false_dead << "\n";
    passed = m.detected == m.survivors && m.false_dead == 0;
  }
  out << ToJson(o, m, passed).dump() << std::endl;
  return passed ? 0 : 1;
}

}  // namespace lashup::chaos

#include "chaos/run.h"

#include <algorithm>
#include <memory>

#include "chaos/millis.h"
#include "chaos/workloads.h"

namespace lashup::chaos {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr Duration kPoll = milliseconds(100);
constexpr Duration kJoinSettle = seconds(10);

// Repairs whatever is still broken once the nemesis period is over.
void RestoreAll(Cluster& cluster, HealthMonitor& monitor) {
  cluster.HealPartitions();
  cluster.SetNetworkDegradation(0, Duration{0});
  for (const NodeId& node : cluster.nodes()) {
    if (!cluster.Started(node)) {
      (void)cluster.Start(node);
    } else if (!cluster.Alive(node)) {
      if (cluster.Restart(node).ok()) monitor.FaultEnded(node);
    } else if (cluster.Paused(node)) {
      if (cluster.Resume(node).ok()) monitor.FaultEnded(node);
    }
  }
}

// The last `late` nodes, never contacts, start during the nemesis' first minute.
void ScheduleLateJoins(Cluster& cluster, const std::vector<NodeId>& late, Duration start,
                       Duration span, Rng& rng, FaultTimeline& timeline) {
  for (const NodeId& node : late) {
    const Duration at = start + rng.UniformDuration(Duration{0}, std::min(span, Duration(seconds(60))));
    cluster.Schedule(at, [&cluster, &timeline, node] {
      const size_t index = timeline.Begin("join", node.str() + " joins", cluster.Now());
      timeline.End(index, cluster.Now() + kJoinSettle);
      (void)cluster.Start(node);
    });
  }
}

struct Workloads {
  KvWorkload kv;
  McWorkload mc;
  bool writing = true;
  bool publishing = true;
};

void StartWorkloads(Cluster& cluster, Workloads& w, const RunOptions& o, Duration start,
                    Duration end) {
  Repeat(cluster, start, end, o.write_interval, [&w] {
    if (w.writing) w.kv.Tick();
  });
  Repeat(cluster, start, end, o.publish_interval, [&w] {
    if (w.publishing) w.mc.Tick();
  });
}

CheckResult HealPhase(Cluster& cluster, const RunOptions& o, bool formed, RunReport& report) {
  CheckResult split("split");
  if (!formed) {
    split.Fail("the first nodes did not form one component within " +
               std::to_string(ToMillis(o.form_limit)) + " ms");
  }
  const Duration heal_start = cluster.Now();
  const bool healed = cluster.RunUntil([&] { return Connected(cluster); }, o.heal_limit, kPoll);
  const double heal_ms = ToMillisF(cluster.Now() - heal_start);
  if (!healed) {
    split.Fail("still more than one component " + std::to_string(ToMillis(o.heal_limit)) +
               " ms after every fault was repaired");
  }
  split.figures["heal_ms"] = heal_ms;
  report.figures["heal_ms"] = heal_ms;
  return split;
}

}  // namespace

bool RunReport::passed() const {
  return std::all_of(checks.begin(), checks.end(), [](const CheckResult& c) { return c.passed; });
}

RunReport RunChaos(Cluster& cluster, const RunOptions& o) {
  RunReport report;
  report.seed = o.seed;
  report.nodes = static_cast<int>(cluster.nodes().size());
  report.duration = o.duration;
  Rng rng(o.seed ^ 0x9e3779b97f4a7c15ULL);
  const std::vector<NodeId>& all = cluster.nodes();
  const size_t late = std::min<size_t>(static_cast<size_t>(std::max(o.late_joiners, 0)),
                                       all.size() > 4 ? all.size() - 4 : 0);
  const std::vector<NodeId> early(all.begin(), all.end() - static_cast<long>(late));
  const std::vector<NodeId> late_nodes(all.end() - static_cast<long>(late), all.end());

  FaultTimeline timeline;
  HealthMonitor monitor(cluster, timeline, o.health);
  Workloads w{KvWorkload(cluster, rng.Next(), o.keys), McWorkload(cluster, rng.Next())};
  cluster.SetDeliveryObserver([&w](const Delivery& d) { w.mc.OnDelivery(d); });

  for (const NodeId& node : early) (void)cluster.Start(node);
  const bool formed = cluster.RunUntil([&] { return Connected(cluster); }, o.form_limit, kPoll);
  report.figures["form_ms"] = ToMillisF(cluster.Now());

  const Duration calm_start = cluster.Now();
  const Duration nemesis_start = calm_start + o.calm;
  const Duration nemesis_end = nemesis_start + o.duration;
  const Duration far_end = nemesis_end + o.heal_limit + o.calm + o.mc_window + o.converge_limit +
                           seconds(1);
  monitor.Run(calm_start, far_end);
  StartWorkloads(cluster, w, o, calm_start, far_end);
  ScheduleLateJoins(cluster, late_nodes, nemesis_start, o.duration, rng, timeline);
  NemesisPlanOptions plan_options{o.nemeses, nemesis_start, nemesis_end, all, early,
                                  cluster.capabilities()};
  report.plan = PlanNemesis(plan_options, rng);
  ScheduleNemesis(cluster, report.plan, timeline, report.nemesis_counts,
                  {[&monitor](const NodeId& n, const std::string& k) { monitor.FaultBegan(n, k); },
                   [&monitor](const NodeId& n) { monitor.FaultEnded(n); }});
  cluster.RunUntil(nemesis_end);

  RestoreAll(cluster, monitor);
  timeline.EndAll(cluster.Now());
  CheckResult split = HealPhase(cluster, o, formed, report);
  cluster.RunUntil(cluster.Now() + o.calm);
  w.writing = false;
  w.publishing = false;
  cluster.RunUntil(cluster.Now() + o.mc_window);  // the last messages' delivery window

  const Duration quiet_start = cluster.Now();
  const bool converged =
      cluster.RunUntil([&] { return KvConverged(cluster, w.kv.model()); }, o.converge_limit,
                       milliseconds(500));
  CheckResult kv = CheckKv(cluster, w.kv);
  kv.figures["converge_ms"] = ToMillisF(cluster.Now() - quiet_start);
  if (!converged && kv.passed) kv.Fail("the stores did not settle on the model");

  report.checks = {std::move(split), CheckHealth(monitor),
                   CheckMulticast(w.mc, timeline, monitor, o.mc_settle, o.mc_window),
                   std::move(kv)};
  report.probes = cluster.ProbeHits();
  for (const auto& [name, value] : cluster.Figures()) report.figures[name] = value;
  report.figures["clock_ms"] = ToMillisF(cluster.Now());
  report.trace_hash = cluster.TraceHash();
  cluster.SetDeliveryObserver(nullptr);  // the workloads die with this frame
  return report;
}

}  // namespace lashup::chaos

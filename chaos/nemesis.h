// Nemesis: the faults of a chaos run, planned up front from the seed and then played against a
// Cluster on its clock.
//
// Three lanes run side by side, each one episode at a time with random gaps, so faults of
// different lanes overlap (a kill during a partition) while one lane never fights itself:
// - network: symmetric partitions (halves, a minority, one node isolated), one-way partitions,
//   loss spikes, latency spikes, abruptly closed connections;
// - nodes: kills (1-3 nodes down for 10-40 s, then restarted over their storage), pauses
//   (SIGSTOP-like, 3-60 s) and churn (a node restarts within 0.2-2 s);
// - clocks: a node's wall clock jumps by up to +-30 s and drifts by up to +-500 ppm (kept).
// Every episode ends by the end of the nemesis period. Kinds the cluster cannot inject (see
// Capabilities) are never planned.
#ifndef LASHUP_CHAOS_NEMESIS_H_
#define LASHUP_CHAOS_NEMESIS_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "chaos/cluster.h"
#include "chaos/timeline.h"
#include "core/rng.h"

namespace lashup::chaos {

// Every nemesis name, for --nemesis and the report.
const std::vector<std::string>& AllNemeses();
// kInvalidArgument naming an unknown entry; "all" stands for every one.
Result<std::set<std::string>> ParseNemeses(const std::string& list);

struct Episode {
  std::string kind;
  Duration start{0};
  Duration end{0};
  std::vector<NodeId> a;  // the nodes it acts on (one side of a partition)
  std::vector<NodeId> b;  // the other side of a partition
  double loss = 0;
  Duration latency{0};
  Duration clock_offset{0};
  int64_t clock_drift_ppm = 0;

  std::string Describe() const;
};

struct NemesisPlanOptions {
  std::set<std::string> enabled;
  Duration start{0};
  Duration end{0};
  std::vector<NodeId> nodes;         // all of them (partitions split these)
  std::vector<NodeId> node_targets;  // the ones the node lane may kill, pause or restart
  Capabilities capabilities;
};

std::vector<Episode> PlanNemesis(const NemesisPlanOptions& options, Rng& rng);

// Told when a node fault (kill, pause, churn) took hold and when it was repaired.
struct NodeFaultObserver {
  std::function<void(const NodeId& node, const std::string& kind)> began;
  std::function<void(const NodeId& node)> ended;
};

// Schedules every episode's start and end on `cluster`, recording each in `timeline` and
// counting what was injected (and what the cluster refused) in `counts`. `timeline` and
// `counts` must outlive the run.
void ScheduleNemesis(Cluster& cluster, const std::vector<Episode>& plan, FaultTimeline& timeline,
                     std::map<std::string, uint64_t>& counts, NodeFaultObserver observer = {});

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_NEMESIS_H_

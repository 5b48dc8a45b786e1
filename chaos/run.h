// RunChaos: one chaos run against a Cluster, in phases on the cluster's clock:
//   form     start every node but the late joiners; wait until they form one component;
//   calm     workloads on a healthy cluster (multicast's exactly-once check needs these);
//   nemesis  `duration` of faults (nemesis.h) with the workloads running and late joiners
//            joining in its first minute;
//   heal     every fault repaired; wait for one component (the split check);
//   calm     workloads again on the healed cluster, then the writes stop;
//   quiesce  wait until every node's KV store equals the model (the KV check).
// Health is sampled from the first calm phase to the end. Checkers run at the end and the
// report holds their verdicts and figures.
#ifndef LASHUP_CHAOS_RUN_H_
#define LASHUP_CHAOS_RUN_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chaos/checkers.h"
#include "chaos/cluster.h"
#include "chaos/health_monitor.h"
#include "chaos/nemesis.h"

namespace lashup::chaos {

struct RunOptions {
  uint64_t seed = 1;
  Duration duration = std::chrono::minutes(5);
  std::set<std::string> nemeses;
  int late_joiners = 2;
  int keys = 40;
  Duration write_interval = std::chrono::milliseconds(100);
  Duration publish_interval = std::chrono::milliseconds(250);
  Duration calm = std::chrono::seconds(20);
  Duration form_limit = std::chrono::seconds(60);
  Duration heal_limit = std::chrono::seconds(60);
  Duration converge_limit = std::chrono::seconds(60);
  // Multicast health window: no fault this long before a message and until this long after.
  Duration mc_settle = std::chrono::seconds(5);
  Duration mc_window = std::chrono::seconds(5);
  HealthBounds health;
};

struct RunReport {
  uint64_t seed = 0;
  int nodes = 0;
  Duration duration{0};
  std::vector<Episode> plan;
  std::map<std::string, uint64_t> nemesis_counts;
  std::vector<CheckResult> checks;
  std::map<std::string, uint64_t> probes;
  std::map<std::string, double> figures;  // the cluster's, plus phase timings
  std::optional<uint64_t> trace_hash;

  bool passed() const;
};

RunReport RunChaos(Cluster& cluster, const RunOptions& options);

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_RUN_H_

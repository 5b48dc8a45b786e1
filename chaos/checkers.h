// Checkers: the verdicts of a chaos run, each with the figures behind it.
#ifndef LASHUP_CHAOS_CHECKERS_H_
#define LASHUP_CHAOS_CHECKERS_H_

#include <map>
#include <string>
#include <vector>

#include "chaos/health_monitor.h"
#include "chaos/timeline.h"
#include "chaos/workloads.h"

namespace lashup::chaos {

struct CheckResult {
  explicit CheckResult(std::string check_name) : name(std::move(check_name)) {}
  std::string name;
  bool passed = true;
  std::vector<std::string> problems;  // the first few, readable
  std::map<std::string, double> figures;

  void Fail(std::string problem);
};

// Every node fault kind and network fault kind that makes the cluster unhealthy (clock skew
// does not: it changes no message's fate).
const std::vector<std::string>& DisruptiveKinds();

// Every started node is up and reaches every other started node (one component).
bool Connected(Cluster& cluster);

// Multicast: each message sent on a healthy cluster (no disruptive fault from `settle` before
// it until `window` after it, and every sample in that window fully connected) reached each
// node that was up when it was sent, exactly once. Every message counts towards the delivery
// ratios (overall, and for those sent during loss spikes).
CheckResult CheckMulticast(const McWorkload& workload, const FaultTimeline& timeline,
                           const HealthMonitor& monitor, Duration settle, Duration window);

// KV: every started node's store equals the model (so all are identical). The caller waits for
// this first; the check states the differences that remain.
CheckResult CheckKv(Cluster& cluster, const KvWorkload& workload);
// Whether every started node's store equals the model now.
bool KvConverged(Cluster& cluster, const KvModel& model);

CheckResult CheckHealth(const HealthMonitor& monitor);

// Percentile (0..100) of `values` by nearest rank; 0 when empty.
double Percentile(std::vector<double> values, double p);

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_CHECKERS_H_

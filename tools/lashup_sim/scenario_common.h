// What every lashup-sim cluster scenario shares: the common flags (--nodes, --seed,
// --latency-ms, --quiet), node names, and the formatting of figures into the one JSON object a
// scenario prints last.
#ifndef LASHUP_TOOLS_LASHUP_SIM_SCENARIO_COMMON_H_
#define LASHUP_TOOLS_LASHUP_SIM_SCENARIO_COMMON_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "flags.h"
#include "lashup/status.h"
#include "lashup/testing/sim_world.h"
#include "lashup/types.h"

namespace lashup::tools {

struct ClusterOptions {
  uint64_t nodes = 25;
  uint64_t seed = 1;
  double latency_min_ms = 0.2;
  double latency_mean_ms = 1.0;  // mean one-way latency, minimum included
  bool quiet = false;
};

// Parses the common flags; a scenario with flags of its own names them in `extra` (and
// `extra_switches`) and reads them from `*flags`.
Result<ClusterOptions> ParseCluster(const std::vector<std::string>& args,
                                    const std::set<std::string>& extra = {},
                                    const std::set<std::string>& extra_switches = {},
                                    Flags* flags = nullptr);
// The simulator options the common flags ask for.
SimOptions SimOptionsFor(const ClusterOptions& options);

NodeId NodeName(uint64_t i);
Duration Ms(double ms);
double MsOf(Duration d);
// "null" or the duration in milliseconds with one decimal.
std::string JsonMs(std::optional<Duration> d);
// "null" or the value printed with `format`.
std::string Fixed(std::optional<double> value, const char* format = "%.0f");
double WallMsSince(std::chrono::steady_clock::time_point start);
// The value at rank p (0..1) of `values` (not empty), nearest rank.
double Percentile(std::vector<double> values, double p);
// The JSON object's opening fields: scenario, ok, nodes, seed and latencies (no closing brace).
std::string Common(const char* scenario, bool ok, const ClusterOptions& options);

}  // namespace lashup::tools

#endif  // LASHUP_TOOLS_LASHUP_SIM_SCENARIO_COMMON_H_

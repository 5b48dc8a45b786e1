#include "scenario_common.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace lashup::tools {

Result<ClusterOptions> ParseCluster(const std::vector<std::string>& args,
                                    const std::set<std::string>& extra,
                                    const std::set<std::string>& extra_switches, Flags* flags_out) {
  std::set<std::string> known = {"nodes", "seed", "latency-ms", "quiet"};
  known.insert(extra.begin(), extra.end());
  known.insert(extra_switches.begin(), extra_switches.end());
  std::set<std::string> switches = {"quiet"};
  switches.insert(extra_switches.begin(), extra_switches.end());
  LASHUP_ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, known, switches));
  ClusterOptions options;
  LASHUP_ASSIGN_OR_RETURN(options.nodes, flags.Uint("nodes", options.nodes));
  LASHUP_ASSIGN_OR_RETURN(options.seed, flags.Uint("seed", options.seed));
  LASHUP_ASSIGN_OR_RETURN(auto latency, flags.DoublePair("latency-ms", {0.2, 1.0}));
  options.latency_min_ms = latency.first;
  options.latency_mean_ms = latency.second;
  options.quiet = flags.Has("quiet");
  if (options.nodes < 4) return InvalidArgumentError("--nodes must be at least 4");
  if (options.latency_min_ms < 0 || options.latency_mean_ms < options.latency_min_ms) {
    return InvalidArgumentError("--latency-ms MIN,MEAN needs 0 <= MIN <= MEAN");
  }
  if (flags_out != nullptr) *flags_out = std::move(flags);
  return options;
}

SimOptions SimOptionsFor(const ClusterOptions& options) {
  SimOptions sim;
  sim.seed = options.seed;
  sim.network.latency_min = Ms(options.latency_min_ms);
  sim.network.latency_mean = Ms(options.latency_mean_ms - options.latency_min_ms);
  return sim;
}

NodeId NodeName(uint64_t i) { return NodeId::FromLiteral("n" + std::to_string(i)); }

Duration Ms(double ms) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

double MsOf(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string JsonMs(std::optional<Duration> d) {
  if (!d) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", MsOf(*d));
  return buffer;
}

std::string Fixed(std::optional<double> value, const char* format) {
  if (!value) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), format, *value);
  return buffer;
}

double WallMsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
}

std::string Common(const char* scenario, bool ok, const ClusterOptions& o) {
  char buffer[256];
  std::snprintf(buffer, sizeof(buffer),
                "{\"scenario\":\"%s\",\"ok\":%s,\"nodes\":%" PRIu64 ",\"seed\":%" PRIu64
                ",\"latency_min_ms\":%g,\"latency_mean_ms\":%g",
                scenario, ok ? "true" : "false", o.nodes, o.seed, o.latency_min_ms,
                o.latency_mean_ms);
  return buffer;
}

}  // namespace lashup::tools

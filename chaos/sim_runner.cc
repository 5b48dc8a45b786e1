#include "chaos/sim_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "chaos/millis.h"
#include "chaos/nemesis.h"
#include "chaos/report.h"
#include "chaos/sim_cluster.h"
#include "core/coverage_probes.h"

namespace lashup::chaos {
namespace {

double Figure(const RunReport& report, const std::string& check, const std::string& name) {
  for (const CheckResult& c : report.checks) {
    if (c.name != check) continue;
    auto it = c.figures.find(name);
    if (it != c.figures.end()) return it->second;
  }
  return 0;
}

// The worst of each headline figure over many runs.
struct Summary {
  int passed = 0;
  std::vector<uint64_t> failed_seeds;
  double heal_ms = 0, detect_all_ms = 0, detect_degraded_ms = 0, recover_all_ms = 0;
  double converge_ms = 0, wall_ms = 0;
  double healthy_missing = 0, min_loss_ratio = 1;
  std::map<std::string, uint64_t> probes;

  void Add(const RunReport& r, double wall) {
    if (r.passed()) {
      ++passed;
    } else {
      failed_seeds.push_back(r.seed);
    }
    heal_ms = std::max(heal_ms, Figure(r, "split", "heal_ms"));
    detect_all_ms = std::max(detect_all_ms, Figure(r, "health", "detect_all_ms_max"));
    detect_degraded_ms =
        std::max(detect_degraded_ms, Figure(r, "health", "detect_all_degraded_ms_max"));
    recover_all_ms = std::max(recover_all_ms, Figure(r, "health", "recover_all_ms_max"));
    converge_ms = std::max(converge_ms, Figure(r, "kv", "converge_ms"));
    healthy_missing += Figure(r, "multicast", "healthy_missing");
    min_loss_ratio = std::min(min_loss_ratio, Figure(r, "multicast", "delivery_ratio_under_loss"));
    wall_ms = std::max(wall_ms, wall);
    for (const auto& [name, hits] : r.probes) probes[name] += hits;
  }
};

std::string OneLine(const RunReport& r, double wall_ms) {
  char line[256];
  std::snprintf(line, sizeof(line),
                "seed %llu: %s  heal %.0f ms, detect max %.0f ms (%.0f ms in spikes), recover "
                "max %.0f ms, converge %.0f ms, %.1f s wall",
                static_cast<unsigned long long>(r.seed), r.passed() ? "PASS" : "FAIL",
                Figure(r, "split", "heal_ms"), Figure(r, "health", "detect_all_ms_max"),
                Figure(r, "health", "detect_all_degraded_ms_max"),
                Figure(r, "health", "recover_all_ms_max"), Figure(r, "kv", "converge_ms"),
                wall_ms / 1000);
  return line;
}

std::pair<RunReport, double> RunOne(const ChaosOptions& options, uint64_t seed) {
  const auto started = std::chrono::steady_clock::now();
  SimClusterOptions sim;
  sim.seed = seed;
  sim.nodes = options.nodes;
  sim.disable_anti_entropy = options.disable_anti_entropy;
  SimCluster cluster(sim);
  RunOptions run = MakeRunOptions(options, std::chrono::minutes(5));
  run.seed = seed;
  RunReport report = RunChaos(cluster, run);
  const double wall = ToMillisF(std::chrono::steady_clock::now() - started);
  return {std::move(report), wall};
}

}  // namespace

RunOptions MakeRunOptions(const ChaosOptions& options, Duration default_duration) {
  RunOptions run;
  run.seed = options.seed;
  run.duration = options.duration > Duration{0} ? options.duration : default_duration;
  run.nemeses = options.nemeses;
  return run;
}

std::string ReplayCommand(const ChaosOptions& o, uint64_t seed) {
  std::string nemeses;
  for (const std::string& n : o.nemeses) nemeses += (nemeses.empty() ? "" : ",") + n;
  std::string command = "lashup-chaos --seed " + std::to_string(seed) + " --nodes " +
                        std::to_string(o.nodes) + " --nemesis " +
                        (nemeses.empty() ? "none" : nemeses);
  if (o.duration > Duration{0}) {
    command += " --duration " + std::to_string(ToMillis(o.duration)) + "ms";
  }
  if (o.disable_anti_entropy) command += " --sabotage no-anti-entropy";
  return command;
}

std::vector<std::string> KnownProbes() {
  std::vector<std::string> names;
  for (const ProbeInfo& probe : AllProbes()) names.emplace_back(probe.name);
  return names;
}

int RunSimulation(const ChaosOptions& options, std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  if (options.runs == 1) {
    auto [report, wall] = RunOne(options, options.seed);
    ReportContext context{"sim", ReplayCommand(options, report.seed), wall, KnownProbes()};
    out << TextReport(report, context) << JsonReport(report, context).dump() << std::endl;
    return report.passed() ? 0 : 1;
  }
  std::mutex mutex;
  Summary summary;
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i = next++; i < options.runs; i = next++) {
      auto [report, wall] = RunOne(options, options.seed + static_cast<uint64_t>(i));
      std::lock_guard lock(mutex);
      summary.Add(report, wall);
      out << OneLine(report, wall) << "\n";
      if (!report.passed() || options.verbose) {
        out << TextReport(report, {"sim", ReplayCommand(options, report.seed), wall,
                                   KnownProbes()});
      }
      out.flush();
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < options.jobs; ++j) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();

  nlohmann::json json;
  json["mode"] = "sim";
  json["runs"] = options.runs;
  json["first_seed"] = options.seed;
  json["nodes"] = options.nodes;
  json["duration_s"] = ToMillis(MakeRunOptions(options, std::chrono::minutes(5)).duration) / 1000.0;
  json["passed"] = summary.passed;
  json["failed_seeds"] = summary.failed_seeds;
  json["wall_ms"] = ToMillisF(std::chrono::steady_clock::now() - started);
  json["worst"] = {{"heal_ms", summary.heal_ms},
                   {"detect_all_ms", summary.detect_all_ms},
                   {"detect_all_ms_in_spikes", summary.detect_degraded_ms},
                   {"recover_all_ms", summary.recover_all_ms},
                   {"converge_ms", summary.converge_ms},
                   {"run_wall_ms", summary.wall_ms},
                   {"delivery_ratio_under_loss", summary.min_loss_ratio}};
  json["healthy_multicast_missing"] = summary.healthy_missing;
  json["probes_hit"] = summary.probes;
  out << json.dump() << std::endl;
  return summary.failed_seeds.empty() ? 0 : 1;
}

}  // namespace lashup::chaos

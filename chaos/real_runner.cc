#include "chaos/real_runner.h"

#include <chrono>

#include "chaos/millis.h"
#include "chaos/real_cluster.h"
#include "chaos/report.h"
#include "chaos/run.h"
#include "chaos/scenarios.h"
#include "chaos/sim_runner.h"

namespace lashup::chaos {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Wall-clock phases are shorter than simulated ones: every second here is a real second.
RunOptions RealRunOptions(const ChaosOptions& options) {
  RunOptions run = MakeRunOptions(options, seconds(60));
  run.calm = seconds(10);
  run.form_limit = seconds(60);
  run.health.period = milliseconds(200);
  return run;
}

}  // namespace

int RunReal(const ChaosOptions& options, std::ostream& out) {
  if (!options.scenario.empty()) return RunScenario(options, out);
  const auto started = std::chrono::steady_clock::now();
  auto cluster = RealCluster::Create({.seed = options.seed, .nodes = options.nodes,
                                      .contacts = 3, .preset = Preset::kLan, .topic = "chaos"});
  if (!cluster.ok()) {
    out << "lashup-chaos: " << cluster.status().ToString() << "\n";
    return 2;
  }
  RunReport report = RunChaos(**cluster, RealRunOptions(options));
  cluster->reset();  // every node closed before the report's wall time is taken
  const double wall = ToMillisF(std::chrono::steady_clock::now() - started);
  std::string replay = "lashup-chaos --real --seed " + std::to_string(options.seed) +
                       " --nodes " + std::to_string(options.nodes);
  if (options.duration > Duration{0}) {
    replay += " --duration " + std::to_string(ToMillis(options.duration)) + "ms";
  }
  ReportContext context{"real", replay + " (not deterministic: real threads and sockets)", wall,
                        {}};
  out << TextReport(report, context) << JsonReport(report, context).dump() << std::endl;
  return report.passed() ? 0 : 1;
}

}  // namespace lashup::chaos

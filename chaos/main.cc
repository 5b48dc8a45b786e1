// lashup-chaos: the torture harness. docs/chaos.md describes the runs, the checkers and the
// figures; the last line of the output is always one JSON object.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <random>

#include "chaos/nemesis.h"
#include "chaos/options.h"
#include "chaos/real_runner.h"
#include "chaos/sim_runner.h"

namespace {

using lashup::chaos::ChaosOptions;

struct RawFlags {
  std::string seed = "1";
  std::string duration;
  std::string nemesis = "all";
  std::string sabotage;
};

void AddFlags(CLI::App& app, ChaosOptions& o, RawFlags& raw) {
  app.add_flag("--real", o.real, "real Nodes over loopback TLS instead of the simulator");
  app.add_option("--seed", raw.seed, "seed of the run (a number, or \"random\")");
  app.add_option("--runs", o.runs, "simulator: run this many seeds from --seed on");
  app.add_option("--jobs", o.jobs, "simulator: runs in parallel");
  app.add_option("--nodes", o.nodes, "cluster size (default 25)");
  app.add_option("--duration", raw.duration,
                 "nemesis period: 300, 300s, 5m, 1500ms (default 5m simulated, 60s real)");
  app.add_option("--nemesis", raw.nemesis,
                 "comma-separated: partition, oneway, loss, latency, close, kill, pause, churn, "
                 "skew; all; none");
  app.add_option("--scenario", o.scenario, "real mode: fail-one, fail-hang or converge");
  app.add_option("--sabotage", raw.sabotage,
                 "test-only breakage to prove the checkers: no-anti-entropy");
  app.add_flag("--verbose", o.verbose, "full report of passing runs too");
}

lashup::Status Resolve(const RawFlags& raw, ChaosOptions& o) {
  if (raw.seed == "random") {
    o.random_seed = true;
    o.seed = std::random_device{}() | (uint64_t{std::random_device{}()} << 32);
  } else {
    try {
      o.seed = std::stoull(raw.seed);
    } catch (...) {
      return lashup::InvalidArgumentError("--seed must be a number or \"random\"");
    }
  }
  if (!raw.duration.empty()) {
    auto duration = lashup::chaos::ParseDuration(raw.duration);
    if (!duration.ok()) return duration.status();
    o.duration = *duration;
  }
  auto nemeses = lashup::chaos::ParseNemeses(raw.nemesis);
  if (!nemeses.ok()) return nemeses.status();
  o.nemeses = *nemeses;
  if (raw.sabotage == "no-anti-entropy") {
    o.disable_anti_entropy = true;
  } else if (!raw.sabotage.empty()) {
    return lashup::InvalidArgumentError("--sabotage knows only no-anti-entropy");
  }
  return lashup::chaos::Validate(o);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lashup-chaos: partitions, kills, pauses, loss and divergent writes, checked"};
  ChaosOptions options;
  RawFlags raw;
  AddFlags(app, options, raw);
  CLI11_PARSE(app, argc, argv);
  if (lashup::Status status = Resolve(raw, options); !status.ok()) {
    std::cerr << "lashup-chaos: " << status.message() << "\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  if (options.random_seed) std::cout << "random seed: " << options.seed << std::endl;
  if (options.real) return lashup::chaos::RunReal(options, std::cout);
  return lashup::chaos::RunSimulation(options, std::cout);
}

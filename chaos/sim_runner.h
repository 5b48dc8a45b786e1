// Runs the simulator mode of lashup-chaos: one seed with the full report, or many seeds (in
// parallel jobs) with one line each, the full report of every failure, and a summary of the
// worst figures. The last line printed is one JSON object either way.
#ifndef LASHUP_CHAOS_SIM_RUNNER_H_
#define LASHUP_CHAOS_SIM_RUNNER_H_

#include <ostream>
#include <string>
#include <vector>

#include "chaos/options.h"
#include "chaos/run.h"

namespace lashup::chaos {

// The run options a ChaosOptions stands for.
RunOptions MakeRunOptions(const ChaosOptions& options, Duration default_duration);
// The command line that replays `seed` with the other options unchanged.
std::string ReplayCommand(const ChaosOptions& options, uint64_t seed);
// Names of every registered coverage probe.
std::vector<std::string> KnownProbes();

// Returns the process exit code: 0 when every run passed, 1 otherwise.
int RunSimulation(const ChaosOptions& options, std::ostream& out);

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_SIM_RUNNER_H_

// Command-line options of lashup-chaos, parsed and checked before anything runs.
#ifndef LASHUP_CHAOS_OPTIONS_H_
#define LASHUP_CHAOS_OPTIONS_H_

#include <cstdint>
#include <set>
#include <string>

#include "lashup/status.h"
#include "lashup/types.h"

namespace lashup::chaos {

struct ChaosOptions {
  bool real = false;
  uint64_t seed = 1;
  bool random_seed = false;  // --seed random: drawn from the OS and printed
  int runs = 1;              // seeds seed, seed+1, ... (simulator)
  int jobs = 1;              // runs in parallel (simulator)
  int nodes = 25;
  Duration duration{0};      // 0: the mode's default
  std::set<std::string> nemeses;
  std::string scenario;      // real mode: fail-one, fail-hang, converge
  bool disable_anti_entropy = false;  // --sabotage no-anti-entropy
  bool verbose = false;      // the full report for passing runs of a multi-run too
};

// "300", "300s", "5m", "1500ms".
Result<Duration> ParseDuration(const std::string& text);

// Checks the combination of options (ranges, mode-specific options); kInvalidArgument saying
// what is wrong.
Status Validate(const ChaosOptions& options);

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_OPTIONS_H_

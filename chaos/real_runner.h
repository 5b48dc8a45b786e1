// Runs the real mode of lashup-chaos: real Nodes in this process over loopback TLS, with the
// faults injected through lashup::testing::NetworkFaults; the chaos run with wall-clock bounds,
// or one of the measurement scenarios (fail-one, fail-hang, converge).
#ifndef LASHUP_CHAOS_REAL_RUNNER_H_
#define LASHUP_CHAOS_REAL_RUNNER_H_

#include <ostream>

#include "chaos/options.h"

namespace lashup::chaos {

// Returns the process exit code: 0 when the run passed, 1 when a check failed, 2 when the
// cluster could not be set up.
int RunReal(const ChaosOptions& options, std::ostream& out);

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_REAL_RUNNER_H_

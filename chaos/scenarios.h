// The real-mode measurement scenarios: what users compare between membership systems, measured
// on this machine with real Nodes over loopback TLS (the LAN preset).
//   converge   all N nodes started together, until every node's membership table holds all N;
//   fail-one   then one node is closed (its sockets close, like a killed process);
//   fail-hang  then one node is frozen (its thread stops, its sockets stay open, like SIGSTOP);
// and for the failures, until the node is unreachable from the first, the median and the last
// survivor (as each survivor's route events report it, so the figures include the events'
// rate limit), and how many live nodes any survivor ever reported unreachable (false_dead).
#ifndef LASHUP_CHAOS_SCENARIOS_H_
#define LASHUP_CHAOS_SCENARIOS_H_

#include <ostream>

#include "chaos/options.h"

namespace lashup::chaos {

// Prints a short account and, last, one JSON object. Exit code 0 when the failure was detected
// by every survivor and nothing live was reported dead, 1 otherwise, 2 on setup failure.
int RunScenario(const ChaosOptions& options, std::ostream& out);

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_SCENARIOS_H_

// lashup-sim SCENARIO [flags]: runs a simulated cluster scenario.
#include <cstdio>
#include <string>
#include <vector>

#include "scenarios.h"

namespace {

void Usage() {
  std::fprintf(stderr,
               "usage: lashup-sim SCENARIO [flags]\n"
               "scenarios:\n"
               "  demo   a small cluster of ping/pong nodes through a partition, a crash and a\n"
               "         restart; flags: --nodes N (default 5) --seed S (default 1)\n"
               "         --loss P (default 0) --quiet\n"
               "  converge  N membership nodes start together with 3 contact nodes; figures\n"
               "         scc_ms and gm_complete_ms; flags: --nodes N (default 25) --seed S\n"
               "         --latency-ms MIN,MEAN (default 0.2,1) --quiet\n"
               "  fail-one  after convergence one node hangs silently; figures detect_p50_ms,\n"
               "         detect_p90_ms, detect_max_ms; same flags as converge\n"
               "  fail-half  half the nodes crash at once; reconnect_ms, detect_max_ms\n"
               "  partition-heal  two halves cut for 5 minutes, then healed; split_ms, heal_ms\n"
               "  asymmetric  two agent groups cut from each other, all reach the 3 masters;\n"
               "         false_unreachable\n"
               "  idle   10 quiet minutes; false_positives, msgs_per_node_s, bytes_per_node_s,\n"
               "         gm_bytes\n"
               "  (all membership scenarios take the flags of converge)\n"
               "  multicast  after convergence, M messages from random origins to every node;\n"
               "         delivery_ratio, duplicates, latency_p50_ms, latency_p99_ms,\n"
               "         bytes_per_msg; flags of converge and --messages M (100) --loss P (0)\n"
               "         --kill-fraction F (0) --payload-bytes B (100) --interval-ms I (20)\n"
               "         --extra-trees K (0) --unit-weights --hop-cost-us C (1000)\n"
               "  kv-spread  W writes to one key holding a S-element set; visible_p50_ms,\n"
               "         visible_p99_ms, bytes_per_op, full_state_bytes_per_op; --writes W (100)\n"
               "         --interval-ms I (20) --set-size S (10000)\n"
               "  kv-partition  divergent writes on both sides of a cut, then the heal;\n"
               "         converge_ms, diverged_keys_after; --partition-s S (60)\n"
               "         --writes-per-node W (4) --shared-keys K (5)\n"
               "  kv-rejoin  a node misses K keys, another misses M; catchup_ms, sync_bytes,\n"
               "         catchup_missed_ms, sync_missed_bytes; --keys K (100000) --missed M (10)\n"
               "         --max-missed-ratio R (0.01)\n"
               "The scenario may also be given as --scenario NAME.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage();
    return 2;
  }
  std::string scenario = argv[1];
  int first_arg = 2;
  if (scenario == "--scenario") {
    if (argc < 3) {
      Usage();
      return 2;
    }
    scenario = argv[2];
    first_arg = 3;
  }
  std::vector<std::string> args(argv + first_arg, argv + argc);
  if (scenario == "demo") return lashup::tools::RunDemoScenario(args);
  if (scenario == "converge") return lashup::tools::RunConvergeScenario(args);
  if (scenario == "fail-one") return lashup::tools::RunFailOneScenario(args);
  if (scenario == "fail-half") return lashup::tools::RunFailHalfScenario(args);
  if (scenario == "partition-heal") return lashup::tools::RunPartitionHealScenario(args);
  if (scenario == "asymmetric") return lashup::tools::RunAsymmetricScenario(args);
  if (scenario == "idle") return lashup::tools::RunIdleScenario(args);
  if (scenario == "multicast") return lashup::tools::RunMulticastScenario(args);
  if (scenario == "kv-spread") return lashup::tools::RunKvSpreadScenario(args);
  if (scenario == "kv-partition") return lashup::tools::RunKvPartitionScenario(args);
  if (scenario == "kv-rejoin") return lashup::tools::RunKvRejoinScenario(args);
  if (scenario == "--help" || scenario == "-h" || scenario == "help") {
    Usage();
    return 0;
  }
  std::fprintf(stderr, "lashup-sim: unknown scenario '%s'\n", scenario.c_str());
  Usage();
  return 2;
}

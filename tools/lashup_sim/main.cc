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
               "         --loss P (default 0) --quiet\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage();
    return 2;
  }
  const std::string scenario = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (scenario == "demo") return lashup::tools::RunDemoScenario(args);
  if (scenario == "--help" || scenario == "-h" || scenario == "help") {
    Usage();
    return 0;
  }
  std::fprintf(stderr, "lashup-sim: unknown scenario '%s'\n", scenario.c_str());
  Usage();
  return 2;
}

// The scenarios lashup-sim can run. Each prints a human-readable timeline to stderr (unless
// --quiet) and exactly one JSON object of figures to stdout, and returns the process exit code.
#ifndef LASHUP_TOOLS_LASHUP_SIM_SCENARIOS_H_
#define LASHUP_TOOLS_LASHUP_SIM_SCENARIOS_H_

#include <string>
#include <vector>

namespace lashup::tools {

int RunDemoScenario(const std::vector<std::string>& args);
int RunConvergeScenario(const std::vector<std::string>& args);
int RunFailOneScenario(const std::vector<std::string>& args);
int RunFailHalfScenario(const std::vector<std::string>& args);
int RunPartitionHealScenario(const std::vector<std::string>& args);
int RunAsymmetricScenario(const std::vector<std::string>& args);
int RunIdleScenario(const std::vector<std::string>& args);
int RunMulticastScenario(const std::vector<std::string>& args);
int RunKvSpreadScenario(const std::vector<std::string>& args);
int RunKvPartitionScenario(const std::vector<std::string>& args);
int RunKvRejoinScenario(const std::vector<std::string>& args);

}  // namespace lashup::tools

#endif  // LASHUP_TOOLS_LASHUP_SIM_SCENARIOS_H_

// The chaos report: a readable account for people and one JSON object (the last line of the
// output) for scripts, both from the same RunReport.
#ifndef LASHUP_CHAOS_REPORT_H_
#define LASHUP_CHAOS_REPORT_H_

#include <string>

#include <nlohmann/json.hpp>

#include "chaos/run.h"

namespace lashup::chaos {

struct ReportContext {
  std::string mode;    // "sim" or "real"
  std::string replay;  // the command line that replays this run
  double wall_ms = 0;
  std::vector<std::string> known_probes;  // every registered probe, hit or not
};

std::string TextReport(const RunReport& report, const ReportContext& context);
nlohmann::json JsonReport(const RunReport& report, const ReportContext& context);

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_REPORT_H_

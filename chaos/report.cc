#include "chaos/report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "chaos/millis.h"

namespace lashup::chaos {
namespace {

void AppendFigures(std::ostringstream& out, const std::map<std::string, double>& figures) {
  for (const auto& [name, value] : figures) {
    out << "      " << name << " = " << value << "\n";
  }
}

void AppendNemesis(std::ostringstream& out, const RunReport& report) {
  out << "  nemesis: " << report.plan.size() << " episodes";
  for (const auto& [kind, count] : report.nemesis_counts) out << ", " << kind << " " << count;
  out << "\n";
  for (const Episode& e : report.plan) {
    out << "    " << ToMillis(e.start) / 1000.0 << "s-" << ToMillis(e.end) / 1000.0
        << "s  " << e.Describe() << "\n";
  }
}

void AppendProbes(std::ostringstream& out, const RunReport& report,
                  const std::vector<std::string>& known) {
  out << "  coverage probes:\n";
  for (const std::string& name : known) {
    auto it = report.probes.find(name);
    out << "    " << (it == report.probes.end() ? "never  " : "hit    ") << name;
    if (it != report.probes.end()) out << " (" << it->second << ")";
    out << "\n";
  }
  for (const auto& [name, hits] : report.probes) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      out << "    hit    " << name << " (" << hits << ", unregistered)\n";
    }
  }
}

std::string HashText(uint64_t hash) {
  char hex[24];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace

std::string TextReport(const RunReport& report, const ReportContext& context) {
  std::ostringstream out;
  out << "lashup-chaos " << context.mode << ": seed " << report.seed << ", " << report.nodes
      << " nodes, " << ToMillis(report.duration) / 1000.0 << " s of nemesis\n";
  AppendNemesis(out, report);
  for (const CheckResult& check : report.checks) {
    out << "  check " << check.name << ": " << (check.passed ? "PASS" : "FAIL") << "\n";
    for (const std::string& problem : check.problems) out << "    ! " << problem << "\n";
    AppendFigures(out, check.figures);
  }
  out << "  figures:\n";
  AppendFigures(out, report.figures);
  if (report.trace_hash) out << "  trace hash: " << HashText(*report.trace_hash) << "\n";
  AppendProbes(out, report, context.known_probes);
  out << (report.passed() ? "PASS" : "FAIL") << " seed " << report.seed << " in "
      << context.wall_ms / 1000.0 << " s wall; replay: " << context.replay << "\n";
  return out.str();
}

nlohmann::json JsonReport(const RunReport& report, const ReportContext& context) {
  nlohmann::json json;
  json["mode"] = context.mode;
  json["seed"] = report.seed;
  json["nodes"] = report.nodes;
  json["duration_s"] = ToMillis(report.duration) / 1000.0;
  json["passed"] = report.passed();
  json["wall_ms"] = context.wall_ms;
  json["replay"] = context.replay;
  for (const CheckResult& check : report.checks) {
    nlohmann::json c;
    c["passed"] = check.passed;
    c["problems"] = check.problems;
    for (const auto& [name, value] : check.figures) c[name] = value;
    json["checks"][check.name] = c;
  }
  json["nemesis"] = report.nemesis_counts;
  for (const auto& [name, value] : report.figures) json["figures"][name] = value;
  if (report.trace_hash) json["trace_hash"] = HashText(*report.trace_hash);
  json["probes_hit"] = report.probes;
  std::vector<std::string> missed;
  for (const std::string& name : context.known_probes) {
    if (report.probes.count(name) == 0) missed.push_back(name);
  }
  json["probes_missed"] = missed;
  return json;
}

}  // namespace lashup::chaos

// Minimal "--name value" flag parsing for lashup-sim scenarios, with clear errors for unknown
// flags and malformed numbers.
#ifndef LASHUP_TOOLS_LASHUP_SIM_FLAGS_H_
#define LASHUP_TOOLS_LASHUP_SIM_FLAGS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lashup/status.h"

namespace lashup::tools {

class Flags {
 public:
  // Parses "--name value" pairs and bare "--switch"es; `known` lists accepted names,
  // `switches` those that take no value.
  static Result<Flags> Parse(const std::vector<std::string>& args,
                             const std::set<std::string>& known,
                             const std::set<std::string>& switches);

  Result<uint64_t> Uint(const std::string& name, uint64_t fallback) const;
  Result<double> Double(const std::string& name, double fallback) const;
  // "--name A,B": two numbers.
  Result<std::pair<double, double>> DoublePair(const std::string& name,
                                               std::pair<double, double> fallback) const;
  bool Has(const std::string& name) const { return values_.contains(name); }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace lashup::tools

#endif  // LASHUP_TOOLS_LASHUP_SIM_FLAGS_H_

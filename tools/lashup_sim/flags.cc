#include "flags.h"

#include <charconv>
#include <cstdlib>

namespace lashup::tools {

Result<Flags> Flags::Parse(const std::vector<std::string>& args,
                           const std::set<std::string>& known,
                           const std::set<std::string>& switches) {
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) return InvalidArgumentError("unexpected argument '" + arg + "'");
    const std::string name = arg.substr(2);
    if (!known.contains(name)) return InvalidArgumentError("unknown flag '" + arg + "'");
    if (switches.contains(name)) {
      flags.values_[name] = "1";
      continue;
    }
    if (i + 1 >= args.size()) return InvalidArgumentError("flag '" + arg + "' needs a value");
    flags.values_[name] = args[++i];
  }
  return flags;
}

Result<uint64_t> Flags::Uint(const std::string& name, uint64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  uint64_t value = 0;
  const std::string& text = it->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError("--" + name + " wants a non-negative integer, got '" + text + "'");
  }
  return value;
}

Result<double> Flags::Double(const std::string& name, double fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  const double value = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0') {
    return InvalidArgumentError("--" + name + " wants a number, got '" + it->second + "'");
  }
  return value;
}

Result<std::pair<double, double>> Flags::DoublePair(const std::string& name,
                                                   std::pair<double, double> fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  const size_t comma = text.find(',');
  const auto bad = [&] {
    return InvalidArgumentError("--" + name + " wants two numbers A,B, got '" + text + "'");
  };
  if (comma == std::string::npos) return bad();
  const std::string first = text.substr(0, comma);
  const std::string second = text.substr(comma + 1);
  char* end = nullptr;
  const double a = std::strtod(first.c_str(), &end);
  if (first.empty() || *end != '\0') return bad();
  const double b = std::strtod(second.c_str(), &end);
  if (second.empty() || *end != '\0') return bad();
  return std::pair<double, double>(a, b);
}

}  // namespace lashup::tools

#include "chaos/options.h"

#include <charconv>

namespace lashup::chaos {

Result<Duration> ParseDuration(const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [rest, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || rest == text.data()) {
    return InvalidArgumentError("bad duration \"" + text + "\" (like 300, 300s, 5m, 1500ms)");
  }
  const std::string unit(rest, end);
  if (unit.empty() || unit == "s") return Duration(std::chrono::seconds(value));
  if (unit == "m") return Duration(std::chrono::minutes(value));
  if (unit == "ms") return Duration(std::chrono::milliseconds(value));
  return InvalidArgumentError("bad duration unit in \"" + text + "\" (s, m or ms)");
}

Status Validate(const ChaosOptions& o) {
  if (o.nodes < 2 || o.nodes > 1000) return InvalidArgumentError("--nodes must be 2..1000");
  if (o.runs < 1 || o.runs > 100000) return InvalidArgumentError("--runs must be 1..100000");
  if (o.jobs < 1 || o.jobs > 64) return InvalidArgumentError("--jobs must be 1..64");
  if (!o.scenario.empty() && !o.real) {
    return InvalidArgumentError("--scenario needs --real (it measures this machine)");
  }
  if (!o.scenario.empty() && o.scenario != "fail-one" && o.scenario != "fail-hang" &&
      o.scenario != "converge") {
    return InvalidArgumentError("--scenario must be fail-one, fail-hang or converge");
  }
  if (o.real && (o.runs != 1 || o.jobs != 1)) {
    return InvalidArgumentError("--runs and --jobs are for the simulator");
  }
  if (o.real && o.disable_anti_entropy) {
    return InvalidArgumentError("--sabotage is for the simulator");
  }
  if (o.duration < Duration{0}) return InvalidArgumentError("--duration must not be negative");
  return Status::Ok();
}

}  // namespace lashup::chaos

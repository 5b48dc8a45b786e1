// Logging: where lashup components send what they have to say.
//
// There is no global logger. Whoever builds a component passes a LogSink; a default-constructed
// (empty) sink discards everything. A sink is called on the thread of the component that logs
// (for a driver, its loop thread), so it must be thread-safe if shared and must not block for long.
#ifndef LASHUP_LOG_H_
#define LASHUP_LOG_H_

#include <functional>
#include <string_view>

namespace lashup {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

using LogSink = std::function<void(LogLevel level, std::string_view message)>;

// "debug", "info", "warning", "error".
constexpr std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

}  // namespace lashup

#endif  // LASHUP_LOG_H_

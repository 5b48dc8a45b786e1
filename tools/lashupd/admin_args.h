// Small helpers for checking a command's arguments (admin commands).
#ifndef LASHUP_TOOLS_LASHUPD_ADMIN_ARGS_H_
#define LASHUP_TOOLS_LASHUPD_ADMIN_ARGS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "admin/command_line.h"
#include "lashup/status.h"

namespace lashup::daemon::args {

inline Status Usage(const std::string& usage) {
  return Status(StatusCode::kInvalidArgument, "usage: " + usage);
}

template <typename Fn>
Result<nlohmann::json> NoArgs(const std::string& command, const std::vector<admin::Token>& args,
                              Fn run) {
  if (!args.empty()) return Usage(command + " (takes no arguments)");
  return run();
}

}  // namespace lashup::daemon::args

#endif  // LASHUP_TOOLS_LASHUPD_ADMIN_ARGS_H_

// One line of lashupd's admin protocol, as the client reads it.
//
// Contract: `ParseReply` reads one reply line (a JSON object, see the daemon's admin protocol):
//   {"ok":true,"result":R}             -> kResult, body R
//   {"ok":true,"stream":true}          -> kStreamStart, body null
//   {"event":E}                        -> kEvent, body E
//   {"ok":false,"code":C,"error":M}    -> kError, code C and message M (code may be absent)
// Anything else (not JSON, not an object, "ok" not a bool, a missing result, an error without a
// string message) is kInternal "malformed reply from lashupd: ..." quoting a bounded, escaped
// excerpt of the line. Never throws. Stateless; safe from any thread.
#ifndef LASHUP_TOOLS_LASHUPCTL_REPLY_H_
#define LASHUP_TOOLS_LASHUPCTL_REPLY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lashup/status.h"

namespace lashup::ctl {

struct Reply {
  enum class Kind : uint8_t { kResult, kStreamStart, kEvent, kError };
  Kind kind = Kind::kResult;
  nlohmann::json body;
  std::string code;
  std::string error;
};

Result<Reply> ParseReply(std::string_view line);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_REPLY_H_

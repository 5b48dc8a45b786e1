// A conversation with one lashupd: runs command lines and prints what comes back.
//
// Contract:
// - `Execute` sends one command line, reads the reply within `timeout` and prints it to `out`
//   (rendered for people, or the raw result as one JSON line with `json`). Errors go to `err`:
//   "error: MESSAGE" for the daemon's errors, "lashupctl: cannot reach lashupd at PATH: ...
//   (is lashupd running? --socket)" when it cannot connect, other "lashupctl: ..." lines for a
//   lost connection, a timeout or a malformed reply. It returns what happened (Outcome).
// - A reply that opens a stream (watch, mc watch) is followed without a timeout: each event is
//   printed and flushed as it arrives, until `max_events` events (if set), until `cancel_fd`
//   becomes readable (Ctrl-C: kStreamStopped), or until the daemon ends the stream (kOk, or
//   kUnreachable if fewer than `max_events` came). The stream's connection is then closed,
//   which is how the daemon learns the client has stopped.
// - A readable `cancel_fd` also cuts short a request waiting for its reply (kInterrupted). The
//   caller drains it (Interrupter::Take) before the next request.
// - `Query` runs a command silently and returns its result, for the shell's prompt, help and
//   completion; a failure's message is the text Execute would print. Streams are refused.
// - The connection is kept between requests while it is idle and open, and opened anew when it
//   is not, so a restarted daemon is picked up; a request is never sent twice.
// Not thread-safe; one thread drives a Session.
#ifndef LASHUP_TOOLS_LASHUPCTL_SESSION_H_
#define LASHUP_TOOLS_LASHUPCTL_SESSION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "admin_client.h"
#include "lashup/status.h"
#include "reply.h"

namespace lashup::ctl {

enum class Outcome : uint8_t {
  kOk,
  kDaemonError,    // the daemon answered an error, or something unreadable
  kUnreachable,    // no connection, a lost one, or no reply in time
  kInterrupted,    // a request cut short by cancel_fd
  kStreamStopped,  // a stream ended by cancel_fd: the normal end of `watch` at a terminal
};

struct SessionOptions {
  std::string socket_path;
  std::chrono::milliseconds timeout{10'000};
  bool json = false;
  std::optional<uint64_t> max_events;
};

class Session {
 public:
  Session(SessionOptions options, int cancel_fd, std::ostream& out, std::ostream& err);

  Outcome Execute(std::string_view line);
  Result<nlohmann::json> Query(std::string_view line);

  const SessionOptions& options() const { return options_; }

 private:
  enum class Stage : uint8_t { kConnect, kExchange };
  struct Failure {
    Outcome outcome;
    std::string message;  // "" when nothing should be printed
  };

  Result<AdminClient*> Connection();
  // Sends the line and reads the first reply; on failure `failure_` says what went wrong.
  std::optional<Reply> Request(std::string_view line);
  Outcome FollowStream(std::string_view command);
  // Reports why a stream stopped before max_events: `reply` is the line that ended it.
  Outcome StreamEnded(const Result<Reply>& reply, uint64_t seen);
  Outcome ReportFailure();
  Failure Describe(const Status& status, Stage stage) const;
  void Print(std::string_view command, const nlohmann::json& body, bool event);

  SessionOptions options_;
  int cancel_fd_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<AdminClient> client_;
  Failure failure_{Outcome::kOk, ""};
};

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_SESSION_H_

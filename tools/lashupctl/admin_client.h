// A connection to lashupd's admin socket: request lines out, reply lines in.
//
// Contract:
// - `Connect` opens a Unix stream connection to `path`, giving up at `deadline`. Failures are
//   kUnavailable whose message is strerror's text (ENOENT, ECONNREFUSED...), kInvalidArgument
//   for a path too long for a socket address, kDeadlineExceeded past the deadline.
// - `SendLine` writes `line` and a '\n'; a line holding '\n' or '\r' is kInvalidArgument (it
//   would read as two requests). `ReadLine` returns the next line without its '\n'.
// - Every wait polls the socket and, when `cancel_fd` >= 0, that descriptor too: once it is
//   readable (a signal arrived, see interrupter.h) the call returns kCancelled and leaves the
//   descriptor unread. A `Deadline` of nullopt waits without limit (streams).
// - Other errors: kDeadlineExceeded when the deadline passes, kUnavailable when the daemon has
//   closed the connection or the socket fails, kResourceExhausted for a line over the line
//   limit (kMaxLineBytes unless given). After any error the connection is out of step: drop it.
// - `Reusable` says whether another request may go out on this connection: nothing unread is
//   buffered and the daemon has not closed it. It never blocks.
// Not thread-safe: one thread uses a client at a time. The destructor closes the socket.
#ifndef LASHUP_TOOLS_LASHUPCTL_ADMIN_CLIENT_H_
#define LASHUP_TOOLS_LASHUPCTL_ADMIN_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lashup/status.h"

namespace lashup::ctl {

using Clock = std::chrono::steady_clock;
// When a wait gives up; nullopt never gives up.
using Deadline = std::optional<Clock::time_point>;

Deadline DeadlineAfter(std::chrono::milliseconds timeout);

class AdminClient {
 public:
  // The largest reply line accepted; a `keys` listing of a big store fits well within it.
  static constexpr size_t kMaxLineBytes = size_t{64} << 20;

  static Result<std::unique_ptr<AdminClient>> Connect(const std::string& path, Deadline deadline);

  // Takes ownership of a connected stream socket (tests pass one end of a socketpair).
  explicit AdminClient(int fd, size_t max_line_bytes = kMaxLineBytes);
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  Status SendLine(std::string_view line, Deadline deadline, int cancel_fd = -1);
  Result<std::string> ReadLine(Deadline deadline, int cancel_fd = -1);
  bool Reusable() const;

 private:
  // Waits until the socket is ready for `events` (POLLIN or POLLOUT).
  Status WaitFor(short events, Deadline deadline, int cancel_fd) const;
  // Reads what the socket has into buffer_; kUnavailable at end of stream.
  Status Fill();

  int fd_;
  size_t max_line_bytes_;
  std::string buffer_;
};

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_ADMIN_CLIENT_H_

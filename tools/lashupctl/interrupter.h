// SIGINT and SIGTERM as a readable descriptor, so a blocking wait can also wait for Ctrl-C.
//
// Contract: while an Interrupter exists, SIGINT and SIGTERM no longer kill the process; their
// handler writes the signal number to a pipe whose read end is `fd()`. `fd()` stays readable
// until `Take` drains it; `Take` returns the last signal that arrived, or 0 for none. The
// handler only calls write(2) on a non-blocking pipe, so it is async-signal-safe, and a signal
// that lands between a check and a poll() is never lost: it waits in the pipe. The destructor
// restores the previous handlers. One Interrupter per process at a time (Install refuses a
// second with kFailedPrecondition). Take and fd may be called from the thread that owns it.
#ifndef LASHUP_TOOLS_LASHUPCTL_INTERRUPTER_H_
#define LASHUP_TOOLS_LASHUPCTL_INTERRUPTER_H_

#include <csignal>
#include <memory>

#include "lashup/status.h"

namespace lashup::ctl {

class Interrupter {
 public:
  static Result<std::unique_ptr<Interrupter>> Install();
  ~Interrupter();
  Interrupter(const Interrupter&) = delete;
  Interrupter& operator=(const Interrupter&) = delete;

  int fd() const { return read_fd_; }
  int Take();

 private:
  Interrupter(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}

  int read_fd_;
  int write_fd_;
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_INTERRUPTER_H_

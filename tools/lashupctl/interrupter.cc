#include "interrupter.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lashup::ctl {
namespace {

// The pipe's write end for the handler; -1 when no Interrupter is installed.
volatile sig_atomic_t g_write_fd = -1;

extern "C" void OnSignal(int signal_number) {
  const int saved_errno = errno;
  const unsigned char byte = static_cast<unsigned char>(signal_number);
  // A full pipe already says "interrupted"; dropping this byte loses nothing that matters.
  [[maybe_unused]] ssize_t ignored = ::write(g_write_fd, &byte, 1);
  errno = saved_errno;
}

}  // namespace

Result<std::unique_ptr<Interrupter>> Interrupter::Install() {
  if (g_write_fd != -1) return FailedPreconditionError("an Interrupter is already installed");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return InternalError(std::strerror(errno));
  std::unique_ptr<Interrupter> interrupter(new Interrupter(fds[0], fds[1]));
  g_write_fd = fds[1];
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking read in the shell should wake up and look at the pipe.
  action.sa_flags = 0;
  ::sigaction(SIGINT, &action, &interrupter->old_int_);
  ::sigaction(SIGTERM, &action, &interrupter->old_term_);
  return interrupter;
}

Interrupter::~Interrupter() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  g_write_fd = -1;
  ::close(read_fd_);
  ::close(write_fd_);
}

int Interrupter::Take() {
  int last = 0;
  unsigned char bytes[64];
  // The pipe is non-blocking and holds at most a few bytes per signal delivered.
  for (int pass = 0; pass < 1024; ++pass) {
    const ssize_t n = ::read(read_fd_, bytes, sizeof(bytes));
    if (n <= 0) break;
    last = bytes[n - 1];
  }
  return last;
}

}  // namespace lashup::ctl

#include "admin_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace lashup::ctl {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// A Unix socket whose listen backlog is full refuses with EAGAIN rather than queueing the
// connect, so Connect retries at this pace until its deadline.
constexpr int kBacklogRetryMs = 10;
constexpr int kBacklogRetriesWithoutDeadline = 500;

Status ErrnoStatus(int error) { return UnavailableError(std::strerror(error)); }

// Milliseconds left before `deadline` for poll(), rounded up; -1 waits forever.
int PollTimeoutMs(Deadline deadline) {
  if (!deadline) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
  if (left.count() <= 0) return 0;
  constexpr int64_t kMaxPollMs = 1 << 30;
  return static_cast<int>(std::min<int64_t>(left.count(), kMaxPollMs));
}

bool Expired(Deadline deadline) { return deadline && Clock::now() >= *deadline; }

Result<sockaddr_un> SocketAddress(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    return InvalidArgumentError("socket path must be 1 to " +
                                std::to_string(sizeof(address.sun_path) - 1) + " bytes");
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  return address;
}

// Waits for a non-blocking connect in progress and returns its outcome.
Status FinishConnect(int fd, Deadline deadline) {
  pollfd poll_fd{.fd = fd, .events = POLLOUT, .revents = 0};
  if (::poll(&poll_fd, 1, PollTimeoutMs(deadline)) == 0) {
    return DeadlineExceededError("connect timed out");
  }
  int error = 0;
  socklen_t length = sizeof(error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  return error == 0 ? Status::Ok() : ErrnoStatus(error);
}

}  // namespace

Deadline DeadlineAfter(std::chrono::milliseconds timeout) { return Clock::now() + timeout; }

Result<std::unique_ptr<AdminClient>> AdminClient::Connect(const std::string& path,
                                                          Deadline deadline) {
  auto address = SocketAddress(path);
  if (!address.ok()) return address.status();
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return ErrnoStatus(errno);
  auto client = std::make_unique<AdminClient>(fd);
  for (int attempt = 0; attempt < kBacklogRetriesWithoutDeadline || deadline; ++attempt) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof(*address)) == 0) {
      return client;
    }
    if (errno == EINPROGRESS) {
      Status status = FinishConnect(fd, deadline);
      if (!status.ok()) return status;
      return client;
    }
    if (errno != EAGAIN && errno != EINTR) return ErrnoStatus(errno);
    if (Expired(deadline)) return DeadlineExceededError("connect timed out (backlog full)");
    ::poll(nullptr, 0, kBacklogRetryMs);
  }
  return DeadlineExceededError("connect timed out (backlog full)");
}

AdminClient::AdminClient(int fd, size_t max_line_bytes) : fd_(fd), max_line_bytes_(max_line_bytes) {
  // Waits go through poll(), so reads and writes must never block.
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

AdminClient::~AdminClient() { ::close(fd_); }

Status AdminClient::WaitFor(short events, Deadline deadline, int cancel_fd) const {
  pollfd fds[2] = {{.fd = fd_, .events = events, .revents = 0},
                   {.fd = cancel_fd, .events = POLLIN, .revents = 0}};
  const nfds_t count = cancel_fd >= 0 ? 2 : 1;
  // Each pass either returns or was cut short by a signal, which also makes cancel_fd readable,
  // so the next pass returns; the deadline bounds the rest.
  for (int pass = 0; pass < 1000; ++pass) {
    const int ready = ::poll(fds, count, PollTimeoutMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ErrnoStatus(errno);
    if (count == 2 && fds[1].revents != 0) return CancelledError("interrupted");
    if (ready == 0) return DeadlineExceededError("timed out");
    return Status::Ok();  // ready, or POLLHUP/POLLERR, which the next call reports
  }
  return InternalError("poll kept being interrupted");
}

Status AdminClient::SendLine(std::string_view line, Deadline deadline, int cancel_fd) {
  if (line.find_first_of("\r\n") != std::string_view::npos) {
    return InvalidArgumentError("a command must be a single line");
  }
  std::string data(line);
  data.push_back('\n');
  size_t sent = 0;
  // Each pass sends at least one byte or returns.
  while (sent < data.size()) {
    Status ready = WaitFor(POLLOUT, deadline, cancel_fd);
    if (!ready.ok()) return ready;
    const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (Expired(deadline)) return DeadlineExceededError("timed out");
      continue;
    }
    if (n < 0) return ErrnoStatus(errno);
    sent += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status AdminClient::Fill() {
  char chunk[kReadChunk];
  const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n == 0) return UnavailableError("lashupd closed the connection");
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return Status::Ok();
  if (n < 0) return ErrnoStatus(errno);
  buffer_.append(chunk, static_cast<size_t>(n));
  return Status::Ok();
}

Result<std::string> AdminClient::ReadLine(Deadline deadline, int cancel_fd) {
  // Each pass finds a line or reads more; the size limit and the deadline bound it.
  size_t scanned = 0;
  while (buffer_.size() <= max_line_bytes_) {
    const size_t newline = buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    scanned = buffer_.size();
    Status ready = WaitFor(POLLIN, deadline, cancel_fd);
    if (!ready.ok()) return ready;
    Status filled = Fill();
    if (!filled.ok()) return filled;
  }
  return ResourceExhaustedError("reply line longer than " + std::to_string(max_line_bytes_) +
                                " bytes");
}

bool AdminClient::Reusable() const {
  if (!buffer_.empty()) return false;
  pollfd poll_fd{.fd = fd_, .events = POLLIN, .revents = 0};
  // Readable while idle means end of stream, an error, or bytes nobody asked for.
  return ::poll(&poll_fd, 1, 0) == 0;
}

}  // namespace lashup::ctl

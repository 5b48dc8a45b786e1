#include "fake_daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace lashup::ctl {

void FakeDaemon::Connection::Write(std::string_view text) {
  size_t sent = 0;
  // Blocking socket: each pass sends at least one byte or gives up on an error.
  while (sent < text.size()) {
    const ssize_t n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away; the test sees that on its side
    sent += static_cast<size_t>(n);
  }
}

FakeDaemon::FakeDaemon(Handler handler) : handler_(std::move(handler)) {
  char dir[] = "/tmp/lashupctl_test_XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = dir;
  path_ = dir_ + "/admin.sock";
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listen_fd_, 8) != 0) {
    throw std::runtime_error("bind/listen failed: " + std::string(std::strerror(errno)));
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  stop_read_ = fds[0];
  stop_write_ = fds[1];
  thread_ = std::thread([this] { Serve(); });
}

FakeDaemon::~FakeDaemon() {
  const char byte = 1;
  [[maybe_unused]] ssize_t ignored = ::write(stop_write_, &byte, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(stop_read_);
  ::close(stop_write_);
  std::error_code error;
  std::filesystem::remove_all(dir_, error);
}

std::vector<std::string> FakeDaemon::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

int FakeDaemon::connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connections_;
}

int FakeDaemon::closed_connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_connections_;
}

std::string FakeDaemon::ResultLine(std::string_view result_json) {
  return "{\"ok\":true,\"result\":" + std::string(result_json) + "}\n";
}

void FakeDaemon::Serve() {
  // Ends when the destructor writes to the stop pipe.
  for (;;) {
    pollfd fds[2] = {{.fd = listen_fd_, .events = POLLIN, .revents = 0},
                     {.fd = stop_read_, .events = POLLIN, .revents = 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++connections_;
    }
    const bool go_on = ServeConnection(fd);
    ::close(fd);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++closed_connections_;
    }
    if (!go_on) return;
  }
}

bool FakeDaemon::ServeConnection(int fd) {
  Connection connection(fd);
  std::string buffer;
  // Ends when the client closes, the handler says so, or the daemon stops.
  for (;;) {
    pollfd fds[2] = {{.fd = fd, .events = POLLIN, .revents = 0},
                     {.fd = stop_read_, .events = POLLIN, .revents = 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return true;
    buffer.append(chunk, static_cast<size_t>(n));
    for (size_t newline = buffer.find('\n'); newline != std::string::npos;
         newline = buffer.find('\n')) {
      const std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(line);
      }
      if (!handler_(line, connection)) return true;
    }
  }
}

}  // namespace lashup::ctl

// A stand-in lashupd for lashupctl's tests: a Unix socket served by one thread, answering each
// request line as the test's handler says.
//
// Contract: the constructor binds a socket in a fresh temporary directory (`path()`) and starts
// serving; connections are served one after another, as lashupctl makes them. For each request
// line the handler gets the line and the connection, may `Write` any text (reply lines end in
// '\n' only if the handler puts one there), and returns whether to keep the connection open.
// A connection also ends when the client closes it. The destructor stops the thread (through
// a pipe, never a timeout), closes everything and removes the directory. `requests()` and
// `connections()` may be read from the test's thread at any time.
#ifndef LASHUP_TOOLS_LASHUPCTL_FAKE_DAEMON_H_
#define LASHUP_TOOLS_LASHUPCTL_FAKE_DAEMON_H_

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace lashup::ctl {

class FakeDaemon {
 public:
  class Connection {
   public:
    explicit Connection(int fd) : fd_(fd) {}
    void Write(std::string_view text);

   private:
    int fd_;
  };
  using Handler = std::function<bool(const std::string& request, Connection& connection)>;

  explicit FakeDaemon(Handler handler);
  ~FakeDaemon();
  FakeDaemon(const FakeDaemon&) = delete;
  FakeDaemon& operator=(const FakeDaemon&) = delete;

  const std::string& path() const { return path_; }
  std::vector<std::string> requests() const;
  int connections() const;
  // Connections the daemon has finished with and closed.
  int closed_connections() const;

  // The reply line {"ok":true,"result":RESULT} for a handler to Write.
  static std::string ResultLine(std::string_view result_json);

 private:
  void Serve();
  // Serves one connection until it ends; false when the daemon is stopping.
  bool ServeConnection(int fd);

  Handler handler_;
  std::string dir_;
  std::string path_;
  int listen_fd_ = -1;
  int stop_read_ = -1;
  int stop_write_ = -1;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  int connections_ = 0;
  int closed_connections_ = 0;
  std::thread thread_;
};

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_FAKE_DAEMON_H_

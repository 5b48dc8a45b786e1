// MetricsServer: Prometheus' scrape endpoint, GET /metrics over plain HTTP/1.x.
//
// Contract: serves `render()` as text/plain version 0.0.4 to GET /metrics (HEAD too), 404 for
// other paths, 405 for other methods, 400 for a request it cannot read. One request per
// connection (Connection: close). A client gets 5 s and 16 KiB for its request head; beyond
// kMaxConnections open at once, new ones are closed unanswered. Meant for
// localhost: it has no authentication, so `Start` logs a warning when bound elsewhere. Runs on
// `io`'s thread; `Stop` there.
#ifndef LASHUP_TOOLS_LASHUPD_METRICS_SERVER_H_
#define LASHUP_TOOLS_LASHUPD_METRICS_SERVER_H_

#include <asio.hpp>
#include <functional>
#include <memory>
#include <string>

#include "lashup/log.h"
#include "lashup/status.h"

namespace lashup::daemon {

class MetricsServer {
 public:
  static constexpr size_t kMaxConnections = 16;

  using Render = std::function<Result<std::string>()>;

  static Result<std::unique_ptr<MetricsServer>> Start(asio::io_context& io,
                                                      const std::string& listen, Render render,
                                                      LogSink log);
  void Stop();
  std::string address() const;

 private:
  MetricsServer(asio::io_context& io, Render render, LogSink log)
      : io_(io), render_(std::move(render)), log_(std::move(log)), acceptor_(io), retry_(io) {}
  void Accept();
  void Serve(std::shared_ptr<asio::ip::tcp::socket> socket);
  std::string Respond(const std::string& head);

  asio::io_context& io_;
  const Render render_;
  const LogSink log_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  std::shared_ptr<size_t> open_ = std::make_shared<size_t>(0);  // io thread only
  bool stopped_ = false;
};

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_METRICS_SERVER_H_

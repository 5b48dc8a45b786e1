#include "metrics_server.h"

#include <sstream>

#include "metrics/prometheus_text.h"
#include "tcp_listen.h"

namespace lashup::daemon {
namespace {

using Tcp = asio::ip::tcp;

std::string HttpResponse(int code, std::string_view reason, std::string_view type,
                         const std::string& body, bool head_only) {
  std::ostringstream out;
  out << "HTTP/1.1 " << code << " " << reason << "\r\n"
      << "Content-Type: " << type << "\r\n"
      << "Content-Length: " << body.size() << "\r\n"
      << "Connection: close\r\n\r\n";
  if (!head_only) out << body;
  return out.str();
}

struct Connection {
  Connection(asio::io_context& io, Tcp::socket s, std::shared_ptr<size_t> open_count)
      : socket(std::move(s)), deadline(io), head(16 << 10), open(std::move(open_count)) {
    ++*open;
  }
  ~Connection() { --*open; }
  Tcp::socket socket;
  asio::steady_timer deadline;
  asio::streambuf head;
  std::string response;
  std::shared_ptr<size_t> open;  // the server's count of open connections
};

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(asio::io_context& io,
                                                            const std::string& listen,
                                                            Render render, LogSink log) {
  std::unique_ptr<MetricsServer> server(new MetricsServer(io, std::move(render), log));
  LASHUP_ASSIGN_OR_RETURN(asio::ip::address address,
                          ListenTcp(server->acceptor_, listen, "metrics"));
  if (!address.is_loopback() && log) {
    log(LogLevel::kWarning, "metrics endpoint on a non-loopback address; it has no authentication");
  }
  server->Accept();
  return server;
}

std::string MetricsServer::address() const {
  asio::error_code error;
  const Tcp::endpoint endpoint = acceptor_.local_endpoint(error);
  return error ? "" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void MetricsServer::Stop() {
  stopped_ = true;
  asio::error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
}

void MetricsServer::Accept() {
  acceptor_.async_accept([this](const asio::error_code& error, Tcp::socket socket) {
    if (stopped_) return;
    if (!error) {
      if (*open_ < kMaxConnections) {
        Serve(std::make_shared<Tcp::socket>(std::move(socket)));
      } else {
        asio::error_code ignored;
        socket.close(ignored);  // scrapers come one at a time; a flood must not eat descriptors
      }
      Accept();
      return;
    }
    // Out of descriptors, say: pause instead of spinning on a failing accept.
    if (log_) log_(LogLevel::kWarning, "metrics: accept failed: " + error.message());
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([this](const asio::error_code& wait) {
      if (!wait && !stopped_) Accept();
    });
  });
}

void MetricsServer::Serve(std::shared_ptr<Tcp::socket> socket) {
  auto c = std::make_shared<Connection>(io_, std::move(*socket), open_);
  c->deadline.expires_after(std::chrono::seconds(5));
  c->deadline.async_wait([c](const asio::error_code& error) {
    asio::error_code ignored;
    if (!error) c->socket.close(ignored);
  });
  asio::async_read_until(c->socket, c->head, "\r\n\r\n",
                         [this, c](const asio::error_code& error, size_t n) {
                           std::string head;
                           if (!error) {
                             head.assign(asio::buffers_begin(c->head.data()),
                                         asio::buffers_begin(c->head.data()) + n);
                           }
                           c->response = Respond(head);
                           asio::async_write(c->socket, asio::buffer(c->response),
                                             [c](const asio::error_code&, size_t) {
                                               asio::error_code ignored;
                                               c->socket.shutdown(Tcp::socket::shutdown_both,
                                                                  ignored);
                                               c->socket.close(ignored);
                                               c->deadline.cancel();
                                             });
                         });
}

std::string MetricsServer::Respond(const std::string& head) {
  std::istringstream line(head.substr(0, head.find("\r\n")));
  std::string method, target, version;
  line >> method >> target >> version;
  if (method.empty() || target.empty() || version.rfind("HTTP/1.", 0) != 0) {
    return HttpResponse(400, "Bad Request", "text/plain", "bad request\n", false);
  }
  const bool head_only = method == "HEAD";
  if (method != "GET" && !head_only) {
    return HttpResponse(405, "Method Not Allowed", "text/plain", "GET only\n", false);
  }
  if (target != "/metrics" && target.rfind("/metrics?", 0) != 0) {
    return HttpResponse(404, "Not Found", "text/plain", "try /metrics\n", head_only);
  }
  Result<std::string> text = render_();
  if (!text.ok()) {
    return HttpResponse(503, "Service Unavailable", "text/plain",
                        text.status().ToString() + "\n", head_only);
  }
  return HttpResponse(200, "OK", metrics::PrometheusText::kContentType, *text, head_only);
}

}  // namespace lashup::daemon

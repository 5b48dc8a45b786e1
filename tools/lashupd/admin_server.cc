#include "admin_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include "admin_session.h"
#include "tcp_listen.h"

namespace lashup::daemon {
namespace {

using Local = asio::local::stream_protocol;

// A socket file nobody answers on is left over from a crash: safe to replace.
Status ClaimPath(asio::io_context& io, const std::string& path) {
  struct stat info;
  if (lstat(path.c_str(), &info) != 0) return Status::Ok();
  if (!S_ISSOCK(info.st_mode)) {
    return Status(StatusCode::kFailedPrecondition,
                  "admin socket path '" + path + "' exists and is not a socket");
  }
  Local::socket probe(io);
  asio::error_code error;
  probe.connect(Local::endpoint(path), error);
  if (!error) {
    return Status(StatusCode::kAlreadyExists,
                  "admin socket '" + path + "' is served by another process (another lashupd?)");
  }
  // Only a refused connection proves nobody listens; a busy or foreign daemon must keep its
  // socket.
  if (error != asio::error::connection_refused) {
    return Status(StatusCode::kFailedPrecondition,
                  "admin socket '" + path + "' exists and cannot be checked: " + error.message());
  }
  ::unlink(path.c_str());
  return Status::Ok();
}

}  // namespace

AdminServer::AdminServer(asio::io_context& io, std::string path, AdminCommands& commands,
                         metrics::Histogram& request_seconds, LogSink log)
    : io_(io),
      path_(std::move(path)),
      commands_(commands),
      request_seconds_(request_seconds),
      log_(std::move(log)),
      acceptor_(io),
      retry_(io),
      tcp_retry_(io) {}

Result<std::unique_ptr<AdminServer>> AdminServer::Start(asio::io_context& io, std::string path,
                                                        const AdminTcp& tcp,
                                                        AdminCommands& commands,
                                                        metrics::Histogram& request_seconds,
                                                        LogSink log) {
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return Status(StatusCode::kInvalidArgument,
                  "admin socket path '" + path + "' is too long for a Unix socket (max 107)");
  }
  LASHUP_RETURN_IF_ERROR(ClaimPath(io, path));
  std::unique_ptr<AdminServer> server(
      new AdminServer(io, path, commands, request_seconds, std::move(log)));
  asio::error_code error;
  server->acceptor_.open(Local(), error);
  if (!error) server->acceptor_.bind(Local::endpoint(path), error);
  if (!error && ::chmod(path.c_str(), 0600) != 0) error = asio::error_code(errno, asio::system_category());
  if (!error) server->acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Status(StatusCode::kUnavailable,
                  "cannot serve admin socket '" + path + "': " + error.message());
  }
  server->Accept();
  if (!tcp.listen.empty()) LASHUP_RETURN_IF_ERROR(server->ListenTcp(tcp));
  return server;
}

AdminServer::~AdminServer() { Stop(); }

void AdminServer::Accept() {
  acceptor_.async_accept([this](const asio::error_code& error, Local::socket socket) {
    if (stopped_) return;
    if (!error) {
      counters_.connections.fetch_add(1, std::memory_order_relaxed);
      auto session =
          std::make_shared<AdminSession<Local::socket>>(*this, std::move(socket));
      Track(session);
      session->Begin();
      Accept();
      return;
    }
    // Out of descriptors, say: pause instead of spinning on a failing accept.
    if (log_) log_(LogLevel::kWarning, "admin: accept failed: " + error.message());
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([this](const asio::error_code& wait) {
      if (!wait && !stopped_) Accept();
    });
  });
}

void AdminServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  asio::error_code ignored;
  acceptor_.close(ignored);
  if (tcp_acceptor_) tcp_acceptor_->close(ignored);
  retry_.cancel();
  tcp_retry_.cancel();
  auto sessions = sessions_;
  for (auto& [raw, weak] : sessions) {
    if (auto session = weak.lock()) session->Close();
  }
  sessions_.clear();
  ::unlink(path_.c_str());
}

}  // namespace lashup::daemon

namespace lashup::daemon {

void AdminServer::Track(std::shared_ptr<AdminSessionBase> session) {
  AdminSessionBase* raw = session.get();
  sessions_[raw] = std::move(session);
}

Status AdminServer::ListenTcp(const AdminTcp& tcp) {
  asio::error_code error;
  tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_3_VERSION);
  tls_->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  tls_->load_verify_file(tcp.ca_file, error);
  if (!error) tls_->use_certificate_chain_file(tcp.cert_file, error);
  if (!error) tls_->use_private_key_file(tcp.key_file, asio::ssl::context::pem, error);
  if (error) return Status(StatusCode::kInvalidArgument, "admin TLS files: " + error.message());
  tcp_acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(io_);
  LASHUP_RETURN_IF_ERROR(daemon::ListenTcp(*tcp_acceptor_, tcp.listen, "admin").status());
  AcceptTcp();
  return Status::Ok();
}

std::string AdminServer::tcp_address() const {
  if (!tcp_acceptor_) return "";
  asio::error_code error;
  const auto endpoint = tcp_acceptor_->local_endpoint(error);
  return error ? "" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void AdminServer::AcceptTcp() {
  tcp_acceptor_->async_accept([this](const asio::error_code& error, asio::ip::tcp::socket socket) {
    if (stopped_) return;
    if (!error && sessions_.size() >= kMaxSessions) {
      // Unauthenticated clients must not use up the descriptors RocksDB and the node need.
      asio::error_code ignored;
      socket.close(ignored);
      AcceptTcp();
      return;
    }
    if (!error) {
      counters_.connections.fetch_add(1, std::memory_order_relaxed);
      auto session = std::make_shared<AdminSession<TlsStream>>(
          *this, TlsStream(std::move(socket), *tls_));
      Track(session);
      session->Begin();
      AcceptTcp();
      return;
    }
    if (log_) log_(LogLevel::kWarning, "admin: TCP accept failed: " + error.message());
    tcp_retry_.expires_after(std::chrono::milliseconds(100));
    tcp_retry_.async_wait([this](const asio::error_code& wait) {
      if (!wait && !stopped_) AcceptTcp();
    });
  });
}

}  // namespace lashup::daemon

// AdminServer: lashupctl's endpoint, a Unix stream socket speaking the admin protocol
// (docs/lashupctl.md): one command line per request, JSON lines back, streams for watches;
// optionally also TCP with mutual TLS.
//
// Contract: `Start` binds `path` (refusing it while another process serves it, replacing a
// stale socket file) with mode 0600, so only the daemon's user can connect; the directory's
// permissions are the second fence. With `tcp.listen` set it also listens there for TLS 1.3
// clients that present a certificate from the cluster CA (the node's own TLS files): whoever
// holds a cluster certificate may administer the node, as they may join the cluster. Everything runs on `io`'s thread: commands run there one
// at a time (each is a short call into the node), stream events are posted there from the
// node's thread. A request line over 64 KiB is answered with an error, then the connection
// closes; a client that closes its sending side gets its answers first. A watcher with more
// than 16 MiB of live changes unsent is disconnected (its snapshot does not count). A TLS
// client has 5 s for its handshake; beyond kMaxSessions connections, TCP clients are refused. `Stop` (on the io thread) closes the listener and every connection,
// ends their streams and removes the socket file.
#ifndef LASHUP_TOOLS_LASHUPD_ADMIN_SERVER_H_
#define LASHUP_TOOLS_LASHUPD_ADMIN_SERVER_H_

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "admin_commands.h"
#include "lashup/log.h"
#include "metrics/histogram.h"

namespace lashup::daemon {

class AdminSessionBase;
template <typename Stream>
class AdminSession;

// The optional TCP endpoint: where, and the node's PEM files.
struct AdminTcp {
  std::string listen;  // "host:port"; empty: none
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

class AdminServer {
 public:
  // Open admin connections, TCP ones are refused beyond it (Unix clients are the daemon's user).
  static constexpr size_t kMaxSessions = 256;

  struct Counters {
    std::atomic<uint64_t> connections{0};
    std::atomic<uint64_t> streams{0};
  };

  static Result<std::unique_ptr<AdminServer>> Start(asio::io_context& io, std::string path,
                                                    const AdminTcp& tcp, AdminCommands& commands,
                                                    metrics::Histogram& request_seconds,
                                                    LogSink log);
  ~AdminServer();
  void Stop();

  const Counters& counters() const { return counters_; }
  // The TCP endpoint's bound address ("" without one).
  std::string tcp_address() const;

 private:
  template <typename Stream>
  friend class AdminSession;
  AdminServer(asio::io_context& io, std::string path, AdminCommands& commands,
              metrics::Histogram& request_seconds, LogSink log);
  Status ListenTcp(const AdminTcp& tcp);
  void Accept();
  void AcceptTcp();
  void Track(std::shared_ptr<AdminSessionBase> session);
  void Forget(AdminSessionBase* session) { sessions_.erase(session); }

  asio::io_context& io_;
  const std::string path_;
  AdminCommands& commands_;
  metrics::Histogram& request_seconds_;
  const LogSink log_;
  asio::local::stream_protocol::acceptor acceptor_;
  asio::steady_timer retry_;
  asio::steady_timer tcp_retry_;
  std::unique_ptr<asio::ip::tcp::acceptor> tcp_acceptor_;
  std::unique_ptr<asio::ssl::context> tls_;
  std::map<AdminSessionBase*, std::weak_ptr<AdminSessionBase>> sessions_;
  Counters counters_;
  bool stopped_ = false;
};

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_ADMIN_SERVER_H_

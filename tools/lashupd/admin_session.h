// AdminSession: one lashupctl connection to the admin server (admin_server.h has the contract),
// over a Unix socket or over TCP with mutual TLS: the same protocol on either stream.
#ifndef LASHUP_TOOLS_LASHUPD_ADMIN_SESSION_H_
#define LASHUP_TOOLS_LASHUPD_ADMIN_SESSION_H_

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "admin_server.h"

namespace lashup::daemon {

class AdminSessionBase {
 public:
  virtual ~AdminSessionBase() = default;
  virtual void Close() = 0;
};

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;

template <typename Stream>
class AdminSession final : public AdminSessionBase,
                           public std::enable_shared_from_this<AdminSession<Stream>> {
 public:
  static constexpr size_t kMaxLine = 64 << 10;
  static constexpr size_t kMaxPending = 16 << 20;

  AdminSession(AdminServer& server, Stream stream)
      : server_(server),
        stream_(std::move(stream)),
        input_(kMaxLine),
        handshake_deadline_(stream_.get_executor()) {}

  // Starts reading requests (after the TLS handshake on a TLS stream).
  void Begin();
  void Close() override;

 private:
  void Handshake();  // TLS streams only
  void ReadLine();
  void OnReadEnd(const asio::error_code& error);
  void OnLine(std::string line);
  // `limited`: a live stream event, which a watcher that stopped reading must not pile up.
  void Send(std::string line, bool limited);
  void WriteNext();
  // Runs on the node's thread: hands the event to the io thread.
  AdminCommands::Emit EventSink();

  AdminServer& server_;
  Stream stream_;
  asio::streambuf input_;
  std::deque<std::string> output_;
  size_t pending_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  bool close_after_flush_ = false;  // the client stopped sending: close once answered
  bool handshake_done_ = false;
  std::optional<uint64_t> watch_;
  // TLS only: a client that does not finish its handshake in time is dropped.
  asio::steady_timer handshake_deadline_;
};

extern template class AdminSession<asio::local::stream_protocol::socket>;
extern template class AdminSession<TlsStream>;

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_ADMIN_SESSION_H_

// Connection: one TCP connection (optionally TLS) between this node and a peer, from connect or
// accept through the handshake to close. It owns the socket, the frame decoder and a bounded send
// queue; its owner (the driver's link manager) decides what the connection is for.
//
// Lifecycle: a dialer connects, runs the TLS handshake, checks that the certificate names the
// node it dialed, sends its Hello and waits for the acceptor's reply. An acceptor checks that a
// TLS client speaks TLS at all, runs the handshake, reads the Hello, checks that the certificate
// names the node the Hello claims, asks the owner for a verdict and sends the reply. Then both
// ends exchange envelopes; keepalives flow when there is nothing else to send, and a connection
// that hears nothing for idle_timeout is dead. The whole handshake has one deadline.
//
// Callbacks: the owner hears OnHello (acceptor), OnReply (dialer), OnEnvelope, and OnClosed for
// every end the connection reaches by itself (error, EOF, timeout, idle short-lived). Ends the
// owner caused produce no callback: a Close call, a verdict other than kAccept from OnHello (the
// reply drains, then the connection goes), and any reply but kAccept handed to OnReply. All of it
// runs on the loop thread; a Connection is held by shared_ptr so in-flight Asio handlers keep it
// alive.
#ifndef LASHUP_NET_CONNECTION_H_
#define LASHUP_NET_CONNECTION_H_

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lashup/status.h"
#include "net/link_faults.h"
#include "net/node_address.h"
#include "net/transport_config.h"
#include "net/transport_stats.h"
#include "wire/codec.h"
#include "wire/handshake.h"

namespace lashup::net {

class Connection;

class ConnectionOwner {
 public:
  struct Decision {
    wire::Verdict verdict = wire::Verdict::kAccept;
    std::string reason;
  };
  virtual ~ConnectionOwner() = default;
  // Acceptor: the peer proved the identity its Hello claims. kAccept opens the connection.
  virtual Decision OnHello(Connection& connection, const wire::Hello& hello) = 0;
  // Dialer: the acceptor answered (its identity checked). Any verdict but kAccept ends the
  // connection without an OnClosed.
  virtual void OnReply(Connection& connection, const wire::HelloReply& reply) = 0;
  virtual void OnEnvelope(Connection& connection, wire::Envelope&& envelope) = 0;
  // The connection ended by itself. `why` is OK for an orderly end (idle short-lived connection).
  virtual void OnClosed(Connection& connection, const Status& why) = 0;
  virtual void Log(LogLevel level, const std::string& message) = 0;
};

enum class Role : uint8_t { kDialer, kAcceptor };

struct ConnectionParams {
  Role role = Role::kDialer;
  NodeId self;
  uint64_t incarnation = 0;
  // Dialer only: whom we dial and what we say.
  NodeId expected_peer;
  wire::Hello hello;
  // Close after this long without an envelope either way (short-lived connections).
  std::optional<Duration> idle_close;
  // Fault injection (AsioDriverConfig::faults); null normally.
  const LinkFaults* faults = nullptr;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  enum class Stage : uint8_t { kConnecting, kTls, kHello, kOpen, kClosing, kClosed };
  using Clock = std::chrono::steady_clock;

  // `tls` is null in plaintext mode. The socket is open (acceptor) or not yet (dialer).
  Connection(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls,
             ConnectionParams params, const TransportLimits& limits, TransportStats& stats,
             ConnectionOwner& owner);

  void StartDial(const Endpoint& endpoint);
  void StartAccept();

  // Queues one frame (an encoded envelope). kResourceExhausted if the queue is over its bounds
  // (the caller drops the connection); kFailedPrecondition once closing.
  Status Enqueue(std::vector<uint8_t> frame);

  // Owner-requested end. Graceful: queued frames drain first (bounded by close_linger).
  void Close(bool graceful);

  Stage stage() const { return stage_; }
  bool open() const { return stage_ == Stage::kOpen; }
  // Got through the handshake at some point (it may be closed now).
  bool was_open() const { return was_open_; }
  bool hello_sent() const { return hello_sent_; }
  Role role() const { return params_.role; }
  const ConnectionParams& params() const { return params_; }
  // Known after the handshake (for a dialer, the node it dialed).
  const NodeId& peer() const { return peer_; }
  uint64_t peer_incarnation() const { return peer_incarnation_; }
  // The link id of a long-lived connection: the dialer's Hello link_id.
  uint64_t link_id() const { return link_id_; }
  bool long_lived() const { return long_lived_; }
  size_t queued_bytes() const { return queue_bytes_; }
  size_t queued_frames() const { return queue_.size(); }
  // Frames that were queued but never written when the connection ended.
  size_t lost_frames() const { return lost_frames_; }
  const std::string& remote() const { return remote_; }
  // The handshake ended because the other end closed (a dial it gave up), not a refusal.
  bool closed_by_peer() const { return closed_by_peer_; }

 private:
  // Connecting and the TLS handshake.
  void ConnectTo(const asio::ip::tcp::endpoint& endpoint);
  void Resolve(const Endpoint& endpoint);
  void OnConnected(const std::error_code& error);
  void DetectTls();
  void StartTls(asio::ssl::stream_base::handshake_type type);
  void OnTlsDone(const std::error_code& error);
  bool CheckDialedIdentity();
  void SendHello();

  // The handshake frames.
  void HandleHandshake(std::span<const uint8_t> payload);
  void HandleHello(const wire::Hello& hello);
  void HandleReply(const wire::HelloReply& reply);
  void Reply(wire::Verdict verdict, const std::string& reason);
  void BecomeOpen();

  // Reading.
  void ReadMore();
  void OnRead(const std::error_code& error, size_t bytes);
  void OnReadError(const std::error_code& error);
  bool ReadAvailable();
  bool Consume(size_t bytes);
  bool Delivering() const;
  bool Starved() const;
  void Drain();
  bool DrainOne();

  // Writing.
  void StartWrite();
  void OnWritten(const std::error_code& error, size_t bytes);
  template <typename Buffers, typename Handler>
  void AsyncWrite(const Buffers& buffers, Handler&& handler);

  // Timers and ends.
  void ArmTimer(Clock::time_point at);
  void OnTimer();
  void Tick(Clock::time_point now);
  void FailHandshake(const Status& why, std::atomic<uint64_t>* counter);
  void Fail(const Status& why);
  void ShutdownAfterDrain();
  void Terminate();

  asio::ip::tcp::socket socket_;
  std::shared_ptr<asio::ssl::context> tls_context_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
  std::optional<asio::ip::tcp::resolver> resolver_;
  asio::steady_timer timer_;
  ConnectionParams params_;
  const TransportLimits& limits_;
  TransportStats& stats_;
  ConnectionOwner& owner_;

  Stage stage_ = Stage::kConnecting;
  bool hello_sent_ = false;
  NodeId peer_;
  uint64_t peer_incarnation_ = 0;
  uint64_t link_id_ = 0;
  bool long_lived_ = false;
  std::string remote_;
  std::vector<std::string> cert_names_;

  wire::FrameDecoder decoder_;
  std::vector<uint8_t> read_buffer_;
  bool reading_ = false;
  bool batching_writes_ = false;

  std::vector<uint8_t> handshake_out_;
  bool handshake_in_flight_ = false;
  std::deque<std::vector<uint8_t>> queue_;
  size_t queue_bytes_ = 0;
  bool writing_ = false;
  size_t frames_in_flight_ = 0;
  std::vector<asio::const_buffer> write_buffers_;

  Clock::time_point handshake_deadline_;
  Clock::time_point linger_deadline_;
  Clock::time_point last_read_;
  Clock::time_point last_write_;
  Clock::time_point last_envelope_;
  bool send_shut_ = false;
  bool closed_by_peer_ = false;
  size_t lost_frames_ = 0;
  bool was_open_ = false;
};

}  // namespace lashup::net

#endif  // LASHUP_NET_CONNECTION_H_

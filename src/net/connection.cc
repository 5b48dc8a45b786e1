#include "net/connection.h"

#include <algorithm>

#include "net/cert_names.h"
#include "net/tls_context.h"

namespace lashup::net {
namespace {

constexpr size_t kReadChunk = 64 << 10;
// One gathered write carries at most this much, so a huge queue is written in bounded pieces.
constexpr size_t kMaxWriteBatchBytes = 1 << 20;
constexpr size_t kMaxWriteBatchFrames = 64;
constexpr uint8_t kTlsHandshakeRecord = 0x16;

std::string Join(const std::vector<std::string>& names) {
  if (names.empty()) return "(no names)";
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The other end went away (it gave up a dial that lost a race, or it stopped), as opposed to a
// refusal: not worth a warning.
bool ClosedByPeer(const std::error_code& error) {
  return error == asio::error::eof || error == asio::ssl::error::stream_truncated ||
         error == asio::error::connection_reset;
}

std::string Hex(uint8_t byte) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xf];
}

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls,
                       ConnectionParams params, const TransportLimits& limits,
                       TransportStats& stats, ConnectionOwner& owner)
    : socket_(std::move(socket)),
      tls_context_(std::move(tls)),
      timer_(socket_.get_executor()),
      params_(std::move(params)),
      limits_(limits),
      stats_(stats),
      owner_(owner),
      decoder_(limits.codec),
      // A read never hands the decoder more than one largest frame, so its buffer bound (two
      // frames) holds whatever the frame limit.
      read_buffer_(std::min(kReadChunk, limits.codec.max_frame_bytes + wire::kFrameHeaderBytes)) {
  if (tls_context_) {
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *tls_context_);
  }
  const auto now = Clock::now();
  handshake_deadline_ = now + limits_.handshake_timeout;
  last_read_ = last_write_ = last_envelope_ = now;
  if (params_.role == Role::kDialer) {
    peer_ = params_.expected_peer;
    link_id_ = params_.hello.link_id;
    long_lived_ = params_.hello.long_lived;
  }
}

// ---- Connecting and TLS ------------------------------------------------------------------------

void Connection::StartDial(const Endpoint& endpoint) {
  stage_ = Stage::kConnecting;
  remote_ = ToString(endpoint);
  ArmTimer(handshake_deadline_);
  std::error_code error;
  const asio::ip::address address = asio::ip::make_address(endpoint.host, error);
  if (error) {
    Resolve(endpoint);
    return;
  }
  ConnectTo(asio::ip::tcp::endpoint(address, endpoint.port));
}

void Connection::Resolve(const Endpoint& endpoint) {
  resolver_.emplace(socket_.get_executor());
  resolver_->async_resolve(
      endpoint.host, std::to_string(endpoint.port),
      [self = shared_from_this()](const std::error_code& error,
                                  asio::ip::tcp::resolver::results_type results) {
        if (self->stage_ != Stage::kConnecting) return;
        if (error) {
          self->Fail(UnavailableError("cannot resolve " + self->remote_ + ": " + error.message()));
          return;
        }
        asio::async_connect(self->socket_, results,
                            [self](const std::error_code& e, const asio::ip::tcp::endpoint&) {
                              self->OnConnected(e);
                            });
      });
}

void Connection::ConnectTo(const asio::ip::tcp::endpoint& endpoint) {
  socket_.async_connect(endpoint, [self = shared_from_this()](const std::error_code& error) {
    self->OnConnected(error);
  });
}

void Connection::OnConnected(const std::error_code& error) {
  if (stage_ != Stage::kConnecting) return;
  if (error) {
    Fail(UnavailableError("connect to " + remote_ + " failed: " + error.message()));
    return;
  }
  std::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);  // for ReadAvailable; async operations are unaffected
  if (tls_) {
    StartTls(asio::ssl::stream_base::client);
  } else {
    SendHello();
  }
}

void Connection::StartAccept() {
  std::error_code error;
  auto remote = socket_.remote_endpoint(error);
  remote_ =
      error ? "(unknown)" : remote.address().to_string() + ":" + std::to_string(remote.port());
  socket_.set_option(asio::ip::tcp::no_delay(true), error);
  socket_.non_blocking(true, error);  // for ReadAvailable; async operations are unaffected
  ArmTimer(handshake_deadline_);
  if (tls_) {
    DetectTls();
  } else {
    stage_ = Stage::kHello;
    ReadMore();
  }
}

// A client that does not open with a TLS handshake record is refused with that reason, rather
// than with whatever OpenSSL makes of the bytes.
void Connection::DetectTls() {
  stage_ = Stage::kTls;
  socket_.async_wait(
      asio::ip::tcp::socket::wait_read, [self = shared_from_this()](const std::error_code& error) {
        if (self->stage_ != Stage::kTls) return;
        uint8_t first = 0;
        std::error_code e = error;
        size_t n = 0;
        if (!e) {
          n = self->socket_.receive(asio::buffer(&first, 1), asio::socket_base::message_peek, e);
        }
        if (e || n == 0) {
          self->closed_by_peer_ = true;
          self->FailHandshake(UnavailableError("closed before the TLS handshake"),
                              &self->stats_.handshakes_abandoned);
        } else if (first != kTlsHandshakeRecord) {
          TransportStats::Bump(self->stats_.plaintext_refused);
          self->FailHandshake(PermissionDeniedError("not a TLS client (first byte " + Hex(first) +
                                                    "): plaintext connections are refused"),
                              &self->stats_.tls_failures);
        } else {
          self->StartTls(asio::ssl::stream_base::server);
        }
      });
}

void Connection::StartTls(asio::ssl::stream_base::handshake_type type) {
  stage_ = Stage::kTls;
  tls_->async_handshake(
      type, [self = shared_from_this()](const std::error_code& error) { self->OnTlsDone(error); });
}

void Connection::OnTlsDone(const std::error_code& error) {
  if (stage_ != Stage::kTls) return;
  if (ClosedByPeer(error)) {
    closed_by_peer_ = true;
    FailHandshake(UnavailableError("closed by the other end during the TLS handshake"),
                  &stats_.handshakes_abandoned);
    return;
  }
  if (error) {
    FailHandshake(PermissionDeniedError(DescribeTlsFailure(tls_->native_handle(), error)),
                  &stats_.tls_failures);
    return;
  }
  cert_names_ = PeerCertificateNames(tls_->native_handle());
  if (params_.role == Role::kAcceptor) {
    stage_ = Stage::kHello;
    ReadMore();
    return;
  }
  if (CheckDialedIdentity()) SendHello();
}

bool Connection::CheckDialedIdentity() {
  if (CertificateNamesNode(cert_names_, params_.expected_peer)) return true;
  FailHandshake(PermissionDeniedError("dialed " + params_.expected_peer.str() + " at " + remote_ +
                                      " but its certificate names " + Join(cert_names_)),
                &stats_.identity_mismatches);
  return false;
}

void Connection::SendHello() {
  stage_ = Stage::kHello;
  hello_sent_ = true;
  wire::Hello hello = params_.hello;
  hello.node = params_.self;
  hello.incarnation = params_.incarnation;
  handshake_out_ = wire::EncodeHandshakeFrame(hello);
  StartWrite();
  ReadMore();
}

// ---- Handshake frames --------------------------------------------------------------------------

void Connection::HandleHandshake(std::span<const uint8_t> payload) {
  Result<wire::Handshake> handshake = wire::DecodeHandshake(payload, limits_.codec);
  if (!handshake.ok()) {
    FailHandshake(handshake.status().WithContext("bad handshake from " + remote_), nullptr);
    return;
  }
  const bool is_hello = std::holds_alternative<wire::Hello>(*handshake);
  if (is_hello != (params_.role == Role::kAcceptor)) {
    FailHandshake(InvalidArgumentError("unexpected handshake frame from " + remote_), nullptr);
    return;
  }
  if (is_hello) {
    HandleHello(std::get<wire::Hello>(*handshake));
  } else {
    HandleReply(std::get<wire::HelloReply>(*handshake));
  }
}

void Connection::HandleHello(const wire::Hello& hello) {
  if (tls_ && !CertificateNamesNode(cert_names_, hello.node)) {
    const std::string why =
        "claims to be " + hello.node.str() + " but its certificate names " + Join(cert_names_);
    Reply(wire::Verdict::kRefused, "certificate does not name " + hello.node.str());
    FailHandshake(PermissionDeniedError(remote_ + " " + why), &stats_.identity_mismatches);
    return;
  }
  if (hello.node == params_.self) {
    Reply(wire::Verdict::kRefused, "connected to itself");
    FailHandshake(FailedPreconditionError(remote_ + " claims this node's own id"), nullptr);
    return;
  }
  peer_ = hello.node;
  peer_incarnation_ = hello.incarnation;
  link_id_ = hello.link_id;
  long_lived_ = hello.long_lived;
  ConnectionOwner::Decision decision = owner_.OnHello(*this, hello);
  if (stage_ != Stage::kHello) return;  // the owner closed us
  Reply(decision.verdict, decision.reason);
  if (decision.verdict == wire::Verdict::kAccept) {
    BecomeOpen();
  } else {
    // The reply drains, then the connection ends; the owner already knows.
    stage_ = Stage::kClosing;
    linger_deadline_ = Clock::now() + limits_.close_linger;
    ArmTimer(linger_deadline_);
  }
}

void Connection::HandleReply(const wire::HelloReply& reply) {
  if (reply.node != params_.expected_peer) {
    FailHandshake(PermissionDeniedError("dialed " + params_.expected_peer.str() + " at " + remote_ +
                                        " but it answered as " + reply.node.str()),
                  &stats_.identity_mismatches);
    return;
  }
  peer_incarnation_ = reply.incarnation;
  if (reply.verdict == wire::Verdict::kAccept) BecomeOpen();
  owner_.OnReply(*this, reply);
  if (reply.verdict != wire::Verdict::kAccept && stage_ != Stage::kClosed) Terminate();
}

void Connection::Reply(wire::Verdict verdict, const std::string& reason) {
  handshake_out_ = wire::EncodeHandshakeFrame(
      wire::HelloReply{params_.self, params_.incarnation, verdict, reason});
  StartWrite();
}

void Connection::BecomeOpen() {
  stage_ = Stage::kOpen;
  was_open_ = true;
  const auto now = Clock::now();
  last_read_ = last_write_ = last_envelope_ = now;
  Tick(now);
  StartWrite();
}

// ---- Reading -----------------------------------------------------------------------------------

void Connection::ReadMore() {
  if (reading_ || stage_ == Stage::kClosed) return;
  reading_ = true;
  auto handler = [self = shared_from_this()](const std::error_code& error, size_t bytes) {
    self->reading_ = false;
    self->OnRead(error, bytes);
  };
  if (tls_) {
    tls_->async_read_some(asio::buffer(read_buffer_), std::move(handler));
  } else {
    socket_.async_read_some(asio::buffer(read_buffer_), std::move(handler));
  }
}

void Connection::OnRead(const std::error_code& error, size_t bytes) {
  if (stage_ == Stage::kClosed) return;
  if (error) {
    OnReadError(error);
    return;
  }
  // Replies produced while this batch is handled leave together, in one write.
  batching_writes_ = true;
  bool alive = Consume(bytes) && ReadAvailable();
  batching_writes_ = false;
  StartWrite();
  if (alive) ReadMore();
}

void Connection::OnReadError(const std::error_code& error) {
  if (stage_ == Stage::kClosing) {
    Terminate();  // the peer finished too
  } else if (stage_ == Stage::kOpen) {
    Fail(UnavailableError(error == asio::error::eof ? "peer closed the connection"
                                                    : "read failed: " + error.message()));
  } else if (ClosedByPeer(error)) {
    closed_by_peer_ = true;
    FailHandshake(UnavailableError("closed by the other end during the handshake"),
                  &stats_.handshakes_abandoned);
  } else {
    std::string why = tls_ ? DescribeTlsFailure(tls_->native_handle(), error) : error.message();
    FailHandshake(UnavailableError("during the handshake: " + why), nullptr);
  }
}

// Takes whatever the socket (or the TLS engine) already holds, without waiting, a bounded number
// of times. A TLS read yields one record; without this, a peer that sends one frame per record
// gets one reply per record back, and the two settle into lock-step at a fraction of the rate.
// The socket is non-blocking, so these reads never wait. False if the connection ended.
bool Connection::ReadAvailable() {
  constexpr int kMaxReadsPerWakeup = 32;  // bounds the time one busy peer holds the loop
  for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
    if (stage_ != Stage::kHello && stage_ != Stage::kOpen) return stage_ != Stage::kClosed;
    // A synchronous TLS read may have to write (an alert, a key update) through the stream's
    // one output buffer, which an asynchronous write in flight is still using.
    if (tls_ && writing_) return true;
    std::error_code error;
    const size_t n = tls_ ? tls_->read_some(asio::buffer(read_buffer_), error)
                          : socket_.read_some(asio::buffer(read_buffer_), error);
    if (error == asio::error::would_block || error == asio::error::try_again) return true;
    if (error) {
      OnReadError(error);
      return false;
    }
    if (!Consume(n)) return false;
  }
  return true;
}

// Feeds `bytes` from read_buffer_ through the decoder and the handshake or the owner. False if
// the connection ended.
bool Connection::Consume(size_t bytes) {
  stats_.Bump(stats_.bytes_received, bytes);
  if (!Starved()) last_read_ = Clock::now();
  if (!Delivering()) return true;  // a refused connection draining its reply: discard
  Status fed = decoder_.Feed(std::span<const uint8_t>(read_buffer_.data(), bytes));
  // Before the handshake the peer is a stranger: it may not make us buffer a large frame.
  if (fed.ok() && stage_ == Stage::kHello &&
      decoder_.next_frame_bytes().value_or(0) > wire::kMaxHandshakeFrameBytes) {
    fed = ResourceExhaustedError(
        "handshake frame of " + std::to_string(*decoder_.next_frame_bytes()) +
        " bytes exceeds the limit of " + std::to_string(wire::kMaxHandshakeFrameBytes));
  }
  if (fed.ok()) Drain();
  if (!fed.ok() || decoder_.failed()) {
    const Status& why = fed.ok() ? decoder_.error() : fed;
    if (stage_ == Stage::kOpen) {
      TransportStats::Bump(stats_.protocol_errors);
      Fail(why.WithContext("bad frame from " + peer_.str() + " at " + remote_));
    } else if (stage_ == Stage::kHello) {
      FailHandshake(why.WithContext("bad handshake from " + remote_), nullptr);
    } else {
      Terminate();  // closing anyway; the owner has let go
    }
    return false;
  }
  return stage_ != Stage::kClosed;
}

// While a connection that was open drains toward its close, the peer may still send: it had not
// seen our FIN yet. Those envelopes are delivered, not dropped.
bool Connection::Delivering() const {
  return stage_ == Stage::kHello || stage_ == Stage::kOpen ||
         (stage_ == Stage::kClosing && was_open_);
}

// Fault injection: bytes from a peer whose envelopes are blocked here are not heard either, so
// the idle timeout ends a blocked connection as it would a cut one. Keepalives are bare frames,
// not envelopes: without this they would keep such a connection alive forever.
bool Connection::Starved() const {
  return params_.faults != nullptr && stage_ == Stage::kOpen &&
         params_.faults->Blocked(peer_, params_.self);
}

void Connection::Drain() {
  while (Delivering() && !decoder_.failed()) {
    if (!DrainOne()) return;
  }
}

// One frame: false when no complete frame is buffered.
bool Connection::DrainOne() {
  if (stage_ == Stage::kHello) {
    Result<std::optional<std::span<const uint8_t>>> payload = decoder_.NextPayload();
    if (!payload.ok() || !payload->has_value()) return false;
    HandleHandshake(**payload);
    return true;
  }
  Result<std::optional<wire::Envelope>> next = decoder_.Next();
  if (!next.ok()) {
    if (next.status().code() != StatusCode::kUnimplemented) return false;
    TransportStats::Bump(stats_.unknown_kinds);
    return true;
  }
  if (!next->has_value()) return false;
  if ((*next)->sender != peer_) {
    decoder_.Fail(PermissionDeniedError("envelope claims sender " + (*next)->sender.str()));
    return false;
  }
  TransportStats::Bump(stats_.frames_received);
  last_envelope_ = Clock::now();
  owner_.OnEnvelope(*this, std::move(**next));
  return true;
}

// ---- Writing -----------------------------------------------------------------------------------

Status Connection::Enqueue(std::vector<uint8_t> frame) {
  if (stage_ == Stage::kClosing || stage_ == Stage::kClosed) {
    return FailedPreconditionError("connection to " + peer_.str() + " is closing");
  }
  if (queue_.size() + 1 > limits_.max_send_queue_frames ||
      queue_bytes_ + frame.size() > limits_.max_send_queue_bytes) {
    return ResourceExhaustedError("send queue to " + peer_.str() + " is full (" +
                                  std::to_string(queue_bytes_) + " bytes, " +
                                  std::to_string(queue_.size()) + " frames)");
  }
  queue_bytes_ += frame.size();
  queue_.push_back(std::move(frame));
  stats_.NoteQueueBytes(queue_bytes_);
  last_envelope_ = Clock::now();
  if (!batching_writes_) StartWrite();
  return Status::Ok();
}

template <typename Buffers, typename Handler>
void Connection::AsyncWrite(const Buffers& buffers, Handler&& handler) {
  if (tls_) {
    asio::async_write(*tls_, buffers, std::forward<Handler>(handler));
  } else {
    asio::async_write(socket_, buffers, std::forward<Handler>(handler));
  }
}

void Connection::StartWrite() {
  if (writing_ || stage_ == Stage::kClosed || send_shut_) return;
  auto handler = [self = shared_from_this()](const std::error_code& error, size_t bytes) {
    self->OnWritten(error, bytes);
  };
  if (!handshake_out_.empty()) {
    writing_ = handshake_in_flight_ = true;
    AsyncWrite(asio::buffer(handshake_out_), std::move(handler));
    return;
  }
  if (queue_.empty() || (stage_ != Stage::kOpen && stage_ != Stage::kClosing)) return;
  write_buffers_.clear();
  size_t bytes = 0;
  for (const auto& frame : queue_) {
    if (write_buffers_.size() == kMaxWriteBatchFrames ||
        (bytes > 0 && bytes + frame.size() > kMaxWriteBatchBytes)) {
      break;
    }
    write_buffers_.push_back(asio::buffer(frame));
    bytes += frame.size();
  }
  frames_in_flight_ = write_buffers_.size();
  writing_ = true;
  AsyncWrite(write_buffers_, std::move(handler));
}

void Connection::OnWritten(const std::error_code& error, size_t bytes) {
  writing_ = false;
  if (stage_ == Stage::kClosed) {
    queue_.clear();
    queue_bytes_ = 0;
    return;
  }
  if (error) {
    if (stage_ == Stage::kClosing) {
      Terminate();
    } else {
      Fail(UnavailableError("write to " + remote_ + " failed: " + error.message()));
    }
    return;
  }
  stats_.Bump(stats_.bytes_sent, bytes);
  last_write_ = Clock::now();
  if (handshake_in_flight_) {
    handshake_in_flight_ = false;
    handshake_out_.clear();
  } else {
    for (size_t i = 0; i < frames_in_flight_; ++i) {
      queue_bytes_ -= queue_.front().size();
      if (queue_.front().size() > wire::kFrameHeaderBytes) TransportStats::Bump(stats_.frames_sent);
      queue_.pop_front();
    }
    frames_in_flight_ = 0;
  }
  if (stage_ == Stage::kClosing && queue_.empty() && handshake_out_.empty()) {
    ShutdownAfterDrain();
    return;
  }
  StartWrite();
}

// ---- Timers and ends ---------------------------------------------------------------------------

void Connection::ArmTimer(Clock::time_point at) {
  timer_.expires_at(at);
  timer_.async_wait([self = shared_from_this()](const std::error_code& error) {
    if (!error) self->OnTimer();
  });
}

void Connection::OnTimer() {
  const auto now = Clock::now();
  switch (stage_) {
    case Stage::kConnecting:
    case Stage::kTls:
    case Stage::kHello:
      if (now >= handshake_deadline_) {
        FailHandshake(DeadlineExceededError(
                          "handshake with " + remote_ + " took longer than " +
                          std::to_string(limits_.handshake_timeout.count() / 1000000) + " ms"),
                      &stats_.handshake_timeouts);
      } else {
        ArmTimer(handshake_deadline_);
      }
      return;
    case Stage::kOpen:
      Tick(now);
      return;
    case Stage::kClosing:
      if (now >= linger_deadline_)
        Terminate();
      else
        ArmTimer(linger_deadline_);
      return;
    case Stage::kClosed:
      return;
  }
}

void Connection::Tick(Clock::time_point now) {
  if (now - last_read_ > limits_.idle_timeout) {
    TransportStats::Bump(stats_.idle_timeouts);
    Fail(DeadlineExceededError("nothing heard from " + peer_.str() + " for " +
                               std::to_string(limits_.idle_timeout.count() / 1000000) + " ms"));
    return;
  }
  if (params_.idle_close && now - last_envelope_ > *params_.idle_close) {
    Close(true);
    owner_.OnClosed(*this, Status::Ok());
    return;
  }
  if (!writing_ && queue_.empty() && now - last_write_ >= limits_.keepalive_interval) {
    TransportStats::Bump(stats_.keepalives_sent);
    queue_bytes_ += wire::kFrameHeaderBytes;
    queue_.push_back(wire::KeepaliveFrame());
    StartWrite();
  }
  Duration step = std::min(limits_.keepalive_interval, limits_.idle_timeout / 4);
  if (params_.idle_close) step = std::min(step, *params_.idle_close / 4);
  step = std::max<Duration>(step, std::chrono::milliseconds(5));
  ArmTimer(now + std::chrono::duration_cast<Clock::duration>(step));
}

void Connection::FailHandshake(const Status& why, std::atomic<uint64_t>* counter) {
  if (stage_ == Stage::kClosed) return;
  TransportStats::Bump(stats_.handshake_failures);
  if (counter != nullptr) TransportStats::Bump(*counter);
  Fail(why);
}

void Connection::Fail(const Status& why) {
  if (stage_ == Stage::kClosed) return;
  const bool had_reply_pending = !handshake_out_.empty();
  if (had_reply_pending && params_.role == Role::kAcceptor && stage_ == Stage::kHello) {
    // Let a refusal reach the peer before the socket goes; bounded by close_linger.
    stage_ = Stage::kClosing;
    linger_deadline_ = Clock::now() + limits_.close_linger;
    ArmTimer(linger_deadline_);
  } else {
    Terminate();
  }
  owner_.OnClosed(*this, why);
}

void Connection::Close(bool graceful) {
  if (stage_ == Stage::kClosed) return;
  if (stage_ == Stage::kClosing) {
    if (!graceful) Terminate();  // an abrupt close overrides a drain in progress
    return;
  }
  if (!graceful || stage_ != Stage::kOpen) {
    Terminate();
    return;
  }
  stage_ = Stage::kClosing;
  linger_deadline_ = Clock::now() + limits_.close_linger;
  ArmTimer(linger_deadline_);
  if (!writing_ && queue_.empty() && handshake_out_.empty()) {
    ShutdownAfterDrain();
  } else {
    StartWrite();
  }
}

// Everything we had to say is written: send FIN, then read (delivering) until the peer closes
// too, so an unread byte on our side never turns our close into a reset that could destroy data
// the peer has not read yet. close_linger bounds the wait.
void Connection::ShutdownAfterDrain() {
  if (send_shut_) return;
  send_shut_ = true;
  std::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  ReadMore();
}

void Connection::Terminate() {
  if (stage_ == Stage::kClosed) return;
  stage_ = Stage::kClosed;
  std::error_code ignored;
  timer_.cancel();
  if (resolver_) resolver_->cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  lost_frames_ = queue_.size();
  // A write in flight still owns its buffers until its handler runs (OnWritten clears then).
  if (!writing_) {
    queue_.clear();
    queue_bytes_ = 0;
  }
}

}  // namespace lashup::net

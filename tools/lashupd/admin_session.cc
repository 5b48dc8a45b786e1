#include "admin_session.h"

#include <chrono>

namespace lashup::daemon {
namespace {

std::string Dump(const nlohmann::json& json) {
  // Replace, never throw: every string was made valid UTF-8 already; this is the last fence.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

template <typename Protocol>
void CloseStream(asio::basic_stream_socket<Protocol>& socket) {
  asio::error_code ignored;
  socket.shutdown(asio::socket_base::shutdown_both, ignored);
  socket.close(ignored);
}

// No TLS close_notify: the connection ends either way, and waiting for the peer's answer would
// let a stuck client hold the session.
void CloseStream(TlsStream& stream) { CloseStream(stream.next_layer()); }

}  // namespace

template <typename Stream>
void AdminSession<Stream>::Begin() {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    Handshake();
  } else {
    ReadLine();
  }
}

template <typename Stream>
void AdminSession<Stream>::Handshake() {
  // Instantiated for every stream type; only a TLS stream has a handshake.
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    handshake_deadline_.expires_after(std::chrono::seconds(5));
    handshake_deadline_.async_wait([weak = this->weak_from_this()](const asio::error_code& error) {
      auto self = weak.lock();
      if (!error && self) self->Close();
    });
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](const asio::error_code& error) {
                              if (self->closed_) return;
                              self->handshake_deadline_.cancel();
                              if (!error) {
                                self->ReadLine();
                                return;
                              }
                              if (self->server_.log_) {
                                self->server_.log_(LogLevel::kWarning,
                                                   "admin: TLS handshake failed: " + error.message());
                              }
                              self->Close();
                            });
  }
}

template <typename Stream>
void AdminSession<Stream>::ReadLine() {
  asio::async_read_until(stream_, input_, '\n',
                         [self = this->shared_from_this()](const asio::error_code& error, size_t n) {
                           if (self->closed_) return;
                           if (error) {
                             self->OnReadEnd(error);
                             return;
                           }
                           std::string line(asio::buffers_begin(self->input_.data()),
                                            asio::buffers_begin(self->input_.data()) + n - 1);
                           self->input_.consume(n);
                           self->OnLine(std::move(line));
                         });
}

template <typename Stream>
void AdminSession<Stream>::OnReadEnd(const asio::error_code& error) {
  // A stream ends when its client goes; a client that only closed its sending side after its
  // requests still gets every answer before the connection closes.
  if (watch_ || (error != asio::error::eof && error != asio::error::not_found)) {
    Close();
    return;
  }
  if (error == asio::error::not_found) {
    Send(Dump(AdminCommands::Error(
             Status(StatusCode::kInvalidArgument, "request line over 64 KiB"))),
         /*limited=*/false);
  }
  close_after_flush_ = true;
  if (!writing_) Close();
}

template <typename Stream>
void AdminSession<Stream>::OnLine(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (watch_) {  // a streaming connection only waits for its client to close
    ReadLine();
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  auto reply = [this](nlohmann::json json) { Send(Dump(json), /*limited=*/false); };
  std::optional<uint64_t> watch = server_.commands_.Execute(line, reply, EventSink());
  server_.request_seconds_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (watch && closed_) {  // the reply itself ended the session: the stream has no reader
    server_.commands_.EndStream(*watch);
    return;
  }
  watch_ = watch;
  if (watch_) server_.counters_.streams.fetch_add(1, std::memory_order_relaxed);
  ReadLine();
}

template <typename Stream>
AdminCommands::Emit AdminSession<Stream>::EventSink() {
  return [weak = this->weak_from_this(), &io = server_.io_](nlohmann::json json) {
    // A snapshot is bounded by the data, which is in memory anyway; only live changes can
    // pile up without end behind a watcher that stopped reading.
    const bool snapshot = json["event"].value("snapshot", false);
    asio::post(io, [weak, line = Dump(json), snapshot]() mutable {
      if (auto self = weak.lock()) self->Send(std::move(line), /*limited=*/!snapshot);
    });
  };
}

template <typename Stream>
void AdminSession<Stream>::Send(std::string line, bool limited) {
  if (closed_) return;
  pending_bytes_ += line.size();
  output_.push_back(std::move(line));
  if (limited && pending_bytes_ > kMaxPending) {
    if (server_.log_) server_.log_(LogLevel::kWarning, "admin: dropping a watcher that stopped reading");
    Close();
    return;
  }
  if (!writing_) WriteNext();
}

template <typename Stream>
void AdminSession<Stream>::WriteNext() {
  if (output_.empty() || closed_) {
    writing_ = false;
    if (close_after_flush_) Close();
    return;
  }
  writing_ = true;
  asio::async_write(stream_, asio::buffer(output_.front()),
                    [self = this->shared_from_this()](const asio::error_code& error, size_t) {
                      if (self->closed_) return;
                      if (error) {
                        self->Close();
                        return;
                      }
                      self->pending_bytes_ -= self->output_.front().size();
                      self->output_.pop_front();
                      self->WriteNext();
                    });
}

template <typename Stream>
void AdminSession<Stream>::Close() {
  if (closed_) return;
  closed_ = true;
  if (watch_) {
    server_.commands_.EndStream(*watch_);
    server_.counters_.streams.fetch_sub(1, std::memory_order_relaxed);
    watch_.reset();
  }
  handshake_deadline_.cancel();
  CloseStream(stream_);
  server_.Forget(this);
}

template class AdminSession<asio::local::stream_protocol::socket>;
template class AdminSession<TlsStream>;

}  // namespace lashup::daemon

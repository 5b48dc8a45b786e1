#include "admin_session.h"

#include <chrono>

namespace lashup::daemon {
namespace {

std::string Dump(const nlohmann::json& json) {
  // Replace, never throw: every string was made valid UTF-8 already; this is the last fence.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

void AdminSession::ReadLine() {
  asio::async_read_until(socket_, input_, '\n',
                         [self = shared_from_this()](const asio::error_code& error, size_t n) {
                           if (self->closed_) return;
                           if (error) {
                             if (error == asio::error::not_found) {
                               self->Send(Dump(AdminCommands::Error(Status(
                                   StatusCode::kInvalidArgument, "request line over 64 KiB"))));
                             }
                             self->Close();
                             return;
                           }
                           std::string line(asio::buffers_begin(self->input_.data()),
                                            asio::buffers_begin(self->input_.data()) + n - 1);
                           self->input_.consume(n);
                           self->OnLine(std::move(line));
                         });
}

void AdminSession::OnLine(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (stream_) {  // a streaming connection only waits for its client to close
    ReadLine();
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  auto reply = [this](nlohmann::json json) { Send(Dump(json)); };
  stream_ = server_.commands_.Execute(line, reply, EventSink());
  server_.request_seconds_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (stream_) server_.counters_.streams.fetch_add(1, std::memory_order_relaxed);
  ReadLine();
}

AdminCommands::Emit AdminSession::EventSink() {
  return [weak = weak_from_this(), &io = server_.io_](nlohmann::json json) {
    asio::post(io, [weak, line = Dump(json)]() mutable {
      if (auto self = weak.lock()) self->Send(std::move(line));
    });
  };
}

void AdminSession::Send(std::string line) {
  if (closed_) return;
  pending_bytes_ += line.size();
  output_.push_back(std::move(line));
  if (pending_bytes_ > kMaxPending) {
    if (server_.log_) server_.log_(LogLevel::kWarning, "admin: dropping a watcher that stopped reading");
    Close();
    return;
  }
  if (!writing_) WriteNext();
}

void AdminSession::WriteNext() {
  if (output_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  asio::async_write(socket_, asio::buffer(output_.front()),
                    [self = shared_from_this()](const asio::error_code& error, size_t) {
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

void AdminSession::Close() {
  if (closed_) return;
  closed_ = true;
  if (stream_) {
    server_.commands_.EndStream(*stream_);
    server_.counters_.streams.fetch_sub(1, std::memory_order_relaxed);
    stream_.reset();
  }
  asio::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
  server_.Forget(this);
}

}  // namespace lashup::daemon

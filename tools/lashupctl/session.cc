#include "session.h"

#include <cstdio>
#include <utility>

#include "render.h"
#include "terminal_text.h"

namespace lashup::ctl {
namespace {

std::string Seconds(std::chrono::milliseconds timeout) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%gs", static_cast<double>(timeout.count()) / 1000.0);
  return buffer;
}

Status QueryStatus(Outcome outcome, const std::string& message) {
  switch (outcome) {
    case Outcome::kUnreachable:
      return UnavailableError(message);
    case Outcome::kInterrupted:
    case Outcome::kStreamStopped:
      return CancelledError(message);
    default:
      return UnknownError(message);
  }
}

}  // namespace

Session::Session(SessionOptions options, int cancel_fd, std::ostream& out, std::ostream& err)
    : options_(std::move(options)), cancel_fd_(cancel_fd), out_(out), err_(err) {}

Result<AdminClient*> Session::Connection() {
  if (client_ != nullptr && client_->Reusable()) return client_.get();
  client_.reset();
  auto client = AdminClient::Connect(options_.socket_path, DeadlineAfter(options_.timeout));
  if (!client.ok()) return client.status();
  client_ = std::move(*client);
  return client_.get();
}

Session::Failure Session::Describe(const Status& status, Stage stage) const {
  const std::string& path = options_.socket_path;
  // Silent: the shell just shows a new prompt, batch mode says "interrupted" and exits.
  if (status.code() == StatusCode::kCancelled) return {Outcome::kInterrupted, ""};
  if (stage == Stage::kConnect) {
    return {Outcome::kUnreachable, "lashupctl: cannot reach lashupd at " + path + ": " +
                                       status.message() + " (is lashupd running? --socket)"};
  }
  if (status.code() == StatusCode::kDeadlineExceeded) {
    return {Outcome::kUnreachable,
            "lashupctl: no reply from lashupd at " + path + " within " + Seconds(options_.timeout)};
  }
  if (status.code() == StatusCode::kUnavailable) {
    return {Outcome::kUnreachable,
            "lashupctl: lost the connection to lashupd at " + path + ": " + status.message()};
  }
  return {Outcome::kDaemonError, "lashupctl: " + status.message()};
}

std::optional<Reply> Session::Request(std::string_view line) {
  auto client = Connection();
  if (!client.ok()) {
    failure_ = Describe(client.status(), Stage::kConnect);
    return std::nullopt;
  }
  const Deadline deadline = DeadlineAfter(options_.timeout);
  Status sent = (*client)->SendLine(line, deadline, cancel_fd_);
  Result<std::string> text =
      sent.ok() ? (*client)->ReadLine(deadline, cancel_fd_) : Result<std::string>(sent);
  Result<Reply> reply = text.ok() ? ParseReply(*text) : Result<Reply>(text.status());
  if (reply.ok() && reply->kind == Reply::Kind::kEvent) {
    reply = InternalError("malformed reply from lashupd: an event before any stream began");
  }
  if (!reply.ok()) {
    client_.reset();  // whatever it was in the middle of, this connection is out of step
    failure_ = Describe(reply.status(), Stage::kExchange);
    return std::nullopt;
  }
  if (reply->kind == Reply::Kind::kError) {
    failure_ = {Outcome::kDaemonError, "error: " + TerminalSafe(reply->error)};
    return std::nullopt;
  }
  return std::move(*reply);
}

Outcome Session::ReportFailure() {
  if (!failure_.message.empty()) err_ << failure_.message << "\n" << std::flush;
  return failure_.outcome;
}

void Session::Print(std::string_view command, const nlohmann::json& body, bool event) {
  if (options_.json) {
    // Scripts get the JSON itself; its own escaping keeps control bytes off the terminal.
    out_ << body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    out_ << (event ? RenderEvent(command, body) : RenderResult(command, body));
  }
  out_.flush();
}

Outcome Session::Execute(std::string_view line) {
  const std::string command = CommandName(line);
  std::optional<Reply> reply = Request(line);
  if (!reply) return ReportFailure();
  if (reply->kind == Reply::Kind::kStreamStart) return FollowStream(command);
  Print(command, reply->body, /*event=*/false);
  return Outcome::kOk;
}

Outcome Session::FollowStream(std::string_view command) {
  uint64_t seen = 0;
  // A stream has no natural end: the user (cancel_fd), the daemon or max_events ends it.
  while (!options_.max_events || seen < *options_.max_events) {
    Result<std::string> text = client_->ReadLine(std::nullopt, cancel_fd_);
    Result<Reply> reply = text.ok() ? ParseReply(*text) : Result<Reply>(text.status());
    if (!reply.ok() || reply->kind != Reply::Kind::kEvent) {
      client_.reset();
      return StreamEnded(reply, seen);
    }
    Print(command, reply->body, /*event=*/true);
    ++seen;
  }
  client_.reset();  // closing the connection is how the daemon learns the stream is over
  return Outcome::kOk;
}

Outcome Session::StreamEnded(const Result<Reply>& reply, uint64_t seen) {
  if (reply.ok() && reply->kind == Reply::Kind::kError) {
    err_ << "error: " << TerminalSafe(reply->error) << "\n" << std::flush;
    return Outcome::kDaemonError;
  }
  const Status status =
      reply.ok() ? InternalError("malformed reply from lashupd: a non-event line in a stream")
                 : reply.status();
  if (status.code() == StatusCode::kCancelled) return Outcome::kStreamStopped;
  if (status.code() == StatusCode::kUnavailable && !options_.max_events) {
    err_ << "lashupctl: lashupd ended the stream\n" << std::flush;
    return Outcome::kOk;
  }
  failure_ = Describe(status, Stage::kExchange);
  if (options_.max_events) {
    failure_.message += " (after " + std::to_string(seen) + " of " +
                        std::to_string(*options_.max_events) + " events)";
  }
  return ReportFailure();
}

Result<nlohmann::json> Session::Query(std::string_view line) {
  std::optional<Reply> reply = Request(line);
  if (!reply) {
    return QueryStatus(failure_.outcome,
                       failure_.message.empty() ? "interrupted" : failure_.message);
  }
  if (reply->kind == Reply::Kind::kStreamStart) {
    client_.reset();
    return FailedPreconditionError("lashupctl: a stream cannot be queried");
  }
  return std::move(reply->body);
}

}  // namespace lashup::ctl

// The link side of AsioDriver: accepting, dialling, the long-lived link per peer with its
// arbitration and backoff, short-lived connections, and sends. Runs on the loop thread.
#include "core/check.h"
#include "net/asio_driver_impl.h"

namespace lashup::net {

// ---- Accepting ---------------------------------------------------------------------------------

namespace {

// Errors that will repeat at once until something else changes (descriptors or memory freed).
bool ResourceShortage(const std::error_code& error) {
  return error == asio::error::no_descriptors || error == asio::error::no_buffer_space ||
         error == asio::error::no_memory ||
         (error.category() == asio::error::get_system_category() && error.value() == ENFILE);
}

}  // namespace

void AsioDriver::Impl::AcceptNext() {
  acceptor_->async_accept([this](const std::error_code& error, asio::ip::tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_->is_open()) return;
    if (!error) {
      accept_error_streak_ = 0;
      OnAccepted(std::move(socket));
    } else {
      TransportStats::Bump(stats_.accept_errors);
      Log(accept_error_streak_++ == 0 ? LogLevel::kWarning : LogLevel::kDebug,
          "accept failed: " + error.message());
    }
    if (!error || !ResourceShortage(error)) {
      AcceptNext();  // a connection that died in the backlog concerns only itself
      return;
    }
    // Out of descriptors or memory: accepting again at once would fail again at once and spin
    // the loop. The waiting connection stays in the backlog meanwhile.
    accept_retry_->expires_after(std::chrono::milliseconds(100));
    accept_retry_->async_wait([this](const std::error_code& e) {
      if (!e && acceptor_->is_open()) AcceptNext();
    });
  });
}

size_t AsioDriver::Impl::PendingInbound() const {
  size_t pending = 0;
  for (const auto& connection : inbound_) pending += connection->open() ? 0 : 1;
  return pending;
}

void AsioDriver::Impl::OnAccepted(asio::ip::tcp::socket socket) {
  TransportStats::Bump(stats_.accepted);
  if (failed_ || inbound_.size() >= config_.limits.max_inbound ||
      PendingInbound() >= config_.limits.max_pending_inbound) {
    TransportStats::Bump(stats_.refused_over_limit);
    std::error_code ignored;
    socket.close(ignored);
    return;
  }
  ConnectionParams params;
  params.role = Role::kAcceptor;
  params.self = config_.self;
  params.incarnation = incarnation_;
  params.faults = config_.faults;
  auto connection = std::make_shared<Connection>(std::move(socket), tls_, std::move(params),
                                                 config_.limits, stats_, *this);
  inbound_.insert(connection);
  Track(connection);
  connection->StartAccept();
}

void AsioDriver::Impl::Track(const std::shared_ptr<Connection>& connection) {
  if (all_connections_.size() >= prune_at_) {
    std::erase_if(all_connections_, [](const auto& weak) { return weak.expired(); });
    prune_at_ = std::max<size_t>(64, 2 * all_connections_.size());
  }
  all_connections_.push_back(connection);
}

// ---- Owner callbacks ---------------------------------------------------------------------------

ConnectionOwner::Decision AsioDriver::Impl::OnHello(Connection& connection,
                                                    const wire::Hello& hello) {
  Decision decision{wire::Verdict::kRefused, "node stopped"};
  if (failed_) {
    // refused below
  } else if (config_.faults != nullptr && FaultRefusesConnection(hello.node)) {
    decision.reason = "the network between us is cut (fault injection)";
  } else if (!hello.long_lived) {
    // The dialing end closes a short-lived connection when idle (or the idle timeout does).
    short_in_[hello.node] = connection.shared_from_this();
    decision = {wire::Verdict::kAccept, ""};
  } else {
    decision = DecideLink(connection, hello);
  }
  // A refused connection only drains its reply and goes; it no longer counts against the
  // inbound limits, and no OnClosed will come for it.
  if (decision.verdict != wire::Verdict::kAccept) inbound_.erase(connection.shared_from_this());
  return decision;
}

ConnectionOwner::Decision AsioDriver::Impl::DecideLink(Connection& connection,
                                                       const wire::Hello& hello) {
  PeerLink& link = LinkOf(hello.node);
  LinkView view;
  if (link.link) {
    view.established = EstablishedLink{link.link->link_id(), link.link->role() == Role::kDialer,
                                       link.link->peer_incarnation()};
  }
  if (link.dial)
    view.dial = link.dial->hello_sent() ? DialStage::kAwaitingReply : DialStage::kEarly;
  const HelloDecision decision = DecideLongLivedHello(config_.self, hello.node, view, hello);
  switch (decision) {
    case HelloDecision::kDuplicate:
      TransportStats::Bump(stats_.duplicate_dials);
      return {wire::Verdict::kDuplicate, "a link with this node exists or is being made"};
    case HelloDecision::kAcceptReplacing:
      TransportStats::Bump(stats_.replaced_links);
      LinkLost(hello.node, link, "replaced by a new connection from the peer");
      break;
    case HelloDecision::kAcceptAbortingDial:
      TransportStats::Bump(stats_.duplicate_dials);
      link.dial->Close(false);
      link.dial.reset();
      break;
    case HelloDecision::kAccept:
      break;
  }
  LinkUp(hello.node, link, connection.shared_from_this());
  return {wire::Verdict::kAccept, ""};
}

void AsioDriver::Impl::OnReply(Connection& connection, const wire::HelloReply& reply) {
  const NodeId& peer = connection.peer();
  if (!connection.long_lived()) {
    if (reply.verdict == wire::Verdict::kAccept) return;  // queued sends now flow
    Log(LogLevel::kWarning,
        "short-lived connection to " + peer.str() + " refused: " + reply.reason);
    TransportStats::Bump(stats_.dropped_connect_failed, connection.queued_frames());
    if (auto it = short_out_.find(peer);
        it != short_out_.end() && it->second.get() == &connection) {
      short_out_.erase(it);
    }
    return;
  }
  auto it = links_.find(peer);
  if (it == links_.end() || it->second->dial.get() != &connection) {  // a dial we gave up on
    connection.Close(false);
    return;
  }
  PeerLink& link = *it->second;
  std::shared_ptr<Connection> dial = std::move(link.dial);
  switch (reply.verdict) {
    case wire::Verdict::kAccept:
      LinkUp(peer, link, std::move(dial));
      return;
    case wire::Verdict::kDuplicate:
      // The peer's own dial carries the link; retry later only in case it never arrives.
      TransportStats::Bump(stats_.duplicate_dials);
      ScheduleRetry(peer, link);
      return;
    case wire::Verdict::kRefused:
      DialFailed(peer, link, "refused by the peer: " + reply.reason);
      return;
  }
}

void AsioDriver::Impl::OnEnvelope(Connection& connection, wire::Envelope&& envelope) {
  if (failed_) return;
  if (config_.faults != nullptr && !AdmitEnvelope(envelope)) return;
  Deliver(envelope);
}

void AsioDriver::Impl::Deliver(const wire::Envelope& envelope) {
  RunStep([&envelope](Core& core, const Now& now, Effects& out) {
    core.OnMessage(now, envelope.sender, envelope.message, out);
  });
}

namespace {

// The other end going away or going silent is news; a peer breaking the protocol is a warning.
LogLevel LevelFor(const Status& why) {
  switch (why.code()) {
    case StatusCode::kOk:
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return LogLevel::kInfo;
    default:
      return LogLevel::kWarning;
  }
}

}  // namespace

void AsioDriver::Impl::OnClosed(Connection& connection, const Status& why) {
  std::shared_ptr<Connection> self = connection.shared_from_this();
  inbound_.erase(self);
  const NodeId& peer = connection.peer();
  const std::string what = why.ok() ? "idle, closed" : why.ToString();
  if (!peer.valid()) {  // never got past the handshake: a stranger
    LogRefused(connection, what);
    return;
  }
  if (auto it = short_out_.find(peer); it != short_out_.end() && it->second == self) {
    short_out_.erase(it);
    TransportStats::Bump(stats_.dropped_connect_failed, connection.lost_frames());
  }
  if (auto it = short_in_.find(peer); it != short_in_.end() && it->second == self) {
    short_in_.erase(it);
  }
  auto it = links_.find(peer);
  PeerLink* link = it == links_.end() ? nullptr : it->second.get();
  if (link != nullptr && link->link == self) {
    LinkLost(peer, *link, what, LevelFor(why));
    ForgetIfIdle(peer);
  } else if (link != nullptr && link->dial == self) {
    link->dial.reset();
    DialFailed(peer, *link, what);
    ForgetIfIdle(peer);
  } else if (connection.role() == Role::kAcceptor && !connection.was_open()) {
    LogRefused(connection, what);
  } else {
    // Short-lived connections come and go by design: only a broken protocol is worth more than
    // a debug line.
    const LogLevel level =
        LevelFor(why) == LogLevel::kWarning ? LogLevel::kWarning : LogLevel::kDebug;
    Log(level, "short-lived connection with " + peer.str() + " (" + connection.remote() +
                   ") ended: " + what);
  }
}

void AsioDriver::Impl::LogRefused(const Connection& connection, const std::string& what) {
  Log(connection.closed_by_peer() ? LogLevel::kDebug : LogLevel::kWarning,
      "refused inbound connection from " + connection.remote() + ": " + what);
}

// ---- Long-lived links --------------------------------------------------------------------------

PeerLink& AsioDriver::Impl::LinkOf(const NodeId& peer) {
  auto& slot = links_[peer];
  if (!slot) {
    slot = std::make_unique<PeerLink>(io_);
    slot->backoff = config_.reconnect_backoff_min;
  }
  return *slot;
}

void AsioDriver::Impl::Connect(const NodeId& peer) {
  PeerLink& link = LinkOf(peer);
  link.wanted = true;
  link.told_down = false;  // an explicit request deserves an answer
  if (link.link || link.dial) return;
  link.retry.cancel();
  link.retry_armed = false;
  Dial(peer, link);
}

void AsioDriver::Impl::Disconnect(const NodeId& peer) {
  auto it = links_.find(peer);
  if (it == links_.end()) return;
  PeerLink& link = *it->second;
  link.wanted = false;
  link.retry.cancel();
  link.retry_armed = false;
  if (link.dial) {
    link.dial->Close(false);
    link.dial.reset();
  }
  if (link.link) {
    // The closing end gets no notice (it asked); queued messages still drain to the peer.
    TransportStats::Bump(stats_.links_down);
    inbound_.erase(link.link);
    link.link->Close(true);
    link.link.reset();
  }
  ForgetIfIdle(peer);
}

// A peer we neither want nor hold a link or a dial with leaves no trace, so the table follows
// the live links rather than every node ever heard of.
void AsioDriver::Impl::ForgetIfIdle(const NodeId& peer) {
  auto it = links_.find(peer);
  if (it == links_.end()) return;
  const PeerLink& link = *it->second;
  if (link.wanted || link.link || link.dial || link.retry_armed) return;
  links_.erase(it);
}

std::shared_ptr<Connection> AsioDriver::Impl::NewDial(const NodeId& peer, bool long_lived,
                                                      uint64_t last_link_id) {
  ConnectionParams params;
  params.role = Role::kDialer;
  params.self = config_.self;
  params.incarnation = incarnation_;
  params.expected_peer = peer;
  params.hello = wire::Hello{config_.self, incarnation_, long_lived, rng_.Next() | 1, last_link_id};
  if (!long_lived) params.idle_close = config_.limits.short_lived_idle;
  params.faults = config_.faults;
  TransportStats::Bump(stats_.dials);
  auto connection = std::make_shared<Connection>(asio::ip::tcp::socket(io_), tls_,
                                                 std::move(params), config_.limits, stats_, *this);
  Track(connection);
  return connection;
}

void AsioDriver::Impl::Dial(const NodeId& peer, PeerLink& link) {
  if (config_.faults != nullptr && FaultRefusesConnection(peer)) {
    // As a connect to an unreachable host would: the core hears kDown, the link backs off.
    DialFailed(peer, link, "the network between us is cut (fault injection)");
    return;
  }
  Result<Endpoint> endpoint = addresses_.Resolve(peer);
  if (!endpoint.ok()) {
    DialFailed(peer, link, endpoint.status().ToString());
    return;
  }
  link.dial = NewDial(peer, true, link.last_link_id);
  link.dial->StartDial(*endpoint);
}

void AsioDriver::Impl::LinkUp(const NodeId& peer, PeerLink& link,
                              std::shared_ptr<Connection> connection) {
  link.link = std::move(connection);
  link.last_link_id = link.link->link_id();
  link.told_down = false;
  link.last_failure.clear();
  link.backoff = config_.reconnect_backoff_min;
  link.retry.cancel();
  link.retry_armed = false;
  TransportStats::Bump(stats_.links_up);
  Log(LogLevel::kInfo, "link to " + peer.str() + " up (" + link.link->remote() + ")");
  Notify(peer, LinkState::kUp);
}

void AsioDriver::Impl::LinkLost(const NodeId& peer, PeerLink& link, const std::string& why,
                                LogLevel level) {
  std::shared_ptr<Connection> lost = std::move(link.link);
  inbound_.erase(lost);
  lost->Close(false);
  TransportStats::Bump(stats_.links_down);
  Log(level, "link to " + peer.str() + " down: " + why);
  Notify(peer, LinkState::kDown);
  link.told_down = true;  // the redials that may fail next are not news
  link.backoff = config_.reconnect_backoff_min;
  if (link.wanted) ScheduleRetry(peer, link);
}

void AsioDriver::Impl::DialFailed(const NodeId& peer, PeerLink& link, const std::string& why) {
  TransportStats::Bump(stats_.dial_failures);
  if (!link.wanted) return;
  // Each new reason is worth a warning; the same one again while retrying is not.
  const bool new_reason = why != link.last_failure;
  link.last_failure = why;
  Log(new_reason ? LogLevel::kWarning : LogLevel::kDebug,
      "cannot link to " + peer.str() + ": " + why);
  if (!link.told_down) {
    link.told_down = true;
    Notify(peer, LinkState::kDown);
  }
  ScheduleRetry(peer, link);
}

void AsioDriver::Impl::ScheduleRetry(const NodeId& peer, PeerLink& link) {
  if (!link.wanted || link.retry_armed || failed_) return;
  const Duration delay = rng_.Jitter(link.backoff, 0.2);
  link.backoff = std::min(link.backoff * 2, config_.reconnect_backoff_max);
  link.retry_armed = true;
  link.retry.expires_after(delay);
  link.retry.async_wait([this, peer](const std::error_code& error) {
    if (error) return;
    auto it = links_.find(peer);
    if (it == links_.end()) return;
    PeerLink& again = *it->second;
    again.retry_armed = false;
    if (again.wanted && !again.link && !again.dial && !failed_) {
      Dial(peer, again);
    } else {
      ForgetIfIdle(peer);
    }
  });
}

void AsioDriver::Impl::Notify(const NodeId& peer, LinkState state) {
  asio::post(io_, [this, peer, state] {
    if (failed_) return;
    RunStep([&](Core& core, const Now& now, Effects& out) {
      core.OnConnection(now, peer, state, out);
    });
    // Not ahead of earlier steps' events still held for a group sync.
    AfterHeld([this, peer, state](const Status& status) {
      if (status.ok() && callbacks_.on_connection) callbacks_.on_connection(peer, state);
    });
  });
}

// ---- Sends -------------------------------------------------------------------------------------

std::shared_ptr<Connection> AsioDriver::Impl::ShortConnectionTo(const NodeId& peer) {
  if (auto it = short_out_.find(peer); it != short_out_.end()) return it->second;
  if (auto it = short_in_.find(peer); it != short_in_.end() && it->second->open()) {
    return it->second;
  }
  if (config_.faults != nullptr && FaultRefusesConnection(peer)) return nullptr;
  Result<Endpoint> endpoint = addresses_.Resolve(peer);
  if (!endpoint.ok()) {
    Log(LogLevel::kWarning, "cannot send to " + peer.str() + ": " + endpoint.status().ToString());
    return nullptr;
  }
  if (short_out_.size() >= config_.limits.max_short_lived_outbound) {
    // Make room: the first (in id order) goes; short-lived connections are cheap to redo.
    auto victim = short_out_.begin();
    victim->second->Close(true);
    TransportStats::Bump(stats_.dropped_connect_failed, victim->second->lost_frames());
    short_out_.erase(victim);
  }
  auto connection = NewDial(peer, false, 0);
  short_out_[peer] = connection;
  connection->StartDial(*endpoint);
  return connection;
}

void AsioDriver::Impl::Send(const NodeId& peer, const Message& message, SendMode mode) {
  std::shared_ptr<Connection> connection;
  if (auto it = links_.find(peer); it != links_.end() && it->second->link) {
    connection = it->second->link;
  } else if (mode == SendMode::kConnectFirst) {
    connection = ShortConnectionTo(peer);
    if (!connection) {
      TransportStats::Bump(stats_.dropped_connect_failed);
      return;
    }
  } else {
    TransportStats::Bump(stats_.dropped_not_connected);
    return;
  }
  Result<std::vector<uint8_t>> frame =
      wire::EncodeFrame(config_.self, message, config_.limits.codec);
  if (!frame.ok()) {
    TransportStats::Bump(stats_.dropped_encode);
    Log(LogLevel::kError, std::string("dropping a ") + std::string(MessageKind(message)) + " to " +
                              peer.str() + ": " + frame.status().ToString());
    return;
  }
  EnqueueOn(connection, std::move(frame).value());
}

void AsioDriver::Impl::EnqueueOn(const std::shared_ptr<Connection>& connection,
                                 std::vector<uint8_t> frame) {
  Status queued = connection->Enqueue(std::move(frame));
  if (queued.ok()) return;
  const NodeId peer = connection->peer();
  if (queued.code() != StatusCode::kResourceExhausted) {
    TransportStats::Bump(stats_.dropped_not_connected);
    return;
  }
  TransportStats::Bump(stats_.slow_peer_drops);
  Log(LogLevel::kWarning, "dropping the connection to " + peer.str() + ": it does not keep up (" +
                              queued.message() + ")");
  auto it = links_.find(peer);
  if (it != links_.end() && it->second->link == connection) {
    LinkLost(peer, *it->second, "peer too slow: " + queued.message());
    ForgetIfIdle(peer);
    return;
  }
  connection->Close(false);
  OnClosed(*connection, queued);
}

}  // namespace lashup::net

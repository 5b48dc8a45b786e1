#include "net/asio_driver.h"

#include <random>

#include "core/check.h"
#include "net/asio_driver_impl.h"
#include "net/tls_context.h"

namespace lashup::net {
namespace {

uint64_t OsRandom() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

std::chrono::steady_clock::time_point SteadyAt(Instant at) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(at.time_since_epoch()));
}

Status CheckPeerAddress(const NodeId& peer, const Endpoint& endpoint) {
  if (!peer.valid()) return InvalidArgumentError("peer address for an invalid node id");
  if (endpoint.host.empty() || endpoint.port == 0) {
    return InvalidArgumentError("peer address of " + peer.str() + " needs a host and a port: \"" +
                                ToString(endpoint) + "\"");
  }
  return Status::Ok();
}

Status ValidateLimits(const TransportLimits& l) {
  if (l.handshake_timeout <= Duration(0) || l.idle_timeout <= Duration(0) ||
      l.keepalive_interval <= Duration(0) || l.keepalive_interval >= l.idle_timeout ||
      l.short_lived_idle <= Duration(0) || l.close_linger < Duration(0)) {
    return InvalidArgumentError(
        "driver config: timeouts must be positive (close_linger may be 0) and "
        "keepalive_interval < idle_timeout");
  }
  if (l.max_send_queue_bytes < l.codec.max_frame_bytes + wire::kFrameHeaderBytes) {
    return InvalidArgumentError("driver config: max_send_queue_bytes must hold one largest frame");
  }
  if (l.codec.max_frame_bytes < 1024) {
    return InvalidArgumentError("driver config: codec.max_frame_bytes must be at least 1024");
  }
  if (l.max_send_queue_frames == 0 || l.max_pending_inbound == 0 || l.max_inbound == 0 ||
      l.max_short_lived_outbound == 0) {
    return InvalidArgumentError("driver config: connection and queue limits must be at least 1");
  }
  return Status::Ok();
}

Status ValidateConfig(const AsioDriverConfig& config) {
  if (!config.self.valid())
    return InvalidArgumentError("driver config: self is not a valid node id");
  if (config.reconnect_backoff_min <= Duration(0) ||
      config.reconnect_backoff_max < config.reconnect_backoff_min) {
    return InvalidArgumentError("driver config: need 0 < reconnect_backoff_min <= max");
  }
  LASHUP_RETURN_IF_ERROR(ValidateLimits(config.limits));
  for (const auto& [peer, endpoint] : config.peer_addresses) {
    LASHUP_RETURN_IF_ERROR(CheckPeerAddress(peer, endpoint));
  }
  return Status::Ok();
}

}  // namespace

// ---- Public methods ----------------------------------------------------------------------------

AsioDriver::AsioDriver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AsioDriver::~AsioDriver() { Stop(); }

Result<std::unique_ptr<AsioDriver>> AsioDriver::Start(AsioDriverConfig config, CoreFactory factory,
                                                      Storage* storage, DriverCallbacks callbacks) {
  LASHUP_RETURN_IF_ERROR(ValidateConfig(config));
  if (!factory || storage == nullptr) {
    return InvalidArgumentError("driver needs a core factory and a storage");
  }
  auto impl =
      std::make_unique<Impl>(std::move(config), std::move(factory), storage, std::move(callbacks));
  LASHUP_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<AsioDriver>(new AsioDriver(std::move(impl)));
}

void AsioDriver::Stop() { impl_->Stop(); }
Endpoint AsioDriver::listen_endpoint() const { return impl_->listen_endpoint_; }
const NodeId& AsioDriver::self() const { return impl_->config_.self; }
TransportCounters AsioDriver::stats() const { return impl_->stats_.Snapshot(); }

Result<AsioDriver::Tables> AsioDriver::tables() {
  Impl* impl = impl_.get();
  Tables tables;
  LASHUP_RETURN_IF_ERROR(impl->PostAndWait([impl, &tables] {
    tables.peers = impl->links_.size();
    for (const auto& [peer, link] : impl->links_) tables.links += link->link ? 1 : 0;
    tables.inbound = impl->inbound_.size();
    tables.pending_inbound = impl->PendingInbound();
    tables.short_lived_out = impl->short_out_.size();
    tables.short_lived_in = impl->short_in_.size();
    for (const auto& weak : impl->all_connections_)
      tables.live_connections += weak.expired() ? 0 : 1;
    return Status::Ok();
  }));
  return tables;
}

Status AsioDriver::health() const {
  std::lock_guard lock(impl_->health_mutex_);
  return impl_->health_;
}

Status AsioDriver::SetPeerAddress(const NodeId& peer, Endpoint endpoint) {
  LASHUP_RETURN_IF_ERROR(CheckPeerAddress(peer, endpoint));
  Impl* impl = impl_.get();
  asio::post(impl->io_, [impl, peer, endpoint = std::move(endpoint)]() mutable {
    impl->addresses_.Set(peer, std::move(endpoint));
  });
  return Status::Ok();
}

Status AsioDriver::Invoke(Command command) {
  Impl* impl = impl_.get();
  // Under group commit the caller hears back only once the step's writes are synced.
  return impl->PostAndWaitAsync([impl, command = std::move(command)](Impl::Reply reply) {
    if (impl->failed_) return reply(impl->health_);
    impl->RunStep(command);
    impl->AfterHeld([reply](const Status& status) { reply(status); });
  });
}

Status AsioDriver::ReloadTls() {
  if (impl_->config_.security != Security::kTls) {
    return FailedPreconditionError("ReloadTls: this driver runs in plaintext mode");
  }
  LASHUP_ASSIGN_OR_RETURN(std::shared_ptr<asio::ssl::context> context,
                          MakeTlsContext(impl_->config_.tls));
  Impl* impl = impl_.get();
  return impl->PostAndWait([impl, context = std::move(context)]() mutable {
    if (impl->failed_) return impl->health_;
    impl->tls_ = std::move(context);
    TransportStats::Bump(impl->stats_.tls_reloads);
    impl->Log(LogLevel::kInfo, "TLS files reloaded; new connections use them");
    return Status::Ok();
  });
}

void AsioDriver::Freeze() {
  Impl* impl = impl_.get();
  LASHUP_CHECK(std::this_thread::get_id() != impl->loop_thread_id_,
               "AsioDriver::Freeze called from the driver's own loop thread (a callback)");
  std::unique_lock lock(impl->freeze_mutex_);
  if (impl->stopping_) return;
  if (impl->frozen_) {
    impl->thaw_ = false;  // a Thaw the loop has not acted on yet is taken back
    return;
  }
  impl->thaw_ = false;
  asio::post(impl->io_, [impl] {
    std::unique_lock lock(impl->freeze_mutex_);
    if (impl->thaw_ || impl->stopping_) return;  // thawed before it began
    impl->frozen_ = true;
    impl->freeze_cv_.notify_all();
    impl->freeze_cv_.wait(lock, [impl] { return impl->thaw_ || impl->stopping_; });
    impl->frozen_ = false;
  });
  impl->freeze_cv_.wait(lock, [impl] { return impl->frozen_ || impl->thaw_ || impl->stopping_; });
}

Status AsioDriver::CloseConnections() {
  Impl* impl = impl_.get();
  return impl->PostAndWait([impl] {
    if (impl->failed_) return impl->health_;
    impl->CloseConnections();
    return Status::Ok();
  });
}

void AsioDriver::Thaw() {
  std::lock_guard lock(impl_->freeze_mutex_);
  impl_->thaw_ = true;
  impl_->freeze_cv_.notify_all();
}

// ---- Lifecycle ---------------------------------------------------------------------------------

AsioDriver::Impl::Impl(AsioDriverConfig config, CoreFactory factory, Storage* storage,
                       DriverCallbacks callbacks)
    : config_(std::move(config)),
      factory_(std::move(factory)),
      storage_(storage),
      callbacks_(std::move(callbacks)),
      group_(storage) {}

AsioDriver::Impl::~Impl() { Stop(); }

Status AsioDriver::Impl::Open() {
  if (config_.security == Security::kTls) {
    LASHUP_ASSIGN_OR_RETURN(tls_, MakeTlsContext(config_.tls));
  }
  LASHUP_ASSIGN_OR_RETURN(Endpoint listen, ParseEndpoint(config_.listen, true));
  std::error_code error;
  const asio::ip::address address = asio::ip::make_address(listen.host, error);
  if (error) return InvalidArgumentError("listen address must be an IP literal: " + listen.host);
  acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(io_);
  const asio::ip::tcp::endpoint endpoint(address, listen.port);
  acceptor_->open(endpoint.protocol(), error);
  if (!error) acceptor_->set_option(asio::ip::tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor_->bind(endpoint, error);
  if (!error) acceptor_->listen(asio::socket_base::max_listen_connections, error);
  if (error) return UnavailableError("cannot listen on " + config_.listen + ": " + error.message());
  listen_endpoint_ = Endpoint{listen.host, acceptor_->local_endpoint().port()};

  const uint64_t seed = config_.seed != 0 ? config_.seed : OsRandom();
  incarnation_ = OsRandom() | 1;  // never 0: a restart always looks different
  rng_ = Rng(Mix64(seed ^ incarnation_));
  core_timer_ = std::make_unique<asio::steady_timer>(io_);
  accept_retry_ = std::make_unique<asio::steady_timer>(io_);
  if (config_.faults != nullptr) {
    delay_line_ = std::make_unique<DelayLine>(
        io_, [this](wire::Envelope&& envelope) { DeliverDelayed(std::move(envelope)); });
  }
  for (const auto& [peer, endpoint] : config_.peer_addresses) addresses_.Set(peer, endpoint);
  core_ = factory_(CoreContext{config_.self, seed, storage_});
  if (!core_) return InternalError("core factory returned no core");

  asio::post(io_, [this] {
    AcceptNext();
    RunStep([](Core& core, const Now& now, Effects& out) { core.Start(now, out); });
  });
  thread_ = std::thread([this] {
    loop_thread_id_ = std::this_thread::get_id();
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
  return Status::Ok();
}

void AsioDriver::Impl::Stop() {
  LASHUP_CHECK(std::this_thread::get_id() != loop_thread_id_,
               "AsioDriver::Stop called from the driver's own loop thread (a callback)");
  {
    std::lock_guard lock(stop_mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  {  // a frozen loop cannot stop
    std::lock_guard lock(freeze_mutex_);
    stopping_ = true;
    freeze_cv_.notify_all();
  }
  if (thread_.joinable()) {
    asio::post(io_, [this] {
      CloseEverything();
      io_.stop();
    });
    thread_.join();
  }
  // Calls queued behind the stop will never run: answer them now.
  std::lock_guard calls(calls_mutex_);
  for (const auto& call : pending_calls_) {
    if (!call->claimed.exchange(true)) {
      call->promise.set_value(UnavailableError("driver stopped before the call ran"));
    }
  }
  pending_calls_.clear();
  // Handlers still queued are never run: the io_context destroys them (and the connections
  // they hold) when the driver goes.
  links_.clear();
  short_out_.clear();
  short_in_.clear();
  inbound_.clear();
}

void AsioDriver::Impl::CloseEverything() {
  std::error_code ignored;
  if (acceptor_) acceptor_->close(ignored);
  if (accept_retry_) accept_retry_->cancel();
  if (core_timer_) core_timer_->cancel();
  if (delay_line_) delay_line_->Clear();
  for (auto& [peer, link] : links_) {
    link->retry.cancel();
    if (link->link) link->link->Close(false);
    if (link->dial) link->dial->Close(false);
  }
  for (auto& [peer, connection] : short_out_) connection->Close(false);
  for (const auto& connection : inbound_) connection->Close(false);
  for (const auto& weak : all_connections_) {
    if (auto connection = weak.lock()) connection->Close(false);
  }
}

Status AsioDriver::Impl::PostAndWait(std::function<Status()> fn) {
  return PostAndWaitAsync([fn = std::move(fn)](Reply reply) { reply(fn()); });
}

Status AsioDriver::Impl::PostAndWaitAsync(std::function<void(Reply)> fn) {
  if (std::this_thread::get_id() == loop_thread_id_) {
    return FailedPreconditionError("blocking driver call from its own loop thread");
  }
  auto call = std::make_shared<PendingCall>();
  std::future<Status> done = call->promise.get_future();
  {
    std::lock_guard lock(stop_mutex_);
    if (stopped_) return UnavailableError("driver is stopped");
    std::lock_guard calls(calls_mutex_);
    pending_calls_.insert(call);
  }
  asio::post(io_, [this, fn = std::move(fn), call] {
    if (call->claimed.load()) return;  // Stop answered it
    fn([this, call](Status status) {
      if (call->claimed.exchange(true)) return;  // Stop answered it meanwhile
      call->promise.set_value(std::move(status));
      std::lock_guard lock(calls_mutex_);
      pending_calls_.erase(call);
    });
  });
  return done.get();
}

void AsioDriver::Impl::AfterHeld(std::function<void(const Status&)> action) {
  if (held_.empty()) {
    action(failed_ ? health_ : Status::Ok());
  } else {
    held_.back().then.push_back(std::move(action));
  }
}

void AsioDriver::Impl::Log(LogLevel level, const std::string& message) {
  if (config_.log) config_.log(level, config_.self.str() + ": " + message);
}

// ---- Steps and effects -------------------------------------------------------------------------

Now AsioDriver::Impl::ReadClocks() const {
  const auto mono = std::chrono::steady_clock::now().time_since_epoch();
  const auto wall = std::chrono::system_clock::now().time_since_epoch();
  return Now{InstantFromNanos(std::chrono::duration_cast<Duration>(mono).count()),
             WallTimeFromNanos(std::chrono::duration_cast<Duration>(wall).count())};
}

void AsioDriver::Impl::RunStep(const Command& command) {
  if (failed_) return;
  LASHUP_CHECK(!in_step_, "driver step started inside another step");
  in_step_ = true;
  const Now now = ReadClocks();
  effects_.Clear();
  command(*core_, now, effects_);
  if (config_.check_invariants) core_->CheckInvariants();
  Apply();
  in_step_ = false;
}

void AsioDriver::Impl::Apply() {
  if (!ApplyPersists()) return;
  if (group_.sync_owed() || !held_.empty()) {
    HoldForGroupSync();
    return;
  }
  for (const NetOp& op : effects_.net()) ApplyNet(op);
  ApplyTimers();
  if (callbacks_.on_event) {
    for (const Event& event : effects_.events()) callbacks_.on_event(event);
  }
}

bool AsioDriver::Impl::ApplyPersists() {
  const bool group = config_.sync_policy == AsioDriverConfig::SyncPolicy::kGroupCommit;
  for (const PersistOp& op : effects_.persists()) {
    Status status = group ? group_.Apply(op.batch, op.durability)
                          : storage_->Apply(op.batch, op.durability);
    if (!status.ok()) {
      FailStop(status.WithContext("persisting a core's write batch"));
      return false;
    }
  }
  return true;
}

void AsioDriver::Impl::HoldForGroupSync() {
  // Timers announce nothing: they go now. Sends and events wait for the group's sync.
  held_.push_back(Held{std::move(effects_.mutable_net()), std::move(effects_.mutable_events()), {}});
  ApplyTimers();
  if (flush_posted_) return;
  flush_posted_ = true;
  // Runs after the handlers already queued: every step they make joins this group.
  asio::post(io_, [this] { FlushGroup(); });
}

void AsioDriver::Impl::FlushGroup() {
  flush_posted_ = false;
  if (failed_) {
    std::vector<Held> released = std::move(held_);
    held_.clear();
    for (const Held& step : released) {
      for (const auto& then : step.then) then(health_);
    }
    return;
  }
  Status status = group_.Commit();
  std::vector<Held> released = std::move(held_);
  held_.clear();
  if (!status.ok()) {
    FailStop(status.WithContext("syncing a group of write batches"));
    // Nothing held goes out; whoever waits hears why.
    for (const Held& step : released) {
      for (const auto& then : step.then) then(health_);
    }
    return;
  }
  for (const Held& step : released) {
    for (const NetOp& op : step.net) ApplyNet(op);
    if (callbacks_.on_event) {
      for (const Event& event : step.events) callbacks_.on_event(event);
    }
    for (const auto& then : step.then) then(status);
  }
}

void AsioDriver::Impl::ApplyNet(const NetOp& op) {
  if (op.peer == config_.self) return;  // as loopback would: nothing to do
  switch (op.kind) {
    case NetOp::Kind::kSend:
      Send(op.peer, op.message, op.mode);
      return;
    case NetOp::Kind::kConnect:
      Connect(op.peer);
      return;
    case NetOp::Kind::kDisconnect:
      Disconnect(op.peer);
      return;
  }
}

void AsioDriver::Impl::ApplyTimers() {
  for (const TimerOp& op : effects_.timers()) {
    if (op.cancel) {
      timers_.Cancel(op.id);
    } else {
      timers_.Set(op.id, op.at);
    }
  }
  RearmCoreTimer();
}

void AsioDriver::Impl::RearmCoreTimer() {
  const std::optional<Instant> earliest = timers_.Earliest();
  if (earliest == core_timer_at_) return;
  core_timer_at_ = earliest;
  if (!earliest) {
    core_timer_->cancel();
    return;
  }
  core_timer_->expires_at(SteadyAt(*earliest));
  core_timer_->async_wait([this](const std::error_code& error) {
    if (!error) OnCoreTimer();
  });
}

void AsioDriver::Impl::OnCoreTimer() {
  core_timer_at_.reset();
  // One timer per step, re-reading the queue each time: a handler may cancel another due timer.
  while (!failed_) {
    const std::optional<TimerId> due = timers_.PopDue(ReadClocks().mono);
    if (!due) break;
    RunStep([id = *due](Core& core, const Now& now, Effects& out) { core.OnTimer(now, id, out); });
  }
  if (!failed_) RearmCoreTimer();
}

// A write the core asked for did not happen; carrying on could announce state a restart would
// not have. The node stops serving and says why.
void AsioDriver::Impl::FailStop(const Status& why) {
  failed_ = true;
  {
    std::lock_guard lock(health_mutex_);
    health_ = why;
  }
  Log(LogLevel::kError, "stopping: " + why.ToString());
  CloseEverything();
}

}  // namespace lashup::net

// lashup::Node's methods: each runs as one step on the node's thread (Impl::Call).
#include <algorithm>
#include <chrono>
#include <thread>

#include "core/check.h"

#include "api/node_impl.h"
#include "kv/key_path.h"

namespace lashup {
namespace {

class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

Status Node::Impl::Start(net::AsioDriverConfig config, NodeCoreConfig core_config,
                         testing::NetworkFaults::Impl* faults) {
  net::DriverCallbacks callbacks;
  callbacks.on_event = [this](const Event& event) { listeners_.Dispatch(event); };
  LASHUP_ASSIGN_OR_RETURN(driver_, net::AsioDriver::Start(std::move(config),
                                                          NodeCoreFactory(std::move(core_config)),
                                                          storage_.get(), std::move(callbacks)));
  listen_address_ = net::ToString(driver_->listen_endpoint());
  // Learn the node's thread, so Close can tell when a listener calls it.
  LASHUP_RETURN_IF_ERROR(driver_->Invoke([this](Core&, const Now&, Effects&) {
    loop_thread_ = std::this_thread::get_id();
  }));
  if (faults != nullptr) {
    faults_ = faults;
    attached_ = driver_.get();
    faults_->Attach(id_, attached_);
  }
  return Status::Ok();
}

bool Node::Impl::OnNodeThread() const { return std::this_thread::get_id() == loop_thread_; }

void Node::Impl::Close() {
  if (OnNodeThread()) {
    // Stopping joins this very thread, and a caller holding the lock waits for it: refuse.
    if (log_) log_(LogLevel::kError, "Node::Close called from a listener: ignored");
    return;
  }
  // Callers that arrive from now on are refused, so a stream of calls cannot starve Close.
  closing_.store(true);
  // A frozen node is thawed first: callers waiting on it hold the lock Close needs.
  if (faults_ != nullptr) faults_->Detach(id_, attached_);
  std::unique_lock lock(driver_mutex_);
  if (driver_) driver_->Stop();
  driver_.reset();
}

Status Node::Impl::Invoke(const std::function<void(NodeCore&, const Now&, Effects&)>& fn) {
  // Never waits for the lock: Close holds it while joining the node's thread, which may be in a
  // listener calling here (where the driver answers kFailedPrecondition anyway).
  std::shared_lock lock(driver_mutex_, std::try_to_lock);
  if (!lock.owns_lock() || !driver_ || closing_.load()) {
    return Status(StatusCode::kUnavailable, "the node is closed");
  }
  return driver_->Invoke([&fn](Core& core, const Now& now, Effects& out) {
    fn(static_cast<NodeCore&>(core), now, out);
  });
}

net::TransportCounters Node::Impl::transport() const {
  std::shared_lock lock(driver_mutex_, std::try_to_lock);
  return lock.owns_lock() && driver_ ? driver_->stats() : net::TransportCounters{};
}

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Node::~Node() {
  // A listener destroying its own node would free what the node's thread is running.
  LASHUP_CHECK(!impl_->OnNodeThread(), "a lashup::Node destroyed from one of its listeners");
  Close();
}
void Node::Close() { impl_->Close(); }
const NodeId& Node::id() const { return impl_->id(); }
std::string Node::listen_address() const { return impl_->listen_address(); }

Result<crdt::MapValue> Node::Update(const Key& key, std::vector<crdt::MapOp> ops) {
  Stopwatch watch;
  auto result = impl_->Call<crdt::MapValue>([&](NodeCore& core, const Now& now, Effects& out) {
    return core.KvUpdate(now, key, ops, std::nullopt, out);
  });
  if (result.ok()) impl_->update_seconds().Observe(watch.Seconds());
  return result;
}

Result<crdt::MapValue> Node::UpdateIf(const Key& key, std::vector<crdt::MapOp> ops,
                                      const crdt::VersionVector& expected) {
  Stopwatch watch;
  auto result = impl_->Call<crdt::MapValue>([&](NodeCore& core, const Now& now, Effects& out) {
    return core.KvUpdate(now, key, ops, expected, out);
  });
  if (result.ok()) impl_->update_seconds().Observe(watch.Seconds());
  return result;
}

Status Node::Delete(const Key& key) {
  return impl_
      ->Call<crdt::MapValue>([&](NodeCore& core, const Now& now, Effects& out) {
        return core.KvDelete(now, key, std::nullopt, out);
      })
      .status();
}

Result<crdt::MapValue> Node::Get(const Key& key) {
  return impl_->Call<crdt::MapValue>(
      [&](NodeCore& core, const Now&, Effects&) { return core.kv().store().Value(key); });
}

Result<VersionedValue> Node::GetVersioned(const Key& key) {
  return impl_->Call<VersionedValue>(
      [&](NodeCore& core, const Now&, Effects&) -> Result<VersionedValue> {
        LASHUP_ASSIGN_OR_RETURN(kv::RawValue raw, core.kv().store().Raw(key));
        return VersionedValue{std::move(raw.value), std::move(raw.version)};
      });
}

Result<std::vector<Key>> Node::Keys(const Key& prefix) {
  return impl_->Call<std::vector<Key>>(
      [&](NodeCore& core, const Now&, Effects&) { return core.kv().store().Keys(prefix); });
}

Result<uint64_t> Node::WatchKeys(const Key& prefix, std::function<void(const KeyEvent&)> listener) {
  if (!listener) return Status(StatusCode::kInvalidArgument, "WatchKeys needs a listener");
  return impl_->Call<uint64_t>([&](NodeCore& core, const Now&, Effects& out) -> Result<uint64_t> {
    // Registered in the same step as the store subscription, so the snapshot events this step
    // emits find their listener.
    LASHUP_ASSIGN_OR_RETURN(uint64_t subscription, core.KvSubscribe(prefix, out));
    return impl_->listeners().AddKeys(subscription, std::move(listener));
  });
}

Result<uint64_t> Node::Publish(const std::string& topic, std::vector<uint8_t> payload) {
  if (topic.empty()) return Status(StatusCode::kInvalidArgument, "the topic is empty");
  if (topic == kv::kKvTopic) {
    return Status(StatusCode::kInvalidArgument, "topic '" + topic + "' is the KV store's own");
  }
  Stopwatch watch;
  auto result = impl_->Call<uint64_t>([&](NodeCore& core, const Now& now, Effects& out) {
    return core.Multicast(now, topic, std::move(payload), out);
  });
  if (result.ok()) impl_->publish_seconds().Observe(watch.Seconds());
  return result;
}

Result<uint64_t> Node::SubscribeTopic(const std::string& topic,
                                      std::function<void(const TopicMessage&)> listener) {
  if (!listener) return Status(StatusCode::kInvalidArgument, "SubscribeTopic needs a listener");
  if (topic.empty()) return Status(StatusCode::kInvalidArgument, "the topic is empty");
  if (topic == kv::kKvTopic) {
    return Status(StatusCode::kInvalidArgument, "topic '" + topic + "' is the KV store's own");
  }
  return impl_->Call<uint64_t>([&](NodeCore& core, const Now&, Effects&) -> Result<uint64_t> {
    core.Subscribe(topic);
    return impl_->listeners().AddTopic(topic, std::move(listener));
  });
}

Result<uint64_t> Node::WatchRoutes(std::function<void(const RoutesEvent&)> listener) {
  if (!listener) return Status(StatusCode::kInvalidArgument, "WatchRoutes needs a listener");
  return impl_->Call<uint64_t>([&](NodeCore&, const Now&, Effects&) -> Result<uint64_t> {
    return impl_->listeners().AddRoutes(std::move(listener));
  });
}

Status Node::Unsubscribe(uint64_t listener_id) {
  return impl_
      ->Call<bool>([&](NodeCore& core, const Now&, Effects&) -> Result<bool> {
        api::Listeners::Removed removed = impl_->listeners().Remove(listener_id);
        if (!removed.found) {
          return Status(StatusCode::kNotFound,
                        "no listener with id " + std::to_string(listener_id));
        }
        if (removed.store_subscription) core.KvUnsubscribe(*removed.store_subscription);
        if (removed.topic && !impl_->listeners().TopicStillWanted(*removed.topic)) {
          core.Unsubscribe(*removed.topic);
        }
        return true;
      })
      .status();
}

Status Node::Health() const { return impl_->Health(); }

Status Node::Impl::Health() const {
  std::shared_lock lock(driver_mutex_, std::try_to_lock);
  if (!lock.owns_lock() || !driver_) return Status(StatusCode::kUnavailable, "the node is closed");
  return driver_->health();
}

Result<NodeStats> Node::Stats() {
  auto stats = impl_->Call<NodeStats>(
      [&](NodeCore& core, const Now& now, Effects&) { return CollectStats(*impl_, core, now); });
  if (stats.ok()) AppendTransportStats(impl_->transport(), *stats);
  return stats;
}

}  // namespace lashup

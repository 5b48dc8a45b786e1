// SimWorld: the event loop, node lifecycle and the public forwarding layer.
#include "lashup/testing/sim_world.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "core/check.h"
#include "core/coverage_probes.h"
#include "sim/sim_world_impl.h"

namespace lashup {

using sim_internal::EventKind;
using sim_internal::NodeState;
using sim_internal::SimEvent;

SimWorld::Impl::Impl(SimOptions options) : options_(std::move(options)), rng_(options_.seed) {}

uint32_t SimWorld::Impl::Intern(const NodeId& id) {
  auto it = index_.find(id);
  if (it != index_.end()) return it->second;
  const auto index = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();
  nodes_.back().id = id;
  node_clog_until_.push_back(0);
  index_.emplace(id, index);
  return index;
}

Result<uint32_t> SimWorld::Impl::Find(const NodeId& id) const {
  auto it = index_.find(id);
  if (it == index_.end() || !nodes_[it->second].exists) {
    return NotFoundError("no simulated node '" + id.str() + "'");
  }
  return it->second;
}

Status SimWorld::Impl::AddNode(const NodeId& id, CoreFactory factory) {
  if (!id.valid()) return InvalidArgumentError("AddNode needs a valid node id");
  if (!factory) return InvalidArgumentError("AddNode needs a core factory");
  if (Find(id).ok()) return AlreadyExistsError("node '" + id.str() + "' already exists");
  const uint32_t index = Intern(id);
  NodeState& node = nodes_[index];
  node.exists = true;
  node.factory = std::move(factory);
  added_.push_back(index);
  // Boot time differs per node, so no core can assume its monotonic clock starts at zero.
  node.clock.mono_base = static_cast<int64_t>(rng_.Uniform(1'000'000)) * 1'000'000'000;
  node.clock.anchor_true = now_;
  node.clock.anchor_elapsed = now_;
  BuildAndStart(index);
  return Status::Ok();
}

void SimWorld::Impl::BuildAndStart(uint32_t index) {
  NodeState& node = nodes_[index];
  uint64_t seed_state = options_.seed ^ Mix64(index + 1) ^ (uint64_t{node.incarnation} << 40);
  CoreContext context{node.id, SplitMix64(seed_state), &node.storage};
  node.core = node.factory(context);
  LASHUP_CHECK(node.core != nullptr, "core factory returned null for " + node.id.str());
  node.alive = true;
  node.paused = false;
  RunStep(index, [](Core& core, const Now& now, Effects& out) { core.Start(now, out); });
}

Status SimWorld::Impl::Crash(uint32_t index) {
  NodeState& node = nodes_[index];
  if (!node.alive) return FailedPreconditionError("node '" + node.id.str() + "' is not running");
  for (SimEvent& event : node.deferred) {
    if (event.kind == EventKind::kDeliver) TakeMessage(static_cast<uint32_t>(event.aux));
  }
  node.deferred.clear();
  node.core.reset();
  node.storage.Crash();
  node.timers.clear();
  node.alive = false;
  node.paused = false;
  ++node.incarnation;  // in-flight inputs addressed to the old process are dropped
  DropLinksOf(index);
  return Status::Ok();
}

Status SimWorld::Impl::Restart(uint32_t index) {
  NodeState& node = nodes_[index];
  if (node.alive) return FailedPreconditionError("node '" + node.id.str() + "' is running");
  BuildAndStart(index);
  return Status::Ok();
}

Status SimWorld::Impl::Pause(uint32_t index) {
  NodeState& node = nodes_[index];
  if (!node.alive || node.paused) {
    return FailedPreconditionError("node '" + node.id.str() + "' is not running unpaused");
  }
  node.paused = true;
  return Status::Ok();
}

Status SimWorld::Impl::Resume(uint32_t index) {
  NodeState& node = nodes_[index];
  if (!node.alive || !node.paused) {
    return FailedPreconditionError("node '" + node.id.str() + "' is not paused");
  }
  node.paused = false;
  // Everything that waited is handled now, in the order it arrived.
  std::vector<SimEvent> waiting = std::move(node.deferred);
  node.deferred.clear();
  for (SimEvent& event : waiting) {
    event.time = now_;
    Schedule(event);
  }
  return Status::Ok();
}

void SimWorld::Impl::AfterStep(uint32_t index) {
  NodeState& node = nodes_[index];
  ++stats_.steps;
  if (options_.check_invariants) node.core->CheckInvariants();
  CountProbes();
  if (observer_) observer_(node.id, Duration(now_), effects_);
  ApplyEffects(index);
}

void SimWorld::Impl::CountProbes() {
  for (const char* probe : effects_.probes()) {
    const std::string_view name(probe);
    auto it = stats_.probes.find(name);
    if (it == stats_.probes.end()) {
      // Only registered names, so a report of the probes never hit stays complete.
      const auto all = AllProbes();
      LASHUP_CHECK(std::any_of(all.begin(), all.end(),
                               [&](const ProbeInfo& info) { return name == info.name; }),
                   "unregistered coverage probe '" + std::string(name) +
                       "' (add it to core/coverage_probes.h)");
      it = stats_.probes.emplace(std::string(name), 0).first;
    }
    ++it->second;
  }
}

void SimWorld::Impl::ApplyEffects(uint32_t index) {
  NodeState& node = nodes_[index];
  for (const PersistOp& op : effects_.persists()) {
    Status status = node.storage.Apply(op.batch, op.durability);
    LASHUP_CHECK(status.ok(), status.ToString());
    ++stats_.persist_batches;
  }
  for (NetOp& op : effects_.mutable_net()) {
    const uint32_t peer = Intern(op.peer);
    if (peer == index) continue;  // a core talking to itself is a no-op, as over loopback
    switch (op.kind) {
      case NetOp::Kind::kSend: Transmit(index, peer, op.mode, std::move(op.message)); break;
      case NetOp::Kind::kConnect: WantLink(index, peer); break;
      case NetOp::Kind::kDisconnect: UnwantLink(index, peer); break;
    }
  }
  ApplyTimers(index);
}

void SimWorld::Impl::ApplyTimers(uint32_t index) {
  NodeState& node = nodes_[index];
  for (const TimerOp& op : effects_.timers()) {
    if (op.cancel) {
      node.timers.erase(op.id);
    } else {
      ScheduleTimer(index, op.id, op.at);
    }
  }
}

// A new generation makes any earlier event for the same id stale.
void SimWorld::Impl::ScheduleTimer(uint32_t index, TimerId id, Instant at) {
  NodeState& node = nodes_[index];
  const uint64_t generation = ++next_timer_generation_;
  node.timers[id] = {generation, at};
  SimEvent event;
  event.time = std::max(now_, LocalToTrue(node, at));
  event.kind = EventKind::kTimer;
  event.node = index;
  event.incarnation = node.incarnation;
  event.aux = generation;
  event.timer = id;
  Schedule(event);
}

// After a drift change the same local deadline falls at another true time.
void SimWorld::Impl::RescheduleTimers(uint32_t index) {
  std::vector<std::pair<TimerId, Instant>> pending;
  for (const auto& [id, timer] : nodes_[index].timers) pending.emplace_back(id, timer.at);
  std::sort(pending.begin(), pending.end());  // event order must not depend on hash order
  for (const auto& [id, at] : pending) ScheduleTimer(index, id, at);
}

void SimWorld::Impl::Schedule(SimEvent event) {
  LASHUP_DCHECK(event.time >= now_);
  event.seq = next_seq_++;
  queue_.push(event);
}

uint64_t SimWorld::Impl::ScheduleAction(int64_t at, std::function<void()> action) {
  const uint64_t id = next_action_++;
  actions_.emplace(id, std::move(action));
  SimEvent event;
  event.time = std::max(at, now_);
  event.kind = EventKind::kAction;
  event.aux = id;
  Schedule(event);
  return id;
}

bool SimWorld::Impl::Step() {
  if (queue_.empty()) return false;
  SimEvent event = queue_.top();
  queue_.pop();
  now_ = event.time;
  ++stats_.events;
  Dispatch(event);
  return true;
}

void SimWorld::Impl::Dispatch(SimEvent& event) {
  switch (event.kind) {
    case EventKind::kDeliver: DeliverMessage(event); break;
    case EventKind::kTimer: FireTimer(event); break;
    case EventKind::kLinkNotice: DeliverLinkNotice(event); break;
    case EventKind::kConnectAttempt: OnConnectAttempt(event); break;
    case EventKind::kLinkEstablished: OnLinkEstablished(event); break;
    case EventKind::kConnectFailed: OnConnectFailed(event); break;
    case EventKind::kBreakCheck: OnBreakCheck(event); break;
    case EventKind::kAction: {
      auto it = actions_.find(event.aux);
      std::function<void()> action = std::move(it->second);
      actions_.erase(it);
      action();
      break;
    }
  }
}

// A paused node's inputs wait (keeping their order) until it resumes.
bool SimWorld::Impl::DeferIfPaused(SimEvent& event) {
  NodeState& node = nodes_[event.node];
  if (!node.paused) return false;
  node.deferred.push_back(event);
  return true;
}

void SimWorld::Impl::DeliverMessage(SimEvent& event) {
  const uint32_t slot = static_cast<uint32_t>(event.aux);
  NodeState& node = nodes_[event.node];
  if (event.flag == 0) {  // released once, even if a pause makes it wait and come back
    event.flag = 1;
    auto path = paths_.find(sim_internal::PairKey(event.peer, event.node));
    if (path != paths_.end() && path->second.in_flight > 0) --path->second.in_flight;
  }
  if (!node.alive || node.incarnation != event.incarnation) {
    TakeMessage(slot);
    ++stats_.dropped_dead;
    return;
  }
  if (DeferIfPaused(event)) return;
  ++stats_.messages_delivered;
  trace_.Fold(static_cast<uint64_t>(now_));
  trace_.Fold((uint64_t{event.node} << 32) | event.peer);
  trace_.Fold(event.hash);
  const Message message = TakeMessage(slot);
  const NodeId& from = nodes_[event.peer].id;
  RunStep(event.node, [&](Core& core, const Now& now, Effects& out) {
    core.OnMessage(now, from, message, out);
  });
}

void SimWorld::Impl::FireTimer(const SimEvent& event) {
  NodeState& node = nodes_[event.node];
  if (!node.alive || node.incarnation != event.incarnation) return;
  auto it = node.timers.find(event.timer);
  if (it == node.timers.end() || it->second.generation != event.aux) return;  // stale
  SimEvent copy = event;
  if (DeferIfPaused(copy)) return;
  node.timers.erase(it);
  ++stats_.timers_fired;
  trace_.Fold(static_cast<uint64_t>(now_) ^ 0x7417);
  trace_.Fold((uint64_t{event.node} << 32) ^ std::hash<TimerId>()(event.timer));
  RunStep(event.node,
          [&](Core& core, const Now& now, Effects& out) { core.OnTimer(now, event.timer, out); });
}

void SimWorld::Impl::DeliverLinkNotice(const SimEvent& event) {
  NodeState& node = nodes_[event.node];
  if (!node.alive || node.incarnation != event.incarnation) return;
  SimEvent copy = event;
  if (DeferIfPaused(copy)) return;
  trace_.Fold(static_cast<uint64_t>(now_) ^ 0x1111);
  trace_.Fold((uint64_t{event.node} << 32) | event.peer | (uint64_t{event.flag} << 63));
  const NodeId& peer = nodes_[event.peer].id;
  const LinkState state = event.flag ? LinkState::kUp : LinkState::kDown;
  RunStep(event.node, [&](Core& core, const Now& now, Effects& out) {
    core.OnConnection(now, peer, state, out);
  });
}

uint32_t SimWorld::Impl::StoreMessage(Message&& message) {
  if (free_slots_.empty()) {
    message_slots_.push_back(std::move(message));
    return static_cast<uint32_t>(message_slots_.size() - 1);
  }
  const uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  message_slots_[slot] = std::move(message);
  return slot;
}

Message SimWorld::Impl::TakeMessage(uint32_t slot) {
  Message message = std::move(message_slots_[slot]);
  free_slots_.push_back(slot);
  return message;
}

// --- Public forwarding -------------------------------------------------------------------

SimWorld::SimWorld(SimOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
SimWorld::~SimWorld() = default;

Status SimWorld::AddNode(const NodeId& id, CoreFactory factory) {
  internal::ScopedFailureContext context("sim seed=" + std::to_string(impl_->options_.seed));
  return impl_->AddNode(id, std::move(factory));
}

#define LASHUP_SIM_NODE_OP(Name)                                            \
  Status SimWorld::Name(const NodeId& id) {                                 \
    internal::ScopedFailureContext context("sim seed=" +                    \
                                           std::to_string(impl_->options_.seed)); \
    LASHUP_ASSIGN_OR_RETURN(uint32_t index, impl_->Find(id));               \
    return impl_->Name(index);                                              \
  }
LASHUP_SIM_NODE_OP(Crash)
LASHUP_SIM_NODE_OP(Restart)
LASHUP_SIM_NODE_OP(Pause)
LASHUP_SIM_NODE_OP(Resume)
#undef LASHUP_SIM_NODE_OP

Status SimWorld::SetClockOffset(const NodeId& id, Duration offset) {
  LASHUP_ASSIGN_OR_RETURN(uint32_t index, impl_->Find(id));
  impl_->nodes_[index].clock.wall_offset = offset.count();
  return Status::Ok();
}

Status SimWorld::SetClockDrift(const NodeId& id, int64_t ppm) {
  if (ppm <= -500'000 || ppm >= 500'000) {
    return InvalidArgumentError("clock drift " + std::to_string(ppm) +
                                " ppm is outside (-500000, 500000)");
  }
  LASHUP_ASSIGN_OR_RETURN(uint32_t index, impl_->Find(id));
  impl_->Reanchor(impl_->nodes_[index]);
  impl_->nodes_[index].clock.drift_ppm = ppm;
  impl_->RescheduleTimers(index);
  return Status::Ok();
}

bool SimWorld::IsAlive(const NodeId& id) const {
  auto index = impl_->Find(id);
  return index.ok() && impl_->nodes_[*index].alive;
}

bool SimWorld::IsPaused(const NodeId& id) const {
  auto index = impl_->Find(id);
  return index.ok() && impl_->nodes_[*index].paused;
}

std::vector<NodeId> SimWorld::Nodes() const {
  std::vector<NodeId> out;
  for (uint32_t index : impl_->added_) out.push_back(impl_->nodes_[index].id);
  return out;
}

Core* SimWorld::GetCore(const NodeId& id) {
  auto index = impl_->Find(id);
  return index.ok() ? impl_->nodes_[*index].core.get() : nullptr;
}

MemoryStorage* SimWorld::GetStorage(const NodeId& id) {
  auto index = impl_->Find(id);
  return index.ok() ? &impl_->nodes_[*index].storage : nullptr;
}

Result<Now> SimWorld::NodeNow(const NodeId& id) const {
  LASHUP_ASSIGN_OR_RETURN(uint32_t index, impl_->Find(id));
  return impl_->LocalNow(impl_->nodes_[index]);
}

Status SimWorld::Invoke(const NodeId& id,
                        const std::function<void(Core&, const Now&, Effects&)>& command) {
  LASHUP_ASSIGN_OR_RETURN(uint32_t index, impl_->Find(id));
  const NodeState& node = impl_->nodes_[index];
  if (!node.alive) return UnavailableError("node '" + id.str() + "' is crashed");
  if (node.paused) return UnavailableError("node '" + id.str() + "' is paused");
  internal::ScopedFailureContext context("sim seed=" + std::to_string(impl_->options_.seed));
  impl_->RunStep(index, command);
  return Status::Ok();
}

void SimWorld::SetStepObserver(
    std::function<void(const NodeId&, Duration, const Effects&)> observer) {
  impl_->observer_ = std::move(observer);
}

void SimWorld::SetNetwork(const NetworkConfig& network) { impl_->options_.network = network; }

PartitionId SimWorld::Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b) {
  return impl_->AddPartition(a, b, /*symmetric=*/true);
}

PartitionId SimWorld::PartitionOneWay(const std::vector<NodeId>& from,
                                      const std::vector<NodeId>& to) {
  return impl_->AddPartition(from, to, /*symmetric=*/false);
}

Status SimWorld::Heal(PartitionId partition) {
  if (impl_->partitions_.erase(partition) == 0) {
    return NotFoundError("no partition " + std::to_string(partition));
  }
  return Status::Ok();
}

void SimWorld::HealAll() { impl_->partitions_.clear(); }

void SimWorld::Clog(const NodeId& from, const NodeId& to, Duration until) {
  const uint32_t a = impl_->Intern(from);
  const uint32_t b = impl_->Intern(to);
  auto& path = impl_->paths_[sim_internal::PairKey(a, b)];
  path.clog_until = std::max(path.clog_until, until.count());
}

void SimWorld::ClogNode(const NodeId& id, Duration until) {
  const uint32_t a = impl_->Intern(id);
  impl_->node_clog_until_[a] = std::max(impl_->node_clog_until_[a], until.count());
}

bool SimWorld::IsLinkUp(const NodeId& a, const NodeId& b) const {
  auto x = impl_->Find(a);
  auto y = impl_->Find(b);
  if (!x.ok() || !y.ok()) return false;
  const sim_internal::Link* link = impl_->FindLink(*x, *y);
  return link != nullptr && link->up;
}

Duration SimWorld::now() const { return Duration(impl_->now_); }

void SimWorld::Schedule(Duration at, std::function<void()> action) {
  impl_->ScheduleAction(at.count(), std::move(action));
}

bool SimWorld::Step() {
  internal::ScopedFailureContext context("sim seed=" + std::to_string(impl_->options_.seed));
  return impl_->Step();
}

void SimWorld::RunUntil(Duration until) {
  internal::ScopedFailureContext context("sim seed=" + std::to_string(impl_->options_.seed));
  while (!impl_->queue_.empty() && impl_->queue_.top().time <= until.count()) impl_->Step();
  impl_->now_ = std::max(impl_->now_, until.count());
}

void SimWorld::RunFor(Duration duration) { RunUntil(now() + duration); }

bool SimWorld::RunUntil(const std::function<bool()>& done, Duration limit) {
  internal::ScopedFailureContext context("sim seed=" + std::to_string(impl_->options_.seed));
  const int64_t deadline = impl_->now_ + limit.count();
  while (!done()) {
    if (impl_->queue_.empty() || impl_->queue_.top().time > deadline) {
      impl_->now_ = std::max(impl_->now_, deadline);
      return done();
    }
    impl_->Step();
  }
  return true;
}

uint64_t SimWorld::seed() const { return impl_->options_.seed; }
uint64_t SimWorld::TraceHash() const { return impl_->trace_.value(); }
const SimStats& SimWorld::stats() const { return impl_->stats_; }

}  // namespace lashup

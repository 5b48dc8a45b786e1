// SimWorld's implementation state. Internal to src/sim: sim_world.cc holds the event loop and
// node lifecycle, sim_network.cc the links, paths and message transport, sim_clock.cc the
// per-node clocks.
#ifndef LASHUP_SIM_SIM_WORLD_IMPL_H_
#define LASHUP_SIM_SIM_WORLD_IMPL_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <unordered_map>
#include <vector>

#include "core/core.h"
#include "core/effects.h"
#include "core/rng.h"
#include "lashup/testing/sim_world.h"
#include "sim/trace_hash.h"
#include "storage/memory_storage.h"

namespace lashup {

namespace sim_internal {

enum class EventKind : uint8_t {
  kDeliver,          // aux: message slot; hash: content hash; flag: 1 once in-flight released
  kTimer,            // aux: timer generation
  kLinkNotice,       // flag: 1 up, 0 down
  kConnectAttempt,   // node: initiator; aux: link epoch
  kLinkEstablished,  // node: initiator; aux: link epoch
  kConnectFailed,    // node: initiator; aux: link epoch
  kBreakCheck,       // aux: link epoch
  kAction,           // aux: action id
};

struct SimEvent {
  int64_t time = 0;
  uint64_t seq = 0;
  EventKind kind = EventKind::kAction;
  uint8_t flag = 0;
  uint32_t node = 0;
  uint32_t peer = 0;
  uint32_t incarnation = 0;
  uint64_t aux = 0;
  uint64_t hash = 0;
  TimerId timer;
};

struct LaterFirst {
  bool operator()(const SimEvent& a, const SimEvent& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};

// A node's clocks: elapsed(t) = anchor_elapsed + (t - anchor_true) * (1e6 + ppm) / 1e6.
struct NodeClock {
  int64_t mono_base = 0;
  int64_t wall_offset = 0;
  int64_t drift_ppm = 0;
  int64_t anchor_true = 0;
  int64_t anchor_elapsed = 0;
};

struct NodeState {
  NodeId id;
  bool exists = false;  // false for ids cores named that were never added ("ghosts")
  CoreFactory factory;
  std::unique_ptr<Core> core;
  MemoryStorage storage;
  bool alive = false;
  bool paused = false;
  uint32_t incarnation = 0;
  NodeClock clock;
  struct PendingTimer {
    uint64_t generation = 0;
    Instant at;  // the node-local deadline the core asked for
  };
  std::unordered_map<TimerId, PendingTimer> timers;
  std::vector<SimEvent> deferred;                // inputs that arrived while paused
  std::set<uint32_t> links;                      // peers with a link record, ordered
};

// A connection between nodes lo < hi; side 0 is lo, side 1 is hi.
struct Link {
  bool up = false;
  bool want[2] = {false, false};
  bool told_down[2] = {false, false};
  bool attempt_pending = false;
  uint32_t initiator = 0;
  int64_t last_notice[2] = {0, 0};  // time of the latest notice scheduled for each end
  uint64_t epoch = 0;
  int64_t backoff = 0;
};

struct PathState {
  uint32_t in_flight = 0;
  int64_t last_delivery = 0;
  int64_t clog_until = 0;
};

struct PartitionRule {
  std::vector<uint8_t> a;
  std::vector<uint8_t> b;
  bool symmetric = true;
};

inline uint64_t PairKey(uint32_t x, uint32_t y) { return (static_cast<uint64_t>(x) << 32) | y; }

}  // namespace sim_internal

class SimWorld::Impl {
 public:
  explicit Impl(SimOptions options);

  // sim_world.cc: lifecycle and loop.
  Status AddNode(const NodeId& id, CoreFactory factory);
  Status Crash(uint32_t node);
  Status Restart(uint32_t node);
  Status Pause(uint32_t node);
  Status Resume(uint32_t node);
  Result<uint32_t> Find(const NodeId& id) const;
  uint32_t Intern(const NodeId& id);
  void BuildAndStart(uint32_t node);
  // Runs one core step and applies its effects. A template so the per-step callable is never
  // wrapped in a heap-allocating std::function on the hot path.
  template <typename StepFn>
  void RunStep(uint32_t node, StepFn&& step) {
    sim_internal::NodeState& state = nodes_[node];
    const Now now = LocalNow(state);
    effects_.Clear();
    step(*state.core, now, effects_);
    AfterStep(node);
  }
  void AfterStep(uint32_t node);
  // Adds the step's coverage probes to stats_.probes.
  void CountProbes();
  void ApplyEffects(uint32_t node);
  void ApplyTimers(uint32_t node);
  void ScheduleTimer(uint32_t node, TimerId id, Instant at);
  void RescheduleTimers(uint32_t node);
  bool Step();
  void Dispatch(sim_internal::SimEvent& event);
  bool DeferIfPaused(sim_internal::SimEvent& event);
  void DeliverMessage(sim_internal::SimEvent& event);
  void FireTimer(const sim_internal::SimEvent& event);
  void DeliverLinkNotice(const sim_internal::SimEvent& event);
  void Schedule(sim_internal::SimEvent event);
  uint64_t ScheduleAction(int64_t at, std::function<void()> action);

  // sim_clock.cc
  Now LocalNow(const sim_internal::NodeState& node) const;
  int64_t LocalToTrue(const sim_internal::NodeState& node, Instant at) const;
  void Reanchor(sim_internal::NodeState& node);

  // sim_network.cc
  void Transmit(uint32_t from, uint32_t to, SendMode mode, Message&& message);
  void ScheduleCopy(uint32_t from, uint32_t to, int64_t start, uint64_t hash, uint32_t slot);
  uint64_t RoundTrip(uint32_t from, Message& message);
  int64_t SampleLatency();
  bool Blocked(uint32_t from, uint32_t to) const;
  // Why a connection from -> to cannot be made now: kOk, kUnavailable (refused: peer down) or
  // kDeadlineExceeded (no answer: partitioned or paused).
  StatusCode ConnectProblem(uint32_t from, uint32_t to) const;
  sim_internal::Link& LinkFor(uint32_t a, uint32_t b);
  const sim_internal::Link* FindLink(uint32_t a, uint32_t b) const;
  void WantLink(uint32_t node, uint32_t peer);
  void UnwantLink(uint32_t node, uint32_t peer);
  bool PickInitiator(uint32_t lo, uint32_t hi, sim_internal::Link& link);
  void MaybeScheduleAttempt(uint32_t a, uint32_t b, int64_t delay);
  void OnConnectAttempt(const sim_internal::SimEvent& event);
  void OnLinkEstablished(const sim_internal::SimEvent& event);
  void OnConnectFailed(const sim_internal::SimEvent& event);
  void OnBreakCheck(const sim_internal::SimEvent& event);
  void BreakLink(uint32_t a, uint32_t b, int64_t delay_a, int64_t delay_b);
  void CloseFrom(uint32_t node, uint32_t peer);
  void Notify(uint32_t node, uint32_t peer, bool up, int64_t at);
  void DropLinksOf(uint32_t node);
  void ScheduleBreakChecks();
  int64_t NextBackoff(sim_internal::Link& link);
  PartitionId AddPartition(const std::vector<NodeId>& a, const std::vector<NodeId>& b,
                           bool symmetric);
  uint32_t StoreMessage(Message&& message);
  Message TakeMessage(uint32_t slot);

  SimOptions options_;
  Rng rng_;
  int64_t now_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t next_timer_generation_ = 0;
  uint64_t next_action_ = 0;
  PartitionId next_partition_ = 1;
  std::priority_queue<sim_internal::SimEvent, std::vector<sim_internal::SimEvent>,
                      sim_internal::LaterFirst>
      queue_;
  std::deque<sim_internal::NodeState> nodes_;  // deque: stable addresses for GetStorage
  std::unordered_map<NodeId, uint32_t> index_;
  std::vector<uint32_t> added_;  // real nodes, in the order added
  std::unordered_map<uint64_t, sim_internal::Link> links_;
  std::unordered_map<uint64_t, sim_internal::PathState> paths_;
  std::vector<int64_t> node_clog_until_;
  std::map<PartitionId, sim_internal::PartitionRule> partitions_;
  std::unordered_map<uint64_t, std::function<void()>> actions_;
  std::vector<Message> message_slots_;
  std::vector<uint32_t> free_slots_;
  Effects effects_;
  std::function<void(const NodeId&, Duration, const Effects&)> observer_;
  sim_internal::TraceHash trace_;
  SimStats stats_;
};

}  // namespace lashup

#endif  // LASHUP_SIM_SIM_WORLD_IMPL_H_

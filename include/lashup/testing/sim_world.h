// SimWorld: many lashup nodes in one thread, over a simulated network, on virtual time.
//
// Contract:
// - Deterministic: one seed derives every random choice (latencies, loss, node seeds, boot
//   times). The same seed and the same calls give the same run and the same TraceHash(); a
//   failing run is replayed exactly from its seed, which every check failure prints.
// - Events run in (virtual time, sequence) order; time jumps straight to the next event, so an
//   idle minute costs nothing.
// - Network model (NetworkConfig): one-way latency = min + exponential(mean), times a multiplier
//   on a rare tail; loss, duplication and reordering (otherwise each directed path is FIFO, like
//   TCP); clogs that hold a path's traffic until a time; symmetric and one-way partitions; a
//   bounded number of messages in flight per path. Partitions drop traffic at once and break the
//   connections that cross them after `break_detect_delay` (a TCP user timeout); the driver
//   reconnects wanted links with jittered exponential backoff, so a healed partition brings
//   connections, and their up notices, back by itself.
// - Nodes: add, crash (the core's memory and unsynced storage are lost; peers see their
//   connections drop), restart (a new core built from what storage kept), pause and resume (like
//   SIGSTOP/SIGCONT: nothing runs and nothing is noticed, inputs wait), clock offset and drift.
// - With `codec_round_trip` every message is encoded and decoded through the wire codec on the
//   way, so every simulation also exercises the codec.
// Not thread-safe: one thread drives a SimWorld. Cores are the internal protocol state machines
// (src/core/core.h); applications will get a Node-level API on top of this.
#ifndef LASHUP_TESTING_SIM_WORLD_H_
#define LASHUP_TESTING_SIM_WORLD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lashup/status.h"
#include "lashup/types.h"

namespace lashup {

class Core;
struct CoreContext;
class Effects;
class MemoryStorage;
using CoreFactory = std::function<std::unique_ptr<Core>(const CoreContext&)>;

struct NetworkConfig {
  Duration latency_min = std::chrono::microseconds(100);
  Duration latency_mean = std::chrono::microseconds(200);  // of the exponential part
  double tail_probability = 0.001;  // chance that a message's latency is multiplied
  int tail_multiplier = 50;
  double loss = 0.0;       // probability each message is dropped
  double duplicate = 0.0;  // probability a message is delivered twice
  double reorder = 0.0;    // probability a message may overtake earlier ones on its path
  uint32_t max_in_flight_per_path = 4096;  // beyond this, new messages on the path are dropped
  Duration connect_timeout = std::chrono::seconds(1);
  Duration reconnect_backoff_min = std::chrono::milliseconds(200);
  Duration reconnect_backoff_max = std::chrono::seconds(5);
  Duration break_detect_delay = std::chrono::seconds(3);
};

struct SimOptions {
  uint64_t seed = 1;
  NetworkConfig network;
  bool codec_round_trip = true;   // encode and decode every message through src/wire
  bool check_invariants = true;   // call Core::CheckInvariants after every step
  WallTime wall_start = WallTimeFromNanos(1'767'225'600'000'000'000);  // 2026-01-01T00:00:00Z
};

struct SimStats {
  uint64_t events = 0;            // every event the loop processed
  uint64_t steps = 0;             // core invocations
  uint64_t messages_sent = 0;
  uint64_t messages_delivered = 0;
  uint64_t dropped_loss = 0;
  uint64_t dropped_partition = 0;
  uint64_t dropped_not_connected = 0;  // kIfConnected send without a connection
  uint64_t dropped_overflow = 0;       // path in-flight bound reached
  uint64_t dropped_dead = 0;           // receiver crashed or restarted before delivery
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
  uint64_t delayed_by_clog = 0;
  uint64_t timers_fired = 0;
  uint64_t link_ups = 0;
  uint64_t link_downs = 0;
  uint64_t bytes_encoded = 0;
  // Encoded bytes by message kind (the wire name, e.g. "gm_update"), with codec_round_trip.
  std::map<std::string, uint64_t, std::less<>> bytes_by_kind;
  uint64_t persist_batches = 0;
  // Coverage probes marked by the cores' steps (Effects::Probe), by name (src/core/
  // coverage_probes.h lists every name and the rare path it marks). A name never hit is absent.
  std::map<std::string, uint64_t, std::less<>> probes;
};

using PartitionId = uint64_t;

class SimWorld {
 public:
  explicit SimWorld(SimOptions options);
  ~SimWorld();
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  // --- Nodes -----------------------------------------------------------------------------
  // Builds the node's core with `factory` and starts it now. kAlreadyExists for a known id.
  Status AddNode(const NodeId& id, CoreFactory factory);
  // The core's memory, its timers and unsynced storage are lost; peers' links drop.
  Status Crash(const NodeId& id);
  // Builds a new core from the same factory over what storage kept, and starts it.
  Status Restart(const NodeId& id);
  Status Pause(const NodeId& id);
  Status Resume(const NodeId& id);
  // Wall clock = true time + offset, both clocks run (1 + ppm / 1e6) times as fast as true time.
  Status SetClockOffset(const NodeId& id, Duration offset);
  Status SetClockDrift(const NodeId& id, int64_t ppm);

  bool IsAlive(const NodeId& id) const;
  bool IsPaused(const NodeId& id) const;
  std::vector<NodeId> Nodes() const;  // in the order added (ids only named elsewhere excluded)
  // Null while crashed or unknown. Owned by the world; valid until the node crashes.
  Core* GetCore(const NodeId& id);
  MemoryStorage* GetStorage(const NodeId& id);
  // The node's own clocks at the current virtual time.
  Result<Now> NodeNow(const NodeId& id) const;

  // Runs a local command on a node's core as one step (as the real driver does for API calls).
  Status Invoke(const NodeId& id, const std::function<void(Core&, const Now&, Effects&)>& command);

  // Called after every core step with the node and the effects it produced, before they are
  // applied: tests and tools watch sends, timers and events here.
  void SetStepObserver(std::function<void(const NodeId&, Duration, const Effects&)> observer);

  // --- Network ---------------------------------------------------------------------------
  void SetNetwork(const NetworkConfig& network);
  // Blocks traffic between every node of `a` and every node of `b`, both ways.
  PartitionId Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b);
  // Blocks traffic from every node of `from` to every node of `to` only.
  PartitionId PartitionOneWay(const std::vector<NodeId>& from, const std::vector<NodeId>& to);
  Status Heal(PartitionId partition);
  void HealAll();
  // Holds every message sent on from->to before `until` (virtual time) until then.
  void Clog(const NodeId& from, const NodeId& to, Duration until);
  // Clogs every path into and out of `id` until `until`.
  void ClogNode(const NodeId& id, Duration until);
  bool IsLinkUp(const NodeId& a, const NodeId& b) const;

  // --- Running ---------------------------------------------------------------------------
  // Virtual time since the world started.
  Duration now() const;
  // Runs `action` at virtual time `at` (>= now) in event order.
  void Schedule(Duration at, std::function<void()> action);
  // Processes one event; false when there is none.
  bool Step();
  // Runs every event up to and including time `until`, then sets the clock to `until`.
  void RunUntil(Duration until);
  void RunFor(Duration duration);
  // Runs until `done()` holds (checked before each event) or `limit` of virtual time passes;
  // returns whether `done()` held.
  bool RunUntil(const std::function<bool()>& done, Duration limit);

  uint64_t seed() const;
  uint64_t TraceHash() const;
  const SimStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lashup

#endif  // LASHUP_TESTING_SIM_WORLD_H_

// Cluster: what the chaos harness drives, whether the nodes are cores in the simulator or real
// `lashup::Node`s over loopback TLS. Workloads, nemeses and checkers see only this interface, so
// the same checks run in both modes; a mode that cannot inject a fault says so in
// `capabilities()` and the nemesis leaves that fault out.
//
// Time is the cluster's own: virtual time in the simulator, wall time since the start in the
// real mode. `Schedule` actions run on the driving thread, in time order, while `RunUntil`
// advances time. Deliveries and other observations are reported through the observer, which the
// real mode calls from node threads (the harness locks what it records).
#ifndef LASHUP_CHAOS_CLUSTER_H_
#define LASHUP_CHAOS_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lashup/crdt/ops.h"
#include "lashup/crdt/value.h"
#include "lashup/status.h"
#include "lashup/types.h"

namespace lashup::chaos {

using Key = std::vector<std::string>;

struct Capabilities {
  bool loss = false;        // probabilistic message loss
  bool clock_skew = false;  // per-node wall-clock offset and drift
  bool close_connections = false;
  bool deterministic = false;
};

// A multicast message reached `receiver`.
struct Delivery {
  NodeId receiver;
  NodeId origin;
  std::string payload;
};

class Cluster {
 public:
  virtual ~Cluster() = default;

  virtual Capabilities capabilities() const = 0;
  virtual const std::vector<NodeId>& nodes() const = 0;
  // Starts `node` (first start); nodes are not running until started.
  virtual Status Start(const NodeId& node) = 0;
  virtual bool Started(const NodeId& node) const = 0;

  // --- Time ---------------------------------------------------------------------------------
  virtual Duration Now() const = 0;
  virtual void Schedule(Duration at, std::function<void()> action) = 0;
  // Runs scheduled actions (and, in the simulator, the cluster) up to `until`.
  virtual void RunUntil(Duration until) = 0;
  // Runs until `done()` holds, checking every `poll`, or until `limit` from now; whether it held.
  virtual bool RunUntil(const std::function<bool()>& done, Duration limit, Duration poll) = 0;

  // --- Node faults --------------------------------------------------------------------------
  virtual Status Crash(const NodeId& node) = 0;    // process death: unsynced data lost
  virtual Status Restart(const NodeId& node) = 0;  // over what storage kept
  virtual Status Pause(const NodeId& node) = 0;    // SIGSTOP: sockets open, nothing processed
  virtual Status Resume(const NodeId& node) = 0;
  virtual bool Alive(const NodeId& node) const = 0;   // started and not crashed
  virtual bool Paused(const NodeId& node) const = 0;
  virtual Status SetClockSkew(const NodeId& node, Duration offset, int64_t drift_ppm) = 0;

  // --- Network faults -----------------------------------------------------------------------
  virtual void Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b) = 0;
  virtual void PartitionOneWay(const std::vector<NodeId>& from, const std::vector<NodeId>& to) = 0;
  virtual void HealPartitions() = 0;
  // Loss probability and extra one-way latency for every message; (0, 0) restores the network.
  virtual void SetNetworkDegradation(double loss, Duration extra_latency) = 0;
  // Closes every connection of `node` abruptly (its links come back by themselves).
  virtual Status CloseConnections(const NodeId& node) = 0;

  // --- Workload -----------------------------------------------------------------------------
  // An acknowledged (synced) update on `node`.
  virtual Status Update(const NodeId& node, const Key& key, std::vector<crdt::MapOp> ops) = 0;
  // Every key `node` holds, with its value (deleted keys left out).
  virtual Result<std::map<Key, crdt::MapValue>> Snapshot(const NodeId& node) = 0;
  virtual Status Publish(const NodeId& node, const std::string& payload) = 0;
  virtual void SetDeliveryObserver(std::function<void(const Delivery&)> observer) = 0;

  // --- Observation --------------------------------------------------------------------------
  // The nodes `node` holds reachable (itself included); kUnavailable if it cannot answer now.
  virtual Result<std::vector<NodeId>> ReachableFrom(const NodeId& node) = 0;
  // How many members `node`'s global membership table holds (itself included).
  virtual Result<size_t> MembersKnown(const NodeId& node) = 0;
  // Rare protocol paths hit so far, by probe name (empty where the mode cannot count them).
  virtual std::map<std::string, uint64_t> ProbeHits() const = 0;
  // Mode-specific figures for the report (message counts, ...).
  virtual std::map<std::string, double> Figures() const = 0;
  // The simulator's trace hash: equal for two runs of one seed (none in the real mode).
  virtual std::optional<uint64_t> TraceHash() const = 0;
};

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_CLUSTER_H_

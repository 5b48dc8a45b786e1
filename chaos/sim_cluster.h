// SimCluster: the chaos cluster as NodeCores in one SimWorld, on virtual time, deterministic by
// seed. Every fault the harness knows is available here (loss and clock skew included), and
// every message goes through the wire codec.
#ifndef LASHUP_CHAOS_SIM_CLUSTER_H_
#define LASHUP_CHAOS_SIM_CLUSTER_H_

#include <memory>
#include <set>

#include "chaos/cluster.h"
#include "lashup/testing/sim_world.h"
#include "node/node_core.h"

namespace lashup::chaos {

struct SimClusterOptions {
  uint64_t seed = 1;
  int nodes = 25;
  int contacts = 3;  // the first nodes; every node joins through them
  std::string topic = "chaos";
  // Test-only sabotage: anti-entropy never runs, so deltas lost to faults are never repaired.
  // The KV checker must catch this.
  bool disable_anti_entropy = false;
};

class SimCluster final : public Cluster {
 public:
  explicit SimCluster(const SimClusterOptions& options);

  Capabilities capabilities() const override {
    return {.loss = true, .clock_skew = true, .close_connections = false, .deterministic = true};
  }
  const std::vector<NodeId>& nodes() const override { return ids_; }
  Status Start(const NodeId& node) override;
  bool Started(const NodeId& node) const override { return started_.count(node) > 0; }

  Duration Now() const override { return world_.now(); }
  void Schedule(Duration at, std::function<void()> action) override;
  void RunUntil(Duration until) override { world_.RunUntil(until); }
  bool RunUntil(const std::function<bool()>& done, Duration limit, Duration poll) override;

  Status Crash(const NodeId& node) override { return world_.Crash(node); }
  Status Restart(const NodeId& node) override { return world_.Restart(node); }
  Status Pause(const NodeId& node) override { return world_.Pause(node); }
  Status Resume(const NodeId& node) override { return world_.Resume(node); }
  bool Alive(const NodeId& node) const override { return world_.IsAlive(node); }
  bool Paused(const NodeId& node) const override { return world_.IsPaused(node); }
  Status SetClockSkew(const NodeId& node, Duration offset, int64_t drift_ppm) override;

  void Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b) override {
    world_.Partition(a, b);
  }
  void PartitionOneWay(const std::vector<NodeId>& from, const std::vector<NodeId>& to) override {
    world_.PartitionOneWay(from, to);
  }
  void HealPartitions() override { world_.HealAll(); }
  void SetNetworkDegradation(double loss, Duration extra_latency) override;
  Status CloseConnections(const NodeId& node) override;

  Status Update(const NodeId& node, const Key& key, std::vector<crdt::MapOp> ops) override;
  Result<std::map<Key, crdt::MapValue>> Snapshot(const NodeId& node) override;
  Status Publish(const NodeId& node, const std::string& payload) override;
  void SetDeliveryObserver(std::function<void(const Delivery&)> observer) override {
    on_delivery_ = std::move(observer);
  }

  Result<std::vector<NodeId>> ReachableFrom(const NodeId& node) override;
  Result<size_t> MembersKnown(const NodeId& node) override;
  std::map<std::string, uint64_t> ProbeHits() const override;
  std::map<std::string, double> Figures() const override;
  std::optional<uint64_t> TraceHash() const override { return world_.TraceHash(); }

 private:
  static SimOptions WorldOptions(uint64_t seed);
  NodeCore* Core(const NodeId& node);
  void Observe(const NodeId& node, const Effects& effects);

  SimClusterOptions options_;
  SimWorld world_;
  NetworkConfig base_network_;
  NodeCoreConfig core_config_;
  std::vector<NodeId> ids_;
  std::set<NodeId> started_;
  std::function<void(const Delivery&)> on_delivery_;
};

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_SIM_CLUSTER_H_

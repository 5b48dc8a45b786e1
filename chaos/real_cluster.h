// RealCluster: the chaos cluster as real lashup::Nodes in this process, over loopback TCP with
// mutual TLS (fresh certificates) and RocksDB in a temporary directory, on wall-clock time.
//
// Faults go through lashup::testing::NetworkFaults: partitions block envelopes and connections,
// latency spikes delay every envelope, a pause freezes a node's thread (SIGSTOP-like), a kill
// closes the node (its sockets close; acknowledged writes were synced, so nothing acknowledged
// may be lost) and a restart opens it again over the same data directory. Message loss and clock
// skew cannot be injected here (Capabilities says so). Scheduled actions run on the thread that
// calls RunUntil; listeners run on node threads and only touch locked state.
#ifndef LASHUP_CHAOS_REAL_CLUSTER_H_
#define LASHUP_CHAOS_REAL_CLUSTER_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <queue>
#include <set>

#include "chaos/cluster.h"
#include "lashup/node.h"
#include "lashup/testing/network_faults.h"

namespace lashup::chaos {

struct RealClusterOptions {
  uint64_t seed = 1;
  int nodes = 25;
  int contacts = 3;
  Preset preset = Preset::kLan;
  std::string topic = "chaos";
};

class RealCluster final : public Cluster {
 public:
  // Makes the directory, the certificates and the node ids; opens no node yet.
  static Result<std::unique_ptr<RealCluster>> Create(const RealClusterOptions& options);
  ~RealCluster() override;  // closes every node, removes the directory

  Capabilities capabilities() const override {
    return {.loss = false, .clock_skew = false, .close_connections = true,
            .deterministic = false};
  }
  const std::vector<NodeId>& nodes() const override { return ids_; }
  Status Start(const NodeId& node) override;
  bool Started(const NodeId& node) const override { return started_.count(node) > 0; }

  Duration Now() const override { return std::chrono::steady_clock::now() - epoch_; }
  void Schedule(Duration at, std::function<void()> action) override;
  void RunUntil(Duration until) override;
  bool RunUntil(const std::function<bool()>& done, Duration limit, Duration poll) override;

  Status Crash(const NodeId& node) override;
  Status Restart(const NodeId& node) override;
  Status Pause(const NodeId& node) override;
  Status Resume(const NodeId& node) override;
  bool Alive(const NodeId& node) const override;
  bool Paused(const NodeId& node) const override { return paused_.count(node) > 0; }
  Status SetClockSkew(const NodeId&, Duration, int64_t) override {
    return UnimplementedError("real nodes read the machine's clock");
  }

  void Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b) override;
  void PartitionOneWay(const std::vector<NodeId>& from, const std::vector<NodeId>& to) override;
  void HealPartitions() override;
  void SetNetworkDegradation(double loss, Duration extra_latency) override;
  Status CloseConnections(const NodeId& node) override { return faults_.CloseConnections(node); }

  Status Update(const NodeId& node, const Key& key, std::vector<crdt::MapOp> ops) override;
  Result<std::map<Key, crdt::MapValue>> Snapshot(const NodeId& node) override;
  Status Publish(const NodeId& node, const std::string& payload) override;
  void SetDeliveryObserver(std::function<void(const Delivery&)> observer) override;

  Result<std::vector<NodeId>> ReachableFrom(const NodeId& node) override;
  Result<size_t> MembersKnown(const NodeId& node) override;
  std::map<std::string, uint64_t> ProbeHits() const override { return {}; }
  std::map<std::string, double> Figures() const override;
  std::optional<uint64_t> TraceHash() const override { return std::nullopt; }

  // Starts every node at once, from `threads` threads (a scenario's "started together").
  Status StartAll(int threads);
  // The open node, or nullptr (not started, crashed). For scenario code.
  Node* node(const NodeId& id);
  testing::NetworkFaults& faults() { return faults_; }

 private:
  RealCluster(RealClusterOptions options, std::string dir, std::vector<NodeId> ids,
              std::map<NodeId, NodeTls> tls);
  NodeConfig Config(const NodeId& id) const;
  // Opens the node and subscribes its multicast listener; thread-safe.
  Result<std::unique_ptr<Node>> OpenNode(const NodeId& id);
  Result<Node*> Up(const NodeId& id);
  void RunDue();

  struct Scheduled {
    Duration at;
    uint64_t seq;
    std::function<void()> action;
    bool operator>(const Scheduled& other) const {
      return at != other.at ? at > other.at : seq > other.seq;
    }
  };

  const RealClusterOptions options_;
  const std::string dir_;
  const std::vector<NodeId> ids_;
  const std::map<NodeId, NodeTls> tls_;
  const std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
  mutable testing::NetworkFaults faults_;  // outlives the nodes (declared before them)
  std::map<NodeId, std::unique_ptr<Node>> open_;
  std::set<NodeId> started_;
  std::set<NodeId> paused_;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> schedule_;
  uint64_t next_seq_ = 0;
  mutable std::mutex observer_mutex_;
  std::shared_ptr<std::function<void(const Delivery&)>> observer_;
  uint64_t restarts_ = 0;
  Duration latency_{0};  // the running latency spike, kept across HealPartitions
};

// `count` loopback ports free now, below the kernel's ephemeral range (so the cluster's own
// outgoing connections cannot take them before the nodes listen), starting from a point `seed`
// picks. Fewer when that many are not free.
std::vector<uint16_t> FreeLoopbackPorts(size_t count, uint64_t seed);

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_REAL_CLUSTER_H_

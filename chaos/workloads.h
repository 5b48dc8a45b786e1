// Workloads of a chaos run: KV writers that keep a model of what the store must end up holding,
// and multicast senders whose every message is tracked to each receiver.
//
// Each tick picks a random node that is up (started, alive, not paused) and acts through it; a
// refused call (a node that just went down, back-pressure) is counted and leaves the model as
// it was. Delivery records may arrive from other threads (real mode) and are locked.
#ifndef LASHUP_CHAOS_WORKLOADS_H_
#define LASHUP_CHAOS_WORKLOADS_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "chaos/cluster.h"
#include "chaos/kv_model.h"
#include "core/rng.h"

namespace lashup::chaos {

// The nodes a workload may act through now.
std::vector<NodeId> UpNodes(const Cluster& cluster);

// Runs `tick` every `interval` from `start` while the cluster's clock is before `end`.
void Repeat(Cluster& cluster, Duration start, Duration end, Duration interval,
            std::function<void()> tick);

class KvWorkload {
 public:
  KvWorkload(Cluster& cluster, uint64_t seed, int keys);
  void Tick();

  const KvModel& model() const { return model_; }
  uint64_t acked() const { return acked_; }
  uint64_t refused() const { return refused_; }

 private:
  ModelWrite NextWrite(const NodeId& node, const Key& key);
  std::string NewElement(const NodeId& node);

  Cluster& cluster_;
  Rng rng_;
  std::vector<Key> keys_;
  KvModel model_;
  // Elements each node added to each key (acknowledged) and has not removed: only the node that
  // added an element removes it, so the model never meets a concurrent add and remove.
  std::map<std::pair<NodeId, Key>, std::vector<std::string>> owned_;
  uint64_t next_element_ = 0;
  int64_t next_timestamp_ = 1;
  uint64_t acked_ = 0;
  uint64_t refused_ = 0;
};

struct SentMessage {
  NodeId origin;
  Duration at{0};
  std::vector<NodeId> receivers;  // the nodes up when it was sent, the origin left out
};

class McWorkload {
 public:
  McWorkload(Cluster& cluster, uint64_t seed);
  void Tick();
  // The cluster's delivery observer: thread-safe.
  void OnDelivery(const Delivery& delivery);

  const std::vector<SentMessage>& sent() const { return sent_; }
  uint64_t refused() const { return refused_; }
  // How many times each message (by index in sent()) reached each node.
  std::map<std::pair<size_t, NodeId>, int> Deliveries() const;
  uint64_t stray_deliveries() const;  // payloads this workload did not send

 private:
  Cluster& cluster_;
  Rng rng_;
  std::vector<SentMessage> sent_;
  uint64_t refused_ = 0;
  mutable std::mutex mutex_;
  std::map<std::pair<size_t, NodeId>, int> deliveries_;
  uint64_t stray_ = 0;
};

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_WORKLOADS_H_

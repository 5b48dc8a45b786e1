// A simulated cluster of full node cores for the KV scenarios: formation, writes through a
// node's KvUpdate, and the checks the scenarios share (digests, KV traffic).
#ifndef LASHUP_TOOLS_LASHUP_SIM_KV_CLUSTER_H_
#define LASHUP_TOOLS_LASHUP_SIM_KV_CLUSTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "node/node_core.h"
#include "scenario_common.h"

namespace lashup::tools {

class KvCluster {
 public:
  explicit KvCluster(const ClusterOptions& options);

  NodeCore& Core(const NodeId& id) { return dynamic_cast<NodeCore&>(*world.GetCore(id)); }
  // Every live node's own tree reaches every live node.
  bool Formed();
  // The write's status (kResourceExhausted when the node pushes back).
  Status Update(const NodeId& id, const kv::KeyPath& key, std::vector<crdt::MapOp> ops);
  // Every live node in `among` (all live nodes if empty) has the same digest.
  bool SameDigests(const std::vector<NodeId>& among = {});
  // Keys (by encoded key) whose state differs between live nodes.
  size_t DivergedKeys();
  // Encoded bytes of KV traffic so far: multicast packets and acks, and anti-entropy.
  uint64_t KvBytes() const;
  uint64_t AntiEntropyBytes() const;
  std::vector<NodeId> Live() const;
  void Log(const char* what) const;

  const ClusterOptions options;
  SimWorld world;
  std::vector<NodeId> ids;
};

}  // namespace lashup::tools

#endif  // LASHUP_TOOLS_LASHUP_SIM_KV_CLUSTER_H_

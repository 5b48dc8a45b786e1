#include "kv_cluster.h"

#include <cstdio>
#include <map>
#include <set>

namespace lashup::tools {

KvCluster::KvCluster(const ClusterOptions& o) : options(o), world(SimOptionsFor(o)) {
  NodeCoreConfig config;
  for (uint64_t i = 0; i < 3; ++i) config.membership.contacts.push_back(NodeName(i));
  for (uint64_t i = 0; i < o.nodes; ++i) {
    ids.push_back(NodeName(i));
    (void)world.AddNode(ids.back(), NodeCoreFactory(config));
  }
}

std::vector<NodeId> KvCluster::Live() const {
  std::vector<NodeId> live;
  for (const NodeId& id : ids) {
    if (world.IsAlive(id)) live.push_back(id);
  }
  return live;
}

bool KvCluster::Formed() {
  const size_t live = Live().size();
  for (const NodeId& id : ids) {
    if (world.IsAlive(id) && Core(id).router().LocalTree().reached() != live) return false;
  }
  return true;
}

Status KvCluster::Update(const NodeId& id, const kv::KeyPath& key, std::vector<crdt::MapOp> ops) {
  Status status = UnavailableError("node is down");
  (void)world.Invoke(id, [&](lashup::Core& core, const Now& now, Effects& out) {
    status = dynamic_cast<NodeCore&>(core).KvUpdate(now, key, ops, std::nullopt, out).status();
  });
  return status;
}

bool KvCluster::SameDigests(const std::vector<NodeId>& among) {
  std::set<uint64_t> roots;
  for (const NodeId& id : among.empty() ? ids : among) {
    if (world.IsAlive(id)) roots.insert(Core(id).kv().store().digest().Hash(0, 0));
  }
  return roots.size() <= 1;
}

size_t KvCluster::DivergedKeys() {
  std::map<std::string, std::set<uint64_t>> states;
  const std::vector<NodeId> live = Live();
  for (const NodeId& id : live) {
    for (const auto& [key, entry] : Core(id).kv().store().entries()) {
      states[key].insert(entry.state_hash);
    }
  }
  size_t diverged = 0;
  for (const auto& [key, hashes] : states) {
    size_t holders = 0;
    for (const NodeId& id : live) holders += Core(id).kv().store().entries().count(key);
    if (hashes.size() > 1 || holders != live.size()) ++diverged;
  }
  return diverged;
}

uint64_t KvCluster::AntiEntropyBytes() const {
  uint64_t sum = 0;
  for (const char* kind : {"kv_ae_tree", "kv_ae_keys", "kv_ae_states"}) {
    auto it = world.stats().bytes_by_kind.find(kind);
    if (it != world.stats().bytes_by_kind.end()) sum += it->second;
  }
  return sum;
}

uint64_t KvCluster::KvBytes() const {
  uint64_t sum = AntiEntropyBytes();
  for (const char* kind : {"mc_packet", "mc_ack"}) {
    auto it = world.stats().bytes_by_kind.find(kind);
    if (it != world.stats().bytes_by_kind.end()) sum += it->second;
  }
  return sum;
}

void KvCluster::Log(const char* what) const {
  if (!options.quiet) std::fprintf(stderr, "[%9.3fs] %s\n", world.now().count() / 1e9, what);
}

}  // namespace lashup::tools

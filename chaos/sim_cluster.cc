#include "chaos/sim_cluster.h"

#include "core/check.h"
#include "kv/key_path.h"

namespace lashup::chaos {
namespace {

NodeId NodeName(int i) {
  char name[16];
  std::snprintf(name, sizeof(name), "n%02d", i + 1);
  return NodeId::FromLiteral(name);
}

}  // namespace

SimOptions SimCluster::WorldOptions(uint64_t seed) {
  SimOptions options;
  options.seed = seed;
  return options;
}

SimCluster::SimCluster(const SimClusterOptions& options)
    : options_(options), world_(WorldOptions(options.seed)) {
  base_network_ = NetworkConfig{};
  for (int i = 0; i < options.nodes; ++i) ids_.push_back(NodeName(i));
  for (int i = 0; i < options.contacts && i < options.nodes; ++i) {
    core_config_.membership.contacts.push_back(ids_[i]);
  }
  core_config_.topics.push_back(options.topic);
  if (options.disable_anti_entropy) {
    core_config_.kv.anti_entropy.disabled_for_testing = true;
  }
  world_.SetStepObserver(
      [this](const NodeId& node, Duration, const Effects& effects) { Observe(node, effects); });
}

Status SimCluster::Start(const NodeId& node) {
  LASHUP_RETURN_IF_ERROR(world_.AddNode(node, NodeCoreFactory(core_config_)));
  started_.insert(node);
  return Status::Ok();
}

void SimCluster::Schedule(Duration at, std::function<void()> action) {
  world_.Schedule(std::max(at, world_.now()), std::move(action));
}

bool SimCluster::RunUntil(const std::function<bool()>& done, Duration limit, Duration poll) {
  const Duration end = world_.now() + limit;
  while (!done()) {
    if (world_.now() >= end) return false;
    world_.RunUntil(std::min(end, world_.now() + poll));
  }
  return true;
}

Status SimCluster::SetClockSkew(const NodeId& node, Duration offset, int64_t drift_ppm) {
  LASHUP_RETURN_IF_ERROR(world_.SetClockOffset(node, offset));
  return world_.SetClockDrift(node, drift_ppm);
}

void SimCluster::SetNetworkDegradation(double loss, Duration extra_latency) {
  NetworkConfig network = base_network_;
  network.loss = loss;
  network.latency_mean += extra_latency;
  world_.SetNetwork(network);
}

Status SimCluster::CloseConnections(const NodeId&) {
  return UnimplementedError("the simulator cannot close one node's connections");
}

NodeCore* SimCluster::Core(const NodeId& node) {
  return dynamic_cast<NodeCore*>(world_.GetCore(node));
}

Status SimCluster::Update(const NodeId& node, const Key& key, std::vector<crdt::MapOp> ops) {
  if (world_.IsPaused(node)) return UnavailableError("node is paused");
  Status result = UnavailableError("node is down");
  Status invoked = world_.Invoke(node, [&](lashup::Core& core, const lashup::Now& now, Effects& out) {
    result = dynamic_cast<NodeCore&>(core).KvUpdate(now, key, ops, std::nullopt, out).status();
  });
  return invoked.ok() ? result : invoked;
}

Result<std::map<Key, crdt::MapValue>> SimCluster::Snapshot(const NodeId& node) {
  NodeCore* core = Core(node);
  if (core == nullptr) return UnavailableError("node is down");
  std::map<Key, crdt::MapValue> snapshot;
  LASHUP_ASSIGN_OR_RETURN(std::vector<kv::KeyPath> keys, core->kv().store().Keys({}));
  for (kv::KeyPath& key : keys) {
    LASHUP_ASSIGN_OR_RETURN(crdt::MapValue value, core->kv().store().Value(key));
    snapshot.emplace(std::move(key), std::move(value));
  }
  return snapshot;
}

Status SimCluster::Publish(const NodeId& node, const std::string& payload) {
  if (world_.IsPaused(node)) return UnavailableError("node is paused");
  Status result = UnavailableError("node is down");
  Status invoked = world_.Invoke(node, [&](lashup::Core& core, const lashup::Now& now, Effects& out) {
    result = dynamic_cast<NodeCore&>(core)
                 .Multicast(now, options_.topic,
                            std::vector<uint8_t>(payload.begin(), payload.end()), out)
                 .status();
  });
  return invoked.ok() ? result : invoked;
}

void SimCluster::Observe(const NodeId& node, const Effects& effects) {
  if (!on_delivery_) return;
  for (const Event& event : effects.events()) {
    const auto* delivered = std::get_if<McDelivered>(&event);
    if (delivered == nullptr || delivered->topic != options_.topic) continue;
    on_delivery_(Delivery{node, delivered->origin,
                          std::string(delivered->payload.begin(), delivered->payload.end())});
  }
}

Result<std::vector<NodeId>> SimCluster::ReachableFrom(const NodeId& node) {
  NodeCore* core = Core(node);
  if (core == nullptr) return UnavailableError("node is down");
  return core->router().ReachableNodes(node);
}

Result<size_t> SimCluster::MembersKnown(const NodeId& node) {
  NodeCore* core = Core(node);
  if (core == nullptr) return UnavailableError("node is down");
  return core->membership().global().members().size();
}

std::map<std::string, uint64_t> SimCluster::ProbeHits() const {
  const auto& probes = world_.stats().probes;
  return std::map<std::string, uint64_t>(probes.begin(), probes.end());
}

std::map<std::string, double> SimCluster::Figures() const {
  const SimStats& stats = world_.stats();
  return {
      {"messages_sent", static_cast<double>(stats.messages_sent)},
      {"messages_delivered", static_cast<double>(stats.messages_delivered)},
      {"dropped_loss", static_cast<double>(stats.dropped_loss)},
      {"dropped_partition", static_cast<double>(stats.dropped_partition)},
      {"link_downs", static_cast<double>(stats.link_downs)},
      {"bytes_encoded", static_cast<double>(stats.bytes_encoded)},
  };
}

}  // namespace lashup::chaos

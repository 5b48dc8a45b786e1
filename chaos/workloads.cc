#include "chaos/workloads.h"

#include <memory>

namespace lashup::chaos {

std::vector<NodeId> UpNodes(const Cluster& cluster) {
  std::vector<NodeId> up;
  for (const NodeId& node : cluster.nodes()) {
    if (cluster.Started(node) && cluster.Alive(node) && !cluster.Paused(node)) up.push_back(node);
  }
  return up;
}

void Repeat(Cluster& cluster, Duration start, Duration end, Duration interval,
            std::function<void()> tick) {
  if (start >= end) return;
  auto next = std::make_shared<std::function<void(Duration)>>();
  *next = [&cluster, end, interval, tick = std::move(tick), weak = std::weak_ptr(next)](
              Duration at) {
    tick();
    auto self = weak.lock();
    if (self && at + interval < end) {
      cluster.Schedule(at + interval, [self, at, interval] { (*self)(at + interval); });
    }
  };
  cluster.Schedule(start, [next, start] { (*next)(start); });
}

KvWorkload::KvWorkload(Cluster& cluster, uint64_t seed, int keys)
    : cluster_(cluster), rng_(seed) {
  for (int i = 0; i < keys; ++i) keys_.push_back({"chaos", "k" + std::to_string(i)});
}

std::string KvWorkload::NewElement(const NodeId& node) {
  return node.str() + "-" + std::to_string(next_element_++);
}

ModelWrite KvWorkload::NextWrite(const NodeId& node, const Key& key) {
  ModelWrite write;
  std::vector<std::string>& owned = owned_[{node, key}];
  const uint64_t roll = rng_.Uniform(100);
  if (roll < 15 && !owned.empty()) {
    const size_t i = static_cast<size_t>(rng_.Uniform(owned.size()));
    write.remove.push_back(owned[i]);
  } else if (roll < 45) {
    for (uint64_t n = 1 + rng_.Uniform(2); n > 0; --n) write.add.push_back(NewElement(node));
  } else if (roll < 65) {
    write.increment = static_cast<int64_t>(1 + rng_.Uniform(5));
  } else if (roll < 70) {
    write.enable = true;
  } else if (roll < 82) {
    write.assign = crdt::RegisterValue{node.str(), next_timestamp_++};
  } else if (roll < 94) {
    write.nested_add.push_back(NewElement(node));
  } else {  // several fields in one atomic update
    write.add.push_back(NewElement(node));
    write.increment = 1;
    write.assign = crdt::RegisterValue{node.str(), next_timestamp_++};
  }
  return write;
}

void KvWorkload::Tick() {
  const std::vector<NodeId> up = UpNodes(cluster_);
  if (up.empty()) return;
  const NodeId node = rng_.Pick(up);
  const Key key = rng_.Pick(keys_);
  const ModelWrite write = NextWrite(node, key);
  if (!cluster_.Update(node, key, write.Ops()).ok()) {
    ++refused_;
    return;
  }
  ++acked_;
  model_.Apply(key, write);
  std::vector<std::string>& owned = owned_[{node, key}];
  owned.insert(owned.end(), write.add.begin(), write.add.end());
  for (const std::string& gone : write.remove) std::erase(owned, gone);
}

McWorkload::McWorkload(Cluster& cluster, uint64_t seed) : cluster_(cluster), rng_(seed) {}

void McWorkload::Tick() {
  const std::vector<NodeId> up = UpNodes(cluster_);
  if (up.empty()) return;
  const NodeId origin = rng_.Pick(up);
  const size_t index = sent_.size();
  if (!cluster_.Publish(origin, "m" + std::to_string(index)).ok()) {
    ++refused_;
    return;
  }
  SentMessage message{origin, cluster_.Now(), {}};
  for (const NodeId& node : up) {
    if (node != origin) message.receivers.push_back(node);
  }
  sent_.push_back(std::move(message));
}

void McWorkload::OnDelivery(const Delivery& delivery) {
  std::lock_guard lock(mutex_);
  const std::string& p = delivery.payload;
  if (p.size() < 2 || p[0] != 'm' || p.find_first_not_of("0123456789", 1) != std::string::npos) {
    ++stray_;
    return;
  }
  ++deliveries_[{std::stoull(p.substr(1)), delivery.receiver}];
}

std::map<std::pair<size_t, NodeId>, int> McWorkload::Deliveries() const {
  std::lock_guard lock(mutex_);
  return deliveries_;
}

uint64_t McWorkload::stray_deliveries() const {
  std::lock_guard lock(mutex_);
  return stray_;
}

}  // namespace lashup::chaos

#include "node/node_core.h"

#include <memory>
#include <utility>

namespace lashup {

NodeCoreConfig NodeCoreConfig::Lan() { return NodeCoreConfig{}; }

NodeCoreConfig NodeCoreConfig::Wan() {
  NodeCoreConfig config;
  config.membership = membership::MembershipConfig::Wan();
  // Longer, lossier links: wait longer before a first resend, and allow longer ones.
  config.multicast.retransmit.initial_rto = std::chrono::milliseconds(300);
  config.multicast.retransmit.min_rto = std::chrono::milliseconds(100);
  config.multicast.retransmit.max_rto = std::chrono::seconds(5);
  config.routing.unmeasured_rtt_us = 50'000;
  return config;
}

NodeCoreConfig NodeCoreConfig::Local() {
  NodeCoreConfig config;
  config.membership = membership::MembershipConfig::Local();
  config.multicast.retransmit.initial_rto = std::chrono::milliseconds(20);
  config.multicast.retransmit.min_rto = std::chrono::milliseconds(10);
  config.routing.unmeasured_rtt_us = 200;
  config.routing.hop_cost_us = 200;
  return config;
}

NodeCore::NodeCore(const CoreContext& context, NodeCoreConfig config)
    : membership_(context, std::move(config.membership)),
      router_(context.self, config.routing),
      // Its own stream: the membership core draws from the context's seed as it is.
      multicast_(context.self, config.multicast, Mix64(context.seed ^ 0x6d756c7469636173ULL)),
      kv_(context, std::move(config.kv)) {
  for (const std::string& topic : config.topics) multicast_.Subscribe(topic);
  multicast_.Subscribe(kv::kKvTopic);
}

void NodeCore::Start(const Now& now, Effects& out) {
  const size_t first_event = out.events().size();
  membership_.Start(now, out);
  multicast_.Start(membership_.epoch());
  kv_.Start(now, out);
  RouteMemberEvents(now, first_event, out);
}

void NodeCore::OnMessage(const Now& now, const NodeId& from, const Message& message,
                         Effects& out) {
  const size_t first_event = out.events().size();
  if (multicast_.OnMessage(now, from, message, router_, out)) {
    RouteKvDeltas(now, first_event, out);
    return;
  }
  if (kv_.OnMessage(now, from, message, out)) return;
  membership_.OnMessage(now, from, message, out);
  RouteMemberEvents(now, first_event, out);
}

void NodeCore::OnTimer(const Now& now, TimerId timer, Effects& out) {
  switch (timer.component) {
    case Component::kRouting:
      router_.OnTimer(now, timer, out);
      return;
    case Component::kMulticast:
      multicast_.OnTimer(now, timer, router_, out);
      return;
    case Component::kKv:
    case Component::kAntiEntropy:
      kv_.OnTimer(now, timer, membership_.hyparview().active(), out);
      return;
    default:
      break;
  }
  const size_t first_event = out.events().size();
  membership_.OnTimer(now, timer, out);
  RouteMemberEvents(now, first_event, out);
}

void NodeCore::OnConnection(const Now& now, const NodeId& peer, LinkState state,
                            Effects& out) {
  multicast_.OnConnection(now, peer, state, router_, out);
  const size_t first_event = out.events().size();
  membership_.OnConnection(now, peer, state, out);
  RouteMemberEvents(now, first_event, out);
  kv_.OnConnection(now, peer, state, out);
}

void NodeCore::CheckInvariants() const { membership_.CheckInvariants(); }

Result<uint64_t> NodeCore::Multicast(const Now& now, const std::string& topic,
                                     std::vector<uint8_t> payload, Effects& out) {
  return multicast_.Send(now, topic, std::move(payload), router_, out);
}

void NodeCore::RouteMemberEvents(const Now& now, size_t first_event, Effects& out) {
  // The router appends its own events as it goes: only the membership's are walked.
  const size_t end = out.events().size();
  const auto& members = membership_.global().members();
  bool graph_changed = false;
  for (size_t i = first_event; i < end; ++i) {
    // Copied: the router's own events may grow the vector under a reference.
    const Event event = out.events()[i];
    if (const auto* removed = std::get_if<MemberRemoved>(&event)) {
      router_.RemoveMember(now, removed->node, out);
      multicast_.ForgetOrigin(removed->node);
      kv_.ForgetOrigin(removed->node);
      graph_changed = true;
      continue;
    }
    const NodeId* node = nullptr;
    if (const auto* added = std::get_if<MemberAdded>(&event)) node = &added->node;
    if (const auto* changed = std::get_if<MemberChanged>(&event)) node = &changed->node;
    if (node == nullptr) continue;
    auto it = members.find(*node);
    if (it != members.end()) {
      router_.SetLinks(now, *node, it->second.links, out);
      graph_changed = true;
    }
  }
  if (graph_changed) multicast_.OnGraphChanged(now, router_, out);
}

void NodeCore::Unsubscribe(const std::string& topic) {
  if (topic != kv::kKvTopic) multicast_.Unsubscribe(topic);
}

void NodeCore::RouteKvDeltas(const Now& now, size_t first_event, Effects& out) {
  std::vector<Event>& events = out.mutable_events();
  size_t kept = first_event;
  for (size_t i = first_event; i < events.size(); ++i) {
    auto* delivered = std::get_if<McDelivered>(&events[i]);
    if (delivered != nullptr && delivered->topic == kv::kKvTopic) {
      const McDelivered delta = std::move(*delivered);
      kv_.OnDelivered(now, delta, out);  // may append KvChanged events: indices stay valid
      continue;
    }
    if (kept != i) events[kept] = std::move(events[i]);
    ++kept;
  }
  events.resize(kept);
}

Result<crdt::MapValue> NodeCore::ShipKv(const Now& now, Result<kv::KvCore::Outcome> outcome,
                                        Effects& out) {
  if (!outcome.ok()) return outcome.status();
  // Applied and persisted already: if multicast refuses the payload (too large), anti-entropy
  // still brings the change to every node. No payload: the update changed nothing.
  if (!outcome->payload.empty() &&
      !multicast_.Send(now, kv::kKvTopic, std::move(outcome->payload), router_, out).ok()) {
    ++kv_multicast_failures_;
  }
  return std::move(outcome->value);
}

Result<crdt::MapValue> NodeCore::KvUpdate(const Now& now, const kv::KeyPath& key,
                                          const std::vector<crdt::MapOp>& ops,
                                          const std::optional<crdt::VersionVector>& expected,
                                          Effects& out) {
  return ShipKv(now, kv_.Update(now, key, ops, expected, multicast_.unacked(), out), out);
}

Result<crdt::MapValue> NodeCore::KvDelete(const Now& now, const kv::KeyPath& key,
                                          const std::optional<crdt::VersionVector>& observed,
                                          Effects& out) {
  return ShipKv(now, kv_.Delete(now, key, observed, multicast_.unacked(), out), out);
}

CoreFactory NodeCoreFactory(NodeCoreConfig config) {
  return [config](const CoreContext& context) -> std::unique_ptr<Core> {
    return std::make_unique<NodeCore>(context, config);
  };
}

}  // namespace lashup

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
      multicast_(context.self, config.multicast, Mix64(context.seed ^ 0x6d756c7469636173ULL)) {
  for (const std::string& topic : config.topics) multicast_.Subscribe(topic);
}

void NodeCore::Start(const Now& now, Effects& out) {
  const size_t first_event = out.events().size();
  membership_.Start(now, out);
  multicast_.Start(membership_.epoch());
  RouteMemberEvents(now, first_event, out);
}

void NodeCore::OnMessage(const Now& now, const NodeId& from, const Message& message,
                         Effects& out) {
  if (multicast_.OnMessage(now, from, message, router_, out)) return;
  const size_t first_event = out.events().size();
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

CoreFactory NodeCoreFactory(NodeCoreConfig config) {
  return [config](const CoreContext& context) -> std::unique_ptr<Core> {
    return std::make_unique<NodeCore>(context, config);
  };
}

}  // namespace lashup

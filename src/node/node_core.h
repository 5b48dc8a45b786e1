// NodeCore: one node's protocol cores composed into one Core: membership (overlay, failure
// detector, global table), routing (shortest-path trees and reachability over that table) and
// multicast. The KV store joins later.
//
// Contract: deterministic and sans-IO like every core. It routes each input to the component
// that owns it (messages by kind, timers by component) and the components' notices to the
// others in one fixed place: every member record the membership table stores or forgets goes
// to the router (so reachability and trees follow the table within the same step), a forgotten
// origin's multicast window goes too, and connection notices reach both membership and
// multicast. Components never call each other. Thread-compatible: one driver thread.
#ifndef LASHUP_NODE_NODE_CORE_H_
#define LASHUP_NODE_NODE_CORE_H_

#include <string>
#include <vector>

#include "core/core.h"
#include "membership/membership_core.h"
#include "routing/multicast.h"
#include "routing/router.h"

namespace lashup {

struct NodeCoreConfig {
  // Presets like memberlist's (docs/routing.md and docs/membership.md list the values).
  static NodeCoreConfig Lan();
  static NodeCoreConfig Wan();
  static NodeCoreConfig Local();

  membership::MembershipConfig membership = membership::MembershipConfig::Lan();
  routing::RoutingConfig routing;
  routing::MulticastConfig multicast;
  // Topics subscribed from the start (more with Subscribe).
  std::vector<std::string> topics;
};

class NodeCore final : public Core {
 public:
  NodeCore(const CoreContext& context, NodeCoreConfig config);

  void Start(const Now& now, Effects& out) override;
  void OnMessage(const Now& now, const NodeId& from, const Message& message,
                 Effects& out) override;
  void OnTimer(const Now& now, TimerId timer, Effects& out) override;
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out) override;
  void CheckInvariants() const override;

  // Sends `payload` to every subscriber of `topic` (see routing::Multicast::Send).
  Result<uint64_t> Multicast(const Now& now, const std::string& topic,
                             std::vector<uint8_t> payload, Effects& out);
  void Subscribe(const std::string& topic) { multicast_.Subscribe(topic); }
  void Unsubscribe(const std::string& topic) { multicast_.Unsubscribe(topic); }

  const membership::MembershipCore& membership() const { return membership_; }
  membership::MembershipCore& mutable_membership() { return membership_; }
  routing::Router& router() { return router_; }
  const routing::Multicast& multicast() const { return multicast_; }

 private:
  // Hands the member records that the step's membership events name to the router.
  void RouteMemberEvents(const Now& now, size_t first_event, Effects& out);

  membership::MembershipCore membership_;
  routing::Router router_;
  routing::Multicast multicast_;
};

CoreFactory NodeCoreFactory(NodeCoreConfig config);

}  // namespace lashup

#endif  // LASHUP_NODE_NODE_CORE_H_

// NodeCore: one node's protocol cores composed into one Core: membership (overlay, failure
// detector, global table), routing (shortest-path trees and reachability over that table) and
// multicast, and the KV store (deltas over multicast, anti-entropy with active neighbours).
//
// Contract: deterministic and sans-IO like every core. It routes each input to the component
// that owns it (messages by kind, timers by component) and the components' notices to the
// others in one fixed place: every member record the membership table stores or forgets goes
// to the router (so reachability and trees follow the table within the same step), a forgotten
// origin's multicast window goes too, and connection notices reach both membership and
// multicast, KV deltas delivered on kv::kKvTopic go to the KV store (never to the application),
// and the KV store's payloads go out through multicast. Components never call each other. Thread-compatible: one driver thread.
#ifndef LASHUP_NODE_NODE_CORE_H_
#define LASHUP_NODE_NODE_CORE_H_

#include <string>
#include <vector>

#include "core/core.h"
#include "kv/kv_core.h"
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
  kv::KvConfig kv;
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
  // The KV topic stays subscribed whatever the caller says.
  void Unsubscribe(const std::string& topic);

  // KV store (kv/kv_store.h): applies, persists and multicasts the delta; returns the value.
  Result<crdt::MapValue> KvUpdate(const Now& now, const kv::KeyPath& key,
                                  const std::vector<crdt::MapOp>& ops,
                                  const std::optional<crdt::VersionVector>& expected,
                                  Effects& out);
  Result<crdt::MapValue> KvDelete(const Now& now, const kv::KeyPath& key,
                                  const std::optional<crdt::VersionVector>& observed,
                                  Effects& out);
  Result<uint64_t> KvSubscribe(const kv::KeyPath& prefix, Effects& out) {
    return kv_.mutable_store().Subscribe(prefix, out);
  }
  void KvUnsubscribe(uint64_t id) { kv_.mutable_store().Unsubscribe(id); }
  const kv::KvCore& kv() const { return kv_; }

  const membership::MembershipCore& membership() const { return membership_; }
  membership::MembershipCore& mutable_membership() { return membership_; }
  routing::Router& router() { return router_; }
  const routing::Multicast& multicast() const { return multicast_; }

 private:
  // Hands the member records that the step's membership events name to the router.
  void RouteMemberEvents(const Now& now, size_t first_event, Effects& out);
  // Takes KV deltas out of the step's multicast deliveries and gives them to the KV store.
  void RouteKvDeltas(const Now& now, size_t first_event, Effects& out);
  Result<crdt::MapValue> ShipKv(const Now& now, Result<kv::KvCore::Outcome> outcome,
                                Effects& out);

  membership::MembershipCore membership_;
  routing::Router router_;
  routing::Multicast multicast_;
  kv::KvCore kv_;
  uint64_t kv_multicast_failures_ = 0;
};

CoreFactory NodeCoreFactory(NodeCoreConfig config);

}  // namespace lashup

#endif  // LASHUP_NODE_NODE_CORE_H_

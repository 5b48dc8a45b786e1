// Multicast: tree multicast over the membership graph, with topics and exactly-once delivery.
//
// Contract: Send(topic, payload) numbers a message (origin, incarnation, seq) and sends it
// down this node's shortest-path tree and down `extra_trees` more, rooted at random open
// neighbours. A packet carries the message and the root of the tree it follows, never the tree:
// each receiver forwards it to its own children in that root's tree, computed from its own copy
// of the graph (the Router), so nodes agree as far as their graphs agree and the extra trees
// cover the rest while the graph is in flux. A receiver whose graph does not place it in the
// copy's tree at all sends it to every neighbour. Every hop is acknowledged; a parent resends a copy
// its child did not acknowledge (LinkOutbox), so lost packets are repaired where they were lost.
// A child that cannot be reached (no connection, out of retries, or its link went down with
// copies waiting) is bypassed: its parent hands the copy straight to the child's own children
// in that tree, opening short-lived connections if it must, so one failed node or link costs
// its subtree nothing. A child without a connection also gets one copy over a short-lived one
// (its link may be on its way up). Copies forwarded in the last second are kept, and when the
// graph changes, children that this node's trees gained get them too: once graphs agree again,
// every node has had each recent message from its parent in the agreed tree.
// A receiver delivers each message at most once (DeliveryWindow) and only on topics it
// subscribes to; the origin does not deliver its own. Each (message, tree) is forwarded once.
// Nothing is replayed to late subscribers, and there is no ordering guarantee. Memory is
// bounded: a window per origin (dropped when the origin leaves the table), a bounded memory of
// forwarded copies, a bounded outbox per link.
//
// Sans-IO and deterministic; composed by the node core, which passes the Router to each call
// that forwards. docs/routing.md explains the choices.
#ifndef LASHUP_ROUTING_MULTICAST_H_
#define LASHUP_ROUTING_MULTICAST_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/core.h"
#include "core/effects.h"
#include "core/message.h"
#include "core/rng.h"
#include "lashup/status.h"
#include "routing/delivery_window.h"
#include "routing/link_outbox.h"
#include "routing/router.h"

namespace lashup::routing {

struct MulticastConfig {
  // Trees beyond the origin's own, rooted at its neighbours: each covers, at the price of one
  // more copy per node, a node that dies or a graph that changes while a message is under way.
  // None by default: per-hop resends already repair lost packets, and one extra tree doubles
  // the bytes (at 100 nodes, 620 instead of 310 bytes per node for a 100-byte message).
  uint32_t extra_trees = 0;
  // Hops a copy may take: trees are shallow; this only stops a copy that graphs in flux send
  // round in circles.
  uint32_t ttl = 32;
  size_t max_payload_bytes = size_t{1} << 20;
  RetransmitConfig retransmit;
  // (message, tree) pairs remembered as forwarded; older ones may be forwarded again if a late
  // copy arrives (receivers still deliver once).
  size_t forward_memory = 1 << 16;
  // Copies forwarded within this window are kept (up to the bounds below); when the graph
  // changes, a child that this node's tree gained meanwhile gets them too. While a record
  // floods, nodes disagree about who is whose parent, and a child that each candidate thinks
  // the other's could miss a message; once the graphs agree, its parent has sent it. Zero
  // turns this off.
  Duration repair_window = std::chrono::seconds(1);
  // Delivery windows kept (one per origin). Beyond this, windows of origins the graph no
  // longer knows go; if that is not enough, copies from new origins are dropped (a peer
  // inventing origin names cannot grow memory without bound).
  size_t max_origins = 1 << 16;
  size_t repair_max_messages = 1024;
  size_t repair_max_bytes = size_t{8} << 20;
};

enum class MulticastTimer : uint32_t { kRetransmit = 1 };

struct MulticastStats {
  uint64_t sent = 0;            // messages this node originated
  uint64_t delivered = 0;       // to local subscribers
  uint64_t duplicates = 0;      // copies of messages already delivered or seen
  uint64_t unsubscribed = 0;    // new messages on topics nobody here subscribes to
  uint64_t too_old = 0;         // below the origin's window, or from an older incarnation
  uint64_t origins_refused = 0;  // copies from a new origin while max_origins windows exist
  uint64_t forwarded = 0;       // copies sent to children (first sends)
  uint64_t retransmitted = 0;
  uint64_t given_up = 0;        // copies never acknowledged
  uint64_t ttl_expired = 0;
  uint64_t off_tree = 0;        // copies this node cannot place in their tree (sent to all)
  uint64_t unconnected_children = 0;  // tree children without a connection (graph in flux)
  uint64_t bypassed = 0;        // copies handed to an unreachable child's children instead
  uint64_t resent_on_change = 0;  // recent copies sent to children a graph change brought
  uint64_t acks_sent = 0;
};

class Multicast {
 public:
  Multicast(NodeId self, MulticastConfig config, uint64_t seed);

  // `incarnation` grows with every start of this node (the membership epoch).
  void Start(uint64_t incarnation);
  // Sends `payload` on `topic`; returns the message's sequence number. kInvalidArgument for an
  // empty or over-long topic or an over-large payload; kFailedPrecondition before Start.
  Result<uint64_t> Send(const Now& now, const std::string& topic, std::vector<uint8_t> payload,
                        Router& router, Effects& out);
  void Subscribe(const std::string& topic) { topics_.insert(topic); }
  void Unsubscribe(const std::string& topic) { topics_.erase(topic); }

  // Handles McPacket and McAck; false for other messages.
  bool OnMessage(const Now& now, const NodeId& from, const Message& message, Router& router,
                 Effects& out);
  void OnTimer(const Now& now, const TimerId& timer, Router& router, Effects& out);
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Router& router,
                    Effects& out);
  // The router's graph changed: recent copies go to children this node's trees gained.
  void OnGraphChanged(const Now& now, Router& router, Effects& out);
  // `origin` left the membership table: its window goes.
  void ForgetOrigin(const NodeId& origin) { windows_.erase(origin); }

  const MulticastStats& stats() const { return stats_; }
  size_t unacked() const;

 private:
  struct Link {
    uint64_t id = 0;  // the retransmit timer's key
    LinkOutbox outbox;
    std::optional<Instant> timer_at;
  };

  void OnPacket(const Now& now, const NodeId& from, const McPacket& packet, Router& router,
                Effects& out);
  void OnAck(const Now& now, const NodeId& from, const McAck& ack);
  // The delivery window of `origin`, made if there is room (see max_origins); null if not.
  DeliveryWindow* WindowOf(const NodeId& origin, const Router& router);
  // Sends `packet` to this node's children in `packet.root`'s tree (but `from`), once per
  // message and tree.
  void Forward(const Now& now, const NodeId* from, McPacket packet, Router& router,
               Effects& out);
  // This node's children in `root`'s tree, sorted; nullopt if its graph leaves it off the tree.
  std::optional<std::vector<NodeId>> ChildrenIn(const NodeId& root, Router& router);
  void SendToChildren(const Now& now, const std::vector<NodeId>& children,
                      const McPacket& packet, Router& router, Effects& out);
  // Keeps a forwarded copy for repair_window, with whom it went to (and came from).
  void Remember(const Now& now, McPacket packet, std::vector<NodeId> sent_to,
                const NodeId* from);
  // First-time marking of (message, tree) as forwarded; false if it already was.
  bool MarkForwarded(const McPacket& packet);
  void SendOnLink(const Now& now, const NodeId& peer, McPacket packet, Router& router,
                  Effects& out);
  // `child` cannot take `packet`: its children in the packet's tree get it instead.
  void Bypass(const Now& now, const NodeId& child, const McPacket& packet, Router& router,
              Effects& out);
  void ArmTimer(Link& link, Effects& out);
  std::vector<NodeId> ExtraRoots(Router& router);

  const NodeId self_;
  const MulticastConfig config_;
  Rng rng_;
  bool started_ = false;
  uint64_t incarnation_ = 0;
  uint64_t next_seq_ = 1;
  std::set<std::string> topics_;
  std::map<NodeId, DeliveryWindow> windows_;
  std::unordered_set<uint64_t> forwarded_;
  std::deque<uint64_t> forwarded_order_;
  std::set<NodeId> connected_;
  std::map<NodeId, Link> links_;
  std::map<uint64_t, NodeId> link_by_id_;
  struct Recent {
    Instant until;
    McPacket packet;
    std::vector<NodeId> sent_to;
  };
  std::deque<Recent> recent_;
  size_t recent_bytes_ = 0;
  uint64_t next_link_id_ = 1;
  MulticastStats stats_;
};

}  // namespace lashup::routing

#endif  // LASHUP_ROUTING_MULTICAST_H_

// Router: shortest-path trees over the membership table, the queries built on them, and the
// rate-limited notice that this node's own tree changed.
//
// Contract: the caller feeds every member record (SetLinks) and every forgotten member
// (RemoveMember); the router keeps them as a Graph whose edge weights are the links' measured
// round trips (or 1 each with `unit_weights`). A held link (GmLink.held: broken in an asymmetric
// cut, its peer alive) costs `held_weight` more, so it carries a path only where no open link
// does: it keeps its peer reachable but is never preferred for forwarding. Trees are computed on
// demand and cached per root within a byte budget (least recently used go first); the local
// tree is always kept. A change invalidates exactly the cached trees it alters: a tree edge that
// vanished or changed weight, or an edge that gives some vertex a shorter path or a smaller-id
// parent at the same distance. Queries about an unknown node answer "unreachable".
//
// Events: when the local tree changes (parents or distances), or a node enters or leaves the
// graph (the unreachable set may change with no tree change), a RoutesChanged event goes out at
// once if none went out within `event_interval`, else at the end of that interval with the
// state as it is then: bursts coalesce, and the last state is always delivered.
//
// Sans-IO and deterministic; one driver thread calls it.
#ifndef LASHUP_ROUTING_ROUTER_H_
#define LASHUP_ROUTING_ROUTER_H_

#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/effects.h"
#include "core/membership_messages.h"
#include "lashup/types.h"
#include "routing/graph.h"
#include "routing/shortest_path_tree.h"

namespace lashup::routing {

struct RoutingConfig {
  // Hop counts instead of round trips.
  bool unit_weights = false;
  // The weight of a link whose round trip is not measured yet (microseconds).
  uint32_t unmeasured_rtt_us = 1000;
  // Added to every link's round trip: each hop costs a receive, a decode and a send that the
  // round trip does not show. Without it, trees on a LAN follow chains of slightly faster links
  // (lashup-sim multicast, 1,000 nodes: 15 hops deep instead of 12, latency p99 34 ms instead
  // of 24); with it, a detour must save more than a hop's cost.
  uint32_t hop_cost_us = 1000;
  // Added to a held link's weight: larger than any path of open links can cost.
  uint64_t held_weight = uint64_t{1} << 40;
  // Cached trees of other roots (the local tree is extra). At 1,000 members a tree takes about
  // 20 KB, so the default keeps about 1,600.
  size_t tree_cache_bytes = size_t{32} << 20;
  Duration event_interval = std::chrono::milliseconds(200);
};

enum class RoutingTimer : uint32_t { kNotify = 1 };

struct RouterStats {
  uint64_t trees_computed = 0;
  uint64_t cache_hits = 0;
  uint64_t trees_invalidated = 0;
  uint64_t trees_evicted = 0;
  uint64_t events_emitted = 0;
};

class Router {
 public:
  Router(NodeId self, RoutingConfig config);

  // `node`'s record now lists `links` (its whole adjacency).
  void SetLinks(const Now& now, const NodeId& node, const std::vector<GmLink>& links,
                Effects& out);
  // `node`'s record is gone (forgotten by the table).
  void RemoveMember(const Now& now, const NodeId& node, Effects& out);
  void OnTimer(const Now& now, const TimerId& timer, Effects& out);

  // The tree rooted at `root`, or null if the graph does not know `root`. Valid until the next
  // SetLinks or RemoveMember.
  const ShortestPathTree* Tree(const NodeId& root);
  const ShortestPathTree& LocalTree();
  const Graph& graph() const { return graph_; }
  const NodeId& self() const { return self_; }

  // From this node unless `from` is given. nullopt: unreachable (or unknown).
  std::optional<uint64_t> Distance(const NodeId& to);
  std::optional<uint64_t> Distance(const NodeId& from, const NodeId& to);
  // `from` first, `to` last; empty if unreachable.
  std::vector<NodeId> Path(const NodeId& from, const NodeId& to);
  // Whether this node reaches `node`: the cluster-wide answer to "is it up?".
  bool Reachable(const NodeId& node);
  // The nodes `root`'s tree reaches (root included) or does not reach, sorted.
  std::vector<NodeId> ReachableNodes(const NodeId& root);
  std::vector<NodeId> UnreachableNodes(const NodeId& root);
  // The nodes `of` forwards to in `root`'s tree, sorted.
  std::vector<NodeId> Children(const NodeId& root, const NodeId& of);

  // This node's open links as its own record lists them (held ones excluded), sorted.
  std::vector<NodeId> OpenLinks() const;

  const RouterStats& stats() const { return stats_; }
  size_t cached_trees() const { return cache_.size(); }

 private:
  struct Cached {
    ShortestPathTree tree;
    std::list<Vertex>::iterator lru;
  };

  uint64_t WeightOf(const GmLink& link) const;
  // Drops the cached trees `changes` (of `from`'s edges) alter.
  void Invalidate(Vertex from, const std::vector<EdgeChange>& changes);
  bool Alters(const ShortestPathTree& tree, Vertex from, const EdgeChange& change) const;
  void Evict();
  // Emits RoutesChanged now or arms the timer (see the contract).
  void LocalMaybeChanged(const Now& now, Effects& out);
  void Notify(const Now& now, Effects& out);
  std::vector<NodeId> Names(const ShortestPathTree& tree, bool reached) const;

  const NodeId self_;
  const RoutingConfig config_;
  Graph graph_;
  Vertex self_vertex_;
  std::optional<ShortestPathTree> local_;
  std::unordered_map<Vertex, Cached> cache_;
  std::list<Vertex> lru_;  // most recent first
  size_t cache_bytes_ = 0;
  // What the last RoutesChanged said.
  std::optional<ShortestPathTree> notified_tree_;
  std::vector<NodeId> notified_reachable_;
  std::vector<NodeId> notified_unreachable_;
  uint64_t notified_names_generation_ = UINT64_MAX;
  std::optional<Instant> last_notify_;
  bool notify_armed_ = false;
  RouterStats stats_;
};

}  // namespace lashup::routing

#endif  // LASHUP_ROUTING_ROUTER_H_

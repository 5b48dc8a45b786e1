#include "routing/router.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace lashup::routing {
namespace {

TimerId NotifyTimer() {
  return {Component::kRouting, static_cast<uint32_t>(RoutingTimer::kNotify), 0};
}

std::vector<NodeId> Minus(const std::vector<NodeId>& a, const std::vector<NodeId>& b) {
  std::vector<NodeId> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

Router::Router(NodeId self, RoutingConfig config)
    : self_(std::move(self)), config_(config), self_vertex_(graph_.Pin(self_)) {
  notified_reachable_ = {self_};
}

uint64_t Router::WeightOf(const GmLink& link) const {
  uint64_t weight = 1;
  if (!config_.unit_weights) {
    weight = uint64_t{link.rtt_us > 0 ? link.rtt_us : config_.unmeasured_rtt_us} +
             config_.hop_cost_us;
  }
  weight = std::max<uint64_t>(weight, 1);
  return link.held ? weight + config_.held_weight : weight;
}

void Router::SetLinks(const Now& now, const NodeId& node, const std::vector<GmLink>& links,
                      Effects& out) {
  const Vertex from = graph_.Intern(node);
  std::vector<Edge> edges;
  edges.reserve(links.size());
  for (const GmLink& link : links) {
    if (link.peer == node || !link.peer.valid()) continue;
    edges.push_back({graph_.Intern(link.peer), WeightOf(link)});
  }
  // A record lists each peer once; should a malformed one repeat a peer, keep the cheapest.
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return a.to != b.to ? a.to < b.to : a.weight < b.weight;
  });
  edges.erase(std::unique(edges.begin(), edges.end(),
                          [](const Edge& a, const Edge& b) { return a.to == b.to; }),
              edges.end());
  Invalidate(from, graph_.SetEdges(from, std::move(edges)));
  LocalMaybeChanged(now, out);
}

void Router::RemoveMember(const Now& now, const NodeId& node, Effects& out) {
  std::optional<Vertex> from = graph_.Find(node);
  if (!from) return;
  std::vector<EdgeChange> changes = graph_.RemoveRecord(node);
  Invalidate(*from, changes);
  LocalMaybeChanged(now, out);
}

bool Router::Alters(const ShortestPathTree& tree, Vertex from, const EdgeChange& change) const {
  const Vertex to = change.to;
  if (to == tree.root()) return false;
  // A tree edge that vanished or changed weight moves `to` (and its subtree).
  if (change.old_weight != 0 && tree.Parent(to) == from) return true;
  if (change.new_weight == 0 || !tree.Reaches(from)) return false;
  const uint64_t through = tree.Distance(from) + change.new_weight;
  if (through != tree.Distance(to)) return through < tree.Distance(to);
  return graph_.Name(from) < graph_.Name(tree.Parent(to));
}

void Router::Invalidate(Vertex from, const std::vector<EdgeChange>& changes) {
  if (changes.empty()) return;
  const auto alters = [&](const ShortestPathTree& tree) {
    return std::any_of(changes.begin(), changes.end(),
                       [&](const EdgeChange& c) { return Alters(tree, from, c); });
  };
  if (local_ && alters(*local_)) {
    local_.reset();
    ++stats_.trees_invalidated;
  }
  for (auto it = cache_.begin(); it != cache_.end();) {
    // A root whose vertex was freed may come back as another node under the same number.
    if (!graph_.InUse(it->first) || alters(it->second.tree)) {
      cache_bytes_ -= it->second.tree.MemoryBytes();
      lru_.erase(it->second.lru);
      it = cache_.erase(it);
      ++stats_.trees_invalidated;
    } else {
      ++it;
    }
  }
}

const ShortestPathTree& Router::LocalTree() {
  if (!local_) {
    local_ = ShortestPathTree::Compute(graph_, self_vertex_);
    ++stats_.trees_computed;
  }
  return *local_;
}

const ShortestPathTree* Router::Tree(const NodeId& root) {
  if (root == self_) return &LocalTree();
  std::optional<Vertex> v = graph_.Find(root);
  if (!v) return nullptr;
  if (auto it = cache_.find(*v); it != cache_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    ++stats_.cache_hits;
    return &it->second.tree;
  }
  ShortestPathTree tree = ShortestPathTree::Compute(graph_, *v);
  ++stats_.trees_computed;
  cache_bytes_ += tree.MemoryBytes();
  lru_.push_front(*v);
  Cached& cached = cache_.emplace(*v, Cached{std::move(tree), lru_.begin()}).first->second;
  Evict();
  // The new tree is the most recent, so eviction spares it unless it alone exceeds the budget;
  // then it stays until the next tree replaces it.
  return &cached.tree;
}

void Router::Evict() {
  while (cache_bytes_ > config_.tree_cache_bytes && cache_.size() > 1) {
    const Vertex oldest = lru_.back();
    auto it = cache_.find(oldest);
    cache_bytes_ -= it->second.tree.MemoryBytes();
    lru_.pop_back();
    cache_.erase(it);
    ++stats_.trees_evicted;
  }
}

std::optional<uint64_t> Router::Distance(const NodeId& to) { return Distance(self_, to); }

std::optional<uint64_t> Router::Distance(const NodeId& from, const NodeId& to) {
  const ShortestPathTree* tree = Tree(from);
  std::optional<Vertex> v = graph_.Find(to);
  if (tree == nullptr || !v || !tree->Reaches(*v)) return std::nullopt;
  return tree->Distance(*v);
}

std::vector<NodeId> Router::Path(const NodeId& from, const NodeId& to) {
  const ShortestPathTree* tree = Tree(from);
  std::optional<Vertex> v = graph_.Find(to);
  if (tree == nullptr || !v) return {};
  std::vector<NodeId> path;
  for (Vertex hop : tree->PathTo(*v)) path.push_back(graph_.Name(hop));
  return path;
}

bool Router::Reachable(const NodeId& node) {
  if (node == self_) return true;
  std::optional<Vertex> v = graph_.Find(node);
  return v && LocalTree().Reaches(*v);
}

std::vector<NodeId> Router::Names(const ShortestPathTree& tree, bool reached) const {
  std::vector<NodeId> names;
  for (Vertex v : graph_.Vertices()) {
    if (tree.Reaches(v) == reached) names.push_back(graph_.Name(v));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<NodeId> Router::ReachableNodes(const NodeId& root) {
  const ShortestPathTree* tree = Tree(root);
  if (tree == nullptr) return {root};
  return Names(*tree, true);
}

std::vector<NodeId> Router::UnreachableNodes(const NodeId& root) {
  const ShortestPathTree* tree = Tree(root);
  if (tree == nullptr) {
    std::vector<NodeId> all;
    for (Vertex v : graph_.Vertices()) all.push_back(graph_.Name(v));
    std::sort(all.begin(), all.end());
    return all;
  }
  return Names(*tree, false);
}

std::vector<NodeId> Router::Children(const NodeId& root, const NodeId& of) {
  const ShortestPathTree* tree = Tree(root);
  std::optional<Vertex> v = graph_.Find(of);
  if (tree == nullptr || !v) return {};
  std::vector<NodeId> names;
  for (Vertex child : tree->Children(*v)) names.push_back(graph_.Name(child));
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<NodeId> Router::OpenLinks() const {
  std::vector<NodeId> names;
  for (const Edge& e : graph_.Out(self_vertex_)) {
    if (e.weight < config_.held_weight) names.push_back(graph_.Name(e.to));
  }
  std::sort(names.begin(), names.end());
  return names;
}

void Router::LocalMaybeChanged(const Now& now, Effects& out) {
  // Unaltered (same tree, same names), or a notice is already due.
  if ((local_ && graph_.names_generation() == notified_names_generation_) || notify_armed_) {
    return;
  }
  if (last_notify_ && now.mono < *last_notify_ + config_.event_interval) {
    notify_armed_ = true;
    out.SetTimer(NotifyTimer(), *last_notify_ + config_.event_interval);
    return;
  }
  Notify(now, out);
}

void Router::OnTimer(const Now& now, const TimerId& timer, Effects& out) {
  if (timer != NotifyTimer()) return;
  notify_armed_ = false;
  Notify(now, out);
}

void Router::Notify(const Now& now, Effects& out) {
  const ShortestPathTree& tree = LocalTree();
  std::vector<NodeId> reachable = Names(tree, true);
  // Vertex numbers are reused, so equal parents and distances alone could hide a new node in
  // an old number: the names must match too.
  std::vector<NodeId> unreachable = Names(tree, false);
  notified_names_generation_ = graph_.names_generation();
  // Even a look that finds nothing new counts against the rate: comparing costs O(N log N).
  last_notify_ = now.mono;
  if (notified_tree_ && notified_tree_->SameAs(tree) && reachable == notified_reachable_ &&
      unreachable == notified_unreachable_) {
    return;
  }
  RoutesChanged event;
  event.unreachable = unreachable;
  event.became_reachable = Minus(reachable, notified_reachable_);
  event.became_unreachable = Minus(notified_reachable_, reachable);
  std::vector<NodeId> gone = Minus(event.became_unreachable, event.unreachable);
  // Nodes that left the graph altogether are no longer "unreachable"; they are just gone.
  event.became_unreachable = Minus(event.became_unreachable, gone);
  event.reachable = reachable;
  notified_tree_ = tree;
  notified_reachable_ = std::move(reachable);
  notified_unreachable_ = std::move(unreachable);
  ++stats_.events_emitted;
  out.Emit(std::move(event));
}

}  // namespace lashup::routing

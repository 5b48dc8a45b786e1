#include "routing/shortest_path_tree.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

#include "core/check.h"

namespace lashup::routing {

ShortestPathTree ShortestPathTree::Compute(const Graph& graph, Vertex root) {
  LASHUP_CHECK(graph.InUse(root), "tree of a free vertex");
  ShortestPathTree tree;
  tree.root_ = root;
  const size_t n = graph.capacity();
  tree.distance_.assign(n, kUnreachable);
  tree.parent_.assign(n, kNoVertex);
  tree.distance_[root] = 0;
  tree.parent_[root] = root;
  using Entry = std::pair<uint64_t, Vertex>;
  std::vector<Entry> storage;
  storage.reserve(n);
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue(std::greater<>(),
                                                                        std::move(storage));
  queue.push({0, root});
  while (!queue.empty()) {
    const auto [d, u] = queue.top();
    queue.pop();
    if (d != tree.distance_[u]) continue;  // a stale entry: u was settled closer
    ++tree.reached_;
    for (const Edge& e : graph.Out(u)) {
      const uint64_t through = d + e.weight;
      uint64_t& best = tree.distance_[e.to];
      if (through < best) {
        best = through;
        tree.parent_[e.to] = u;
        queue.push({through, e.to});
      } else if (through == best && e.to != root &&
                 graph.Name(u) < graph.Name(tree.parent_[e.to])) {
        // Weights are >= 1, so every predecessor on a shortest path settles before e.to does
        // and this sees them all: the parent ends up the one with the smallest id.
        tree.parent_[e.to] = u;
      }
    }
  }
  tree.BuildChildren();
  return tree;
}

void ShortestPathTree::BuildChildren() {
  const size_t n = parent_.size();
  child_begin_.assign(n + 1, 0);
  for (Vertex v = 0; v < n; ++v) {
    if (parent_[v] != kNoVertex && v != root_) ++child_begin_[parent_[v] + 1];
  }
  for (size_t v = 0; v < n; ++v) child_begin_[v + 1] += child_begin_[v];
  children_.assign(child_begin_[n], kNoVertex);
  std::vector<uint32_t> next(child_begin_.begin(), child_begin_.end() - 1);
  for (Vertex v = 0; v < n; ++v) {
    if (parent_[v] != kNoVertex && v != root_) children_[next[parent_[v]]++] = v;
  }
}

std::span<const Vertex> ShortestPathTree::Children(Vertex v) const {
  if (v >= parent_.size()) return {};  // also kNoVertex, whose v + 1 would wrap
  return std::span<const Vertex>(children_.data() + child_begin_[v],
                                 child_begin_[v + 1] - child_begin_[v]);
}

std::vector<Vertex> ShortestPathTree::PathTo(Vertex v) const {
  if (!Reaches(v)) return {};
  std::vector<Vertex> path{v};
  while (path.back() != root_) path.push_back(parent_[path.back()]);
  std::reverse(path.begin(), path.end());
  return path;
}

size_t ShortestPathTree::MemoryBytes() const {
  return sizeof(*this) + distance_.capacity() * sizeof(uint64_t) +
         parent_.capacity() * sizeof(Vertex) + child_begin_.capacity() * sizeof(uint32_t) +
         children_.capacity() * sizeof(Vertex);
}

bool ShortestPathTree::SameAs(const ShortestPathTree& other) const {
  const size_t n = std::max(parent_.size(), other.parent_.size());
  for (Vertex v = 0; v < n; ++v) {
    if (Parent(v) != other.Parent(v) || Distance(v) != other.Distance(v)) return false;
  }
  return root_ == other.root_;
}

}  // namespace lashup::routing

// ShortestPathTree: the shortest paths from one root over a Graph (Dijkstra).
//
// Contract: `distance` is the least total weight of a directed path from the root, kUnreachable
// if there is none; the root's parent is itself. Among several shortest paths a vertex's parent
// is the predecessor with the smallest node id, so two nodes that hold the same graph compute
// the same tree whatever their vertex numbering: multicast relies on this, since each receiver
// computes the sender's tree from its own copy of the graph. With unit weights distances are hop
// counts, as BFS gives. A tree is a snapshot: it does not follow later graph changes (the router
// invalidates it).
#ifndef LASHUP_ROUTING_SHORTEST_PATH_TREE_H_
#define LASHUP_ROUTING_SHORTEST_PATH_TREE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "routing/graph.h"

namespace lashup::routing {

inline constexpr uint64_t kUnreachable = UINT64_MAX;

class ShortestPathTree {
 public:
  // Computes the tree of `root` (a vertex in use) over `graph`.
  static ShortestPathTree Compute(const Graph& graph, Vertex root);

  Vertex root() const { return root_; }
  uint64_t Distance(Vertex v) const { return v < distance_.size() ? distance_[v] : kUnreachable; }
  bool Reaches(Vertex v) const { return Distance(v) != kUnreachable; }
  // kNoVertex for an unreachable vertex; the root for the root.
  Vertex Parent(Vertex v) const { return v < parent_.size() ? parent_[v] : kNoVertex; }
  // The vertices whose parent is `v` (never the root itself).
  std::span<const Vertex> Children(Vertex v) const;
  // Root first, `v` last; empty if unreachable.
  std::vector<Vertex> PathTo(Vertex v) const;
  // How many vertices the tree reaches, the root included.
  size_t reached() const { return reached_; }
  size_t MemoryBytes() const;
  // Same parents and distances for every vertex number below `size`.
  bool SameAs(const ShortestPathTree& other) const;

 private:
  void BuildChildren();

  Vertex root_ = kNoVertex;
  std::vector<uint64_t> distance_;
  std::vector<Vertex> parent_;
  // Children of v: children_[child_begin_[v] .. child_begin_[v + 1]).
  std::vector<uint32_t> child_begin_;
  std::vector<Vertex> children_;
  size_t reached_ = 0;
};

}  // namespace lashup::routing

#endif  // LASHUP_ROUTING_SHORTEST_PATH_TREE_H_

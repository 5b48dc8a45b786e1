// Graph: the membership table as a directed, weighted graph over dense vertex numbers.
//
// Contract: every node id the table names, as a member or as a member's peer, is a vertex with
// a stable number while it is named; a vertex whose record is gone and that no edge points to
// any more is freed and its number reused (node ids come and go over a long-lived cluster, so
// interning forever would leak). A vertex's out-edges are its member record's links: one per
// peer, weight >= 1. SetEdges reports exactly which edges appeared, vanished or changed weight,
// so trees cached elsewhere can be invalidated precisely. Not thread-safe; one owner.
#ifndef LASHUP_ROUTING_GRAPH_H_
#define LASHUP_ROUTING_GRAPH_H_

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "lashup/types.h"

namespace lashup::routing {

using Vertex = uint32_t;
inline constexpr Vertex kNoVertex = UINT32_MAX;

struct Edge {
  Vertex to = kNoVertex;
  uint64_t weight = 1;  // >= 1: Dijkstra's tie-break relies on strictly positive weights
  friend bool operator==(const Edge&, const Edge&) = default;
};

// One edge whose presence or weight a SetEdges call changed. `old_weight` is 0 for an edge that
// appeared, `new_weight` 0 for one that vanished.
struct EdgeChange {
  Vertex to = kNoVertex;
  uint64_t old_weight = 0;
  uint64_t new_weight = 0;
};

class Graph {
 public:
  // The vertex of `id`, added (without a record) if it has none.
  Vertex Intern(const NodeId& id);
  std::optional<Vertex> Find(const NodeId& id) const;
  const NodeId& Name(Vertex v) const { return names_[v]; }
  // One past the largest vertex number in use or freed: arrays indexed by vertex take this size.
  size_t capacity() const { return names_.size(); }
  // Vertices in use: named by a record or by an edge.
  size_t size() const { return index_.size(); }
  bool InUse(Vertex v) const { return v < names_.size() && names_[v].valid(); }
  bool HasRecord(Vertex v) const { return InUse(v) && has_record_[v]; }
  // Keeps `id`'s vertex even with no record and no edge (the local node, whose tree is asked
  // for before its first record).
  Vertex Pin(const NodeId& id);

  // Replaces `from`'s out-edges (its record) with `edges` (any order; one per target, weights
  // >= 1; an edge to `from` itself is ignored) and returns what changed. The caller interns
  // the targets first.
  std::vector<EdgeChange> SetEdges(Vertex from, std::vector<Edge> edges);
  // Drops `id`'s record: its out-edges go, and so does the vertex if nothing points to it.
  std::vector<EdgeChange> RemoveRecord(const NodeId& id);
  std::span<const Edge> Out(Vertex v) const { return out_[v]; }
  // Every vertex in use, by number.
  std::vector<Vertex> Vertices() const;
  // Grows whenever a vertex is added or freed: the set of names changed.
  uint64_t names_generation() const { return names_generation_; }

 private:
  void MaybeFree(Vertex v);

  std::vector<NodeId> names_;  // invalid (empty) for a free number
  std::vector<std::vector<Edge>> out_;  // sorted by target
  std::vector<uint32_t> in_degree_;
  std::vector<bool> has_record_;
  std::vector<bool> pinned_;
  std::vector<Vertex> free_;
  uint64_t names_generation_ = 0;
  std::unordered_map<NodeId, Vertex> index_;
};

}  // namespace lashup::routing

#endif  // LASHUP_ROUTING_GRAPH_H_

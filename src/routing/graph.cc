#include "routing/graph.h"

#include <algorithm>

#include "core/check.h"

namespace lashup::routing {

Vertex Graph::Intern(const NodeId& id) {
  LASHUP_CHECK(id.valid(), "graph vertex without a node id");
  if (auto it = index_.find(id); it != index_.end()) return it->second;
  Vertex v;
  if (!free_.empty()) {
    v = free_.back();
    free_.pop_back();
    names_[v] = id;
  } else {
    v = static_cast<Vertex>(names_.size());
    names_.push_back(id);
    out_.emplace_back();
    in_degree_.push_back(0);
    has_record_.push_back(false);
    pinned_.push_back(false);
  }
  index_.emplace(id, v);
  ++names_generation_;
  return v;
}

Vertex Graph::Pin(const NodeId& id) {
  const Vertex v = Intern(id);
  pinned_[v] = true;
  return v;
}

std::optional<Vertex> Graph::Find(const NodeId& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::vector<EdgeChange> Graph::SetEdges(Vertex from, std::vector<Edge> edges) {
  LASHUP_CHECK(InUse(from), "SetEdges on a free vertex");
  std::erase_if(edges, [from](const Edge& e) { return e.to == from; });
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.to < b.to; });
  for (size_t i = 0; i < edges.size(); ++i) {
    LASHUP_CHECK(InUse(edges[i].to) && edges[i].weight >= 1, "bad edge");
    LASHUP_CHECK(i == 0 || edges[i - 1].to != edges[i].to, "two edges to one vertex");
  }
  // Merge the two sorted lists to find what appeared, vanished or changed weight.
  std::vector<EdgeChange> changes;
  const std::vector<Edge>& old = out_[from];
  size_t i = 0;
  size_t j = 0;
  while (i < old.size() || j < edges.size()) {
    if (j == edges.size() || (i < old.size() && old[i].to < edges[j].to)) {
      changes.push_back({old[i].to, old[i].weight, 0});
      ++i;
    } else if (i == old.size() || edges[j].to < old[i].to) {
      changes.push_back({edges[j].to, 0, edges[j].weight});
      ++j;
    } else {
      if (old[i].weight != edges[j].weight) {
        changes.push_back({old[i].to, old[i].weight, edges[j].weight});
      }
      ++i;
      ++j;
    }
  }
  for (const EdgeChange& c : changes) {
    if (c.old_weight == 0) ++in_degree_[c.to];
    if (c.new_weight == 0) --in_degree_[c.to];
  }
  out_[from] = std::move(edges);
  has_record_[from] = true;
  for (const EdgeChange& c : changes) {
    if (c.new_weight == 0) MaybeFree(c.to);
  }
  return changes;
}

std::vector<EdgeChange> Graph::RemoveRecord(const NodeId& id) {
  std::optional<Vertex> v = Find(id);
  if (!v) return {};
  std::vector<EdgeChange> changes = SetEdges(*v, {});
  has_record_[*v] = false;
  MaybeFree(*v);
  return changes;
}

std::vector<Vertex> Graph::Vertices() const {
  std::vector<Vertex> out;
  out.reserve(index_.size());
  for (Vertex v = 0; v < names_.size(); ++v) {
    if (InUse(v)) out.push_back(v);
  }
  return out;
}

void Graph::MaybeFree(Vertex v) {
  if (has_record_[v] || pinned_[v] || in_degree_[v] > 0 || !names_[v].valid()) return;
  index_.erase(names_[v]);
  names_[v] = NodeId();
  free_.push_back(v);
  ++names_generation_;
}

}  // namespace lashup::routing

// The router against the Boost Graph Library as an oracle: random command sequences (set a
// node's adjacency, forget a node, ask for distances, paths and reachability) over 30 node
// names, in both weightings. BGL's Dijkstra gives the true distances; the router's answers must
// match them, its paths must be real shortest paths, and each path's last hop must be the
// smallest-id predecessor at that distance (the tie-break every node relies on to compute the
// same multicast trees). Interleaving queries of many roots with updates also checks that the
// tree cache is invalidated whenever a change matters.
// Default: rapidcheck's 100 runs. Full mode: RC_PARAMS="max_success=10000".
#include <gtest/gtest.h>
// rapidcheck's gtest glue must come after gtest.
#include <rapidcheck/gtest.h>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "routing/router.h"

namespace lashup::routing {
namespace {

constexpr int kNodes = 30;

NodeId Name(int i) {
  return NodeId::FromLiteral((i < 10 ? "n0" : "n") + std::to_string(i));
}

struct Command {
  int kind = 0;  // 0..3 set links, 4 forget, 5 distance, 6 path, 7 reachable
  int node = 0;
  int other = 0;
  std::vector<std::pair<int, int>> links;  // (peer, rtt_us; negative marks the link held)
};

// The model: each node's record, as the table holds it.
using Model = std::map<int, std::vector<GmLink>>;

uint64_t WeightOf(const GmLink& link, const RoutingConfig& config) {
  uint64_t w = config.unit_weights
                   ? 1
                   : uint64_t{link.rtt_us > 0 ? link.rtt_us : config.unmeasured_rtt_us} +
                         config.hop_cost_us;
  return link.held ? w + config.held_weight : w;
}

// Distances from `from` to every node name, by BGL's Dijkstra over the model.
std::vector<std::optional<uint64_t>> Oracle(const Model& model, int from,
                                            const RoutingConfig& config) {
  using BGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                       boost::no_property,
                                       boost::property<boost::edge_weight_t, uint64_t>>;
  BGraph g(kNodes);
  for (const auto& [node, links] : model) {
    for (const GmLink& link : links) {
      const int peer = std::stoi(link.peer.str().substr(1));
      if (peer != node) boost::add_edge(node, peer, WeightOf(link, config), g);
    }
  }
  std::vector<uint64_t> dist(kNodes);
  const uint64_t inf = std::numeric_limits<uint64_t>::max();
  boost::dijkstra_shortest_paths(
      g, static_cast<BGraph::vertex_descriptor>(from),
      boost::distance_map(dist.data()).distance_inf(inf).distance_zero(uint64_t{0}));
  std::vector<std::optional<uint64_t>> out(kNodes);
  for (int i = 0; i < kNodes; ++i) {
    if (dist[i] != inf) out[i] = dist[i];
  }
  return out;
}

// Whether the model names `node` (as a member or as a peer of one): the router knows it then.
bool Known(const Model& model, int node) {
  if (model.contains(node)) return true;
  for (const auto& [n, links] : model) {
    for (const GmLink& link : links) {
      if (link.peer == Name(node)) return true;
    }
  }
  return false;
}

std::optional<uint64_t> EdgeWeight(const Model& model, int from, int to,
                                   const RoutingConfig& config) {
  auto it = model.find(from);
  if (it == model.end() || from == to) return std::nullopt;
  for (const GmLink& link : it->second) {
    if (link.peer == Name(to)) return WeightOf(link, config);
  }
  return std::nullopt;
}

void CheckPath(const Model& model, const RoutingConfig& config, int from, int to,
               const std::vector<NodeId>& path) {
  const std::vector<std::optional<uint64_t>> dist = Oracle(model, from, config);
  const bool from_known = from == 0 || Known(model, from);
  if (!from_known || !Known(model, to) || !dist[to]) {
    RC_ASSERT(path.empty() || (from == to && path.size() == 1));
    return;
  }
  RC_ASSERT(!path.empty());
  RC_ASSERT(path.front() == Name(from));
  RC_ASSERT(path.back() == Name(to));
  uint64_t total = 0;
  for (size_t i = 1; i < path.size(); ++i) {
    const int a = std::stoi(path[i - 1].str().substr(1));
    const int b = std::stoi(path[i].str().substr(1));
    const std::optional<uint64_t> w = EdgeWeight(model, a, b, config);
    RC_ASSERT(w.has_value());
    total += *w;
  }
  RC_ASSERT(total == *dist[to]);
  if (path.size() < 2) return;
  // The last hop is the smallest-id predecessor on a shortest path.
  const int parent = std::stoi(path[path.size() - 2].str().substr(1));
  for (int q = 0; q < parent; ++q) {
    const std::optional<uint64_t> w = EdgeWeight(model, q, to, config);
    RC_ASSERT(!(w && dist[q] && *dist[q] + *w == *dist[to]));
  }
}

void Run(const RoutingConfig& config, const std::vector<Command>& commands) {
  Router router(Name(0), config);
  Model model;
  Effects out;
  Now now{Instant(std::chrono::seconds(1)), WallTime()};
  for (const Command& c : commands) {
    now.mono += std::chrono::milliseconds(50);
    out.Clear();
    if (c.kind <= 3) {
      std::vector<GmLink> links;
      std::map<int, bool> seen;
      for (const auto& [peer, rtt] : c.links) {
        if (seen[peer]) continue;
        seen[peer] = true;
        links.push_back({Name(peer), static_cast<uint32_t>(rtt < 0 ? -rtt - 1 : rtt), rtt < 0});
      }
      model[c.node] = links;
      router.SetLinks(now, Name(c.node), links, out);
    } else if (c.kind == 4) {
      model.erase(c.node);
      router.RemoveMember(now, Name(c.node), out);
    } else if (c.kind == 5) {
      const std::vector<std::optional<uint64_t>> dist = Oracle(model, c.node, config);
      const bool known = c.node == 0 || Known(model, c.node);
      const std::optional<uint64_t> expected =
          known && Known(model, c.other) ? dist[c.other] : std::nullopt;
      RC_ASSERT(router.Distance(Name(c.node), Name(c.other)) ==
                (c.node == c.other && known ? std::optional<uint64_t>(0) : expected));
    } else if (c.kind == 6) {
      CheckPath(model, config, c.node, c.other, router.Path(Name(c.node), Name(c.other)));
    } else {
      const std::vector<std::optional<uint64_t>> dist = Oracle(model, 0, config);
      const bool expected = c.node == 0 || (Known(model, c.node) && dist[c.node].has_value());
      RC_ASSERT(router.Reachable(Name(c.node)) == expected);
    }
  }
}

rc::Gen<Command> GenCommand() {
  return rc::gen::build<Command>(
      rc::gen::set(&Command::kind, rc::gen::inRange(0, 8)),
      rc::gen::set(&Command::node, rc::gen::inRange(0, kNodes)),
      rc::gen::set(&Command::other, rc::gen::inRange(0, kNodes)),
      rc::gen::set(&Command::links,
                   rc::gen::mapcat(rc::gen::inRange<size_t>(0, 8), [](size_t n) {
                     return rc::gen::container<std::vector<std::pair<int, int>>>(
                         n, rc::gen::pair(rc::gen::inRange(0, kNodes),
                                          // Few distinct round trips, so equal-cost paths
                                          // (ties) are common; negative: a held link.
                                          rc::gen::element(0, 100, 200, 300, 400, -101, -1)));
                   })));
}

RC_GTEST_PROP(RoutingProps, UnitWeightsAgreeWithBgl, ()) {
  RoutingConfig config;
  config.unit_weights = true;
  config.tree_cache_bytes = *rc::gen::element<size_t>(1, 4096, size_t{1} << 20);
  const size_t n = *rc::gen::inRange<size_t>(1, 150);
  Run(config, *rc::gen::container<std::vector<Command>>(n, GenCommand()));
}

RC_GTEST_PROP(RoutingProps, RoundTripWeightsAgreeWithBgl, ()) {
  RoutingConfig config;
  // Without a hop cost, many round trips tie (0 or equal values): ties exercise the tie-break.
  config.hop_cost_us = *rc::gen::element<uint32_t>(0, 1000);
  config.tree_cache_bytes = *rc::gen::element<size_t>(1, 4096, size_t{1} << 20);
  const size_t n = *rc::gen::inRange<size_t>(1, 150);
  Run(config, *rc::gen::container<std::vector<Command>>(n, GenCommand()));
}

}  // namespace
}  // namespace lashup::routing

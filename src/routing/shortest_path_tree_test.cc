#include "routing/shortest_path_tree.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routing/graph.h"

namespace lashup::routing {
namespace {

NodeId Id(const std::string& name) { return NodeId::FromLiteral(name); }

class GraphFixture : public ::testing::Test {
 protected:
  Vertex V(const std::string& name) { return graph_.Intern(Id(name)); }
  // `edges` as (target, weight) pairs.
  std::vector<EdgeChange> Set(const std::string& from,
                              const std::vector<std::pair<std::string, uint64_t>>& edges) {
    std::vector<Edge> out;
    for (const auto& [to, weight] : edges) out.push_back({V(to), weight});
    return graph_.SetEdges(V(from), out);
  }
  std::vector<std::string> Names(const std::vector<Vertex>& path) {
    std::vector<std::string> out;
    for (Vertex v : path) out.push_back(graph_.Name(v).str());
    return out;
  }

  Graph graph_;
};

using GraphTest = GraphFixture;
using TreeTest = GraphFixture;

TEST_F(GraphTest, SetEdgesReportsWhatAppearedVanishedAndChangedWeight) {
  Set("a", {{"b", 1}, {"c", 5}});
  Set("b", {});  // b has a record, so it stays a vertex without a's edge
  const std::vector<EdgeChange> changes = Set("a", {{"c", 7}, {"d", 1}, {"a", 3}});
  ASSERT_EQ(changes.size(), 3u);  // b vanished, c reweighted, d appeared; the self-loop ignored
  EXPECT_EQ(graph_.Name(changes[0].to).str(), "b");
  EXPECT_EQ(changes[0].old_weight, 1u);
  EXPECT_EQ(changes[0].new_weight, 0u);
  EXPECT_EQ(graph_.Name(changes[1].to).str(), "c");
  EXPECT_EQ(changes[1].old_weight, 5u);
  EXPECT_EQ(changes[1].new_weight, 7u);
  EXPECT_EQ(graph_.Name(changes[2].to).str(), "d");
  EXPECT_EQ(changes[2].old_weight, 0u);
  EXPECT_EQ(graph_.Out(V("a")).size(), 2u);
  EXPECT_TRUE(Set("a", {{"d", 1}, {"c", 7}}).empty());  // same edges in another order
}

TEST_F(GraphTest, AVertexNoRecordAndNoEdgeNamesIsFreedAndItsNumberReused) {
  Set("a", {{"b", 1}});
  const Vertex b = *graph_.Find(Id("b"));
  EXPECT_EQ(graph_.size(), 2u);
  Set("a", {});
  EXPECT_FALSE(graph_.Find(Id("b")));  // nothing named b any more
  EXPECT_FALSE(graph_.InUse(b));
  EXPECT_EQ(graph_.size(), 1u);
  EXPECT_EQ(V("z"), b);  // the number comes back for the next new node
  // A vertex with a record stays while others stop pointing to it, and goes with its record.
  Set("z", {});
  Set("a", {{"z", 1}});
  Set("a", {});
  EXPECT_TRUE(graph_.Find(Id("z")));
  graph_.RemoveRecord(Id("z"));
  EXPECT_FALSE(graph_.Find(Id("z")));
  // A pinned vertex stays with neither.
  graph_.Pin(Id("p"));
  Set("a", {{"p", 1}});
  Set("a", {});
  EXPECT_TRUE(graph_.Find(Id("p")));
}

TEST_F(TreeTest, DistancesAreLeastTotalWeightAndParentsFollowThem) {
  Set("a", {{"b", 1}, {"c", 10}});
  Set("b", {{"c", 2}, {"d", 7}});
  Set("c", {{"d", 1}});
  Set("d", {{"a", 1}});
  const ShortestPathTree tree = ShortestPathTree::Compute(graph_, V("a"));
  EXPECT_EQ(tree.Distance(V("a")), 0u);
  EXPECT_EQ(tree.Distance(V("c")), 3u);
  EXPECT_EQ(tree.Distance(V("d")), 4u);
  EXPECT_EQ(Names(tree.PathTo(V("d"))), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(tree.Parent(V("a")), V("a"));
  EXPECT_EQ(Names({tree.Children(V("b")).begin(), tree.Children(V("b")).end()}),
            (std::vector<std::string>{"c"}));
  EXPECT_EQ(tree.reached(), 4u);
}

TEST_F(TreeTest, EdgesAreDirected) {
  Set("a", {{"b", 1}});
  const ShortestPathTree from_b = ShortestPathTree::Compute(graph_, V("b"));
  EXPECT_FALSE(from_b.Reaches(V("a")));
  EXPECT_EQ(from_b.Distance(V("a")), kUnreachable);
  EXPECT_EQ(from_b.Parent(V("a")), kNoVertex);
  EXPECT_TRUE(from_b.PathTo(V("a")).empty());
}

TEST_F(TreeTest, TiesGoToTheSmallestIdWhateverTheVertexNumbering) {
  // Two graphs, the same edges, vertices interned in opposite orders.
  const std::vector<std::string> order1 = {"r", "m", "k", "x"};
  const std::vector<std::string> order2 = {"x", "k", "m", "r"};
  for (const auto& order : {order1, order2}) {
    Graph graph;
    for (const std::string& name : order) graph.Intern(Id(name));
    const auto v = [&](const char* name) { return *graph.Find(Id(name)); };
    graph.SetEdges(v("r"), {{v("m"), 1}, {v("k"), 1}});
    graph.SetEdges(v("m"), {{v("x"), 1}});
    graph.SetEdges(v("k"), {{v("x"), 1}});
    const ShortestPathTree tree = ShortestPathTree::Compute(graph, v("r"));
    EXPECT_EQ(graph.Name(tree.Parent(v("x"))).str(), "k");  // k < m
  }
}

TEST_F(TreeTest, SameAsComparesParentsAndDistances) {
  Set("a", {{"b", 1}, {"c", 2}});
  const ShortestPathTree before = ShortestPathTree::Compute(graph_, V("a"));
  Set("a", {{"b", 1}, {"c", 3}});
  const ShortestPathTree after = ShortestPathTree::Compute(graph_, V("a"));
  EXPECT_TRUE(before.SameAs(before));
  EXPECT_FALSE(before.SameAs(after));
}

}  // namespace
}  // namespace lashup::routing

// lashup::Node's membership and routing queries: read on the node's thread, copied out.
#include <algorithm>

#include "api/node_impl.h"

namespace lashup {
namespace {

std::vector<NodeId> Peers(const std::vector<GmLink>& links) {
  std::vector<NodeId> peers;
  peers.reserve(links.size());
  for (const GmLink& link : links) peers.push_back(link.peer);
  return peers;
}

Tree TreeOf(const routing::Graph& graph, const routing::ShortestPathTree& spt) {
  Tree tree;
  tree.root = graph.Name(spt.root());
  for (routing::Vertex v : graph.Vertices()) {
    if (!spt.Reaches(v)) {
      tree.unreached.push_back(graph.Name(v));
      continue;
    }
    tree.nodes.push_back(TreeNode{graph.Name(v), graph.Name(spt.Parent(v)), spt.Distance(v)});
  }
  std::sort(tree.nodes.begin(), tree.nodes.end(), [](const TreeNode& a, const TreeNode& b) {
    return std::tie(a.distance, a.node) < std::tie(b.distance, b.node);
  });
  std::sort(tree.unreached.begin(), tree.unreached.end());
  return tree;
}

}  // namespace

Result<Views> Node::GetViews() {
  return impl_->Call<Views>([](NodeCore& core, const Now&, Effects&) -> Result<Views> {
    const auto& overlay = core.membership().hyparview();
    return Views{overlay.active(), overlay.passive()};
  });
}

Result<std::vector<MemberInfo>> Node::Members() {
  using Members = std::vector<MemberInfo>;
  return impl_->Call<Members>([](NodeCore& core, const Now& now, Effects&) -> Result<Members> {
    Members members;
    for (const auto& [node, member] : core.membership().global().members()) {
      MemberInfo info;
      info.node = node;
      info.reachable = core.router().Reachable(node);
      info.epoch = member.version.epoch;
      info.neighbours = Peers(member.links);
      info.last_heard = now.mono - member.last_heard;
      members.push_back(std::move(info));
    }
    return members;
  });
}

Result<Tree> Node::GetTree(const NodeId& root) {
  return impl_->Call<Tree>([&root](NodeCore& core, const Now&, Effects&) -> Result<Tree> {
    routing::Router& router = core.router();
    if (!root.valid() || root == router.self()) return TreeOf(router.graph(), router.LocalTree());
    const routing::ShortestPathTree* tree = router.Tree(root);
    if (tree == nullptr) {
      return Status(StatusCode::kNotFound, "no member '" + root.str() + "' in the table");
    }
    return TreeOf(router.graph(), *tree);
  });
}

Result<bool> Node::Reachable(const NodeId& node) {
  if (!node.valid()) return Status(StatusCode::kInvalidArgument, "the node id is empty");
  return impl_->Call<bool>([&node](NodeCore& core, const Now&, Effects&) -> Result<bool> {
    return core.router().Reachable(node);
  });
}

}  // namespace lashup

// The `tree` result drawn as an indented tree: each node under its parent, two spaces deeper.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "json_fields.h"
#include "render.h"
#include "terminal_text.h"

namespace lashup::ctl {
namespace {

using Json = nlohmann::json;

// Deeper levels are still listed, just no further indented, so a long chain stays readable.
constexpr size_t kMaxIndentDepth = 32;

struct TreeNode {
  std::string node;
  std::string parent;
  std::string distance;
};

class TreeWriter {
 public:
  TreeWriter(std::string root, std::vector<TreeNode> nodes) : root_(std::move(root)) {
    for (TreeNode& node : nodes) {
      if (node.node == root_) continue;  // drawn as the first line
      children_[node.parent].push_back(std::move(node));
    }
    for (auto& [parent, children] : children_) {
      std::sort(children.begin(), children.end(),
                [](const TreeNode& a, const TreeNode& b) { return a.node < b.node; });
    }
  }

  std::string Write() {
    out_ = TerminalSafe(root_) + "  (root)\n";
    visited_.insert(root_);
    WriteChildren(root_, 1);
    // Nodes whose parent is not in the tree (or that form a loop) still get listed.
    for (const auto& [parent, children] : children_) {
      for (const TreeNode& child : children) {
        if (visited_.count(child.node) == 0) WriteSubtree(child, 1, /*show_parent=*/true);
      }
    }
    return out_;
  }

 private:
  void WriteChildren(const std::string& parent, size_t depth) {
    auto it = children_.find(parent);
    if (it == children_.end()) return;
    for (const TreeNode& child : it->second) {
      if (visited_.count(child.node) == 0) WriteSubtree(child, depth, /*show_parent=*/false);
    }
  }

  // Recursion depth is bounded by the node count: each node is visited once.
  void WriteSubtree(const TreeNode& node, size_t depth, bool show_parent) {
    visited_.insert(node.node);
    out_.append(2 * std::min(depth, kMaxIndentDepth), ' ');
    out_ += TerminalSafe(node.node) + "  (distance " + node.distance;
    if (show_parent) out_ += ", parent " + TerminalSafe(node.parent);
    out_ += ")\n";
    WriteChildren(node.node, depth + 1);
  }

  std::string root_;
  std::map<std::string, std::vector<TreeNode>> children_;
  std::set<std::string> visited_;
  std::string out_;
};

}  // namespace

std::optional<std::string> RenderTree(const Json& result) {
  std::optional<std::string> root = StringMember(result, "root");
  const Json* nodes = Member(result, "nodes");
  if (!root || nodes == nullptr || !nodes->is_array()) return std::nullopt;
  std::vector<TreeNode> parsed;
  for (const Json& node : *nodes) {
    std::optional<std::string> id = StringMember(node, "node");
    if (!id) return std::nullopt;
    const Json* distance = Member(node, "distance");
    parsed.push_back({*id, StringMember(node, "parent").value_or(*root),
                      distance == nullptr ? "-" : CellText(*distance)});
  }
  std::string out = TreeWriter(*root, std::move(parsed)).Write();
  std::optional<std::vector<std::string>> unreached = StringsMember(result, "unreached");
  if (unreached && !unreached->empty()) {
    out += "unreached:";
    for (const std::string& node : *unreached) out += " " + TerminalSafe(node);
    out += "\n";
  }
  return out;
}

}  // namespace lashup::ctl

// AdminCommands: dispatch, and the membership, routing and metrics commands.
#include "admin_commands.h"

#include <chrono>

#include "admin/op_syntax.h"
#include "admin/utf8.h"
#include "admin_args.h"

namespace lashup::daemon {
namespace {

nlohmann::json Ids(const std::vector<NodeId>& ids) {
  nlohmann::json list = nlohmann::json::array();
  for (const NodeId& id : ids) list.push_back(id.str());
  return list;
}

}  // namespace

nlohmann::json AdminCommands::Error(const Status& status) {
  return {{"ok", false},
          {"code", std::string(StatusCodeName(status.code()))},
          {"error", admin::EscapeInvalidUtf8(status.message())}};
}

std::optional<uint64_t> AdminCommands::Execute(std::string_view line, const Emit& reply,
                                               Emit event) {
  auto tokens = admin::Tokenize(line);
  if (!tokens.ok()) {
    reply(Error(tokens.status()));
    return std::nullopt;
  }
  if (tokens->empty()) {
    reply(Error(Status(StatusCode::kInvalidArgument, "empty command (try help)")));
    return std::nullopt;
  }
  const std::string command = tokens->front().text;
  Args args(tokens->begin() + 1, tokens->end());
  const bool mc_watch = command == "mc" && !args.empty() && args.front().text == "watch";
  if (command == "watch" || mc_watch) {
    auto id = mc_watch ? McWatch(Args(args.begin() + 1, args.end()), std::move(event))
                       : Watch(args, std::move(event));
    if (!id.ok()) {
      reply(Error(id.status()));
      return std::nullopt;
    }
    reply({{"ok", true}, {"stream", true}});
    return *id;
  }
  auto result = Run(command, args);
  reply(result.ok() ? nlohmann::json{{"ok", true}, {"result", std::move(*result)}}
                    : Error(result.status()));
  return std::nullopt;
}

Result<nlohmann::json> AdminCommands::Run(const std::string& command, const Args& args) {
  if (command == "help") {
    if (args.size() == 1 && args[0].text == "op") {
      return nlohmann::json{{"text", admin::OpSyntaxHelp()}};
    }
    return args::NoArgs("help", args, [] { return nlohmann::json{{"commands", CommandHelp()}}; });
  }
  if (command == "info") return args::NoArgs(command, args, [&] { return Info(); });
  if (command == "members") return args::NoArgs(command, args, [&] { return MembersCmd(); });
  if (command == "views") return args::NoArgs(command, args, [&] { return ViewsCmd(); });
  if (command == "tree") return TreeCmd(args);
  if (command == "reachable") return ReachableCmd(args);
  if (command == "keys") return KeysCmd(args);
  if (command == "get") return GetCmd(args);
  if (command == "op") return OpCmd(args);
  if (command == "del") return DelCmd(args);
  if (command == "metrics") return args::NoArgs(command, args, [&] { return MetricsCmd(); });
  if (command == "mc") {
    if (!args.empty() && args.front().text == "send") return McSend(Args(args.begin() + 1, args.end()));
    return Status(StatusCode::kInvalidArgument, "usage: mc send TOPIC DATA | mc watch TOPIC");
  }
  return Status(StatusCode::kInvalidArgument,
                "unknown command " + admin::QuoteForMessage(command) + " (try help)");
}

Result<nlohmann::json> AdminCommands::Info() {
  return nlohmann::json{{"node", node_.id().str()},
                        {"listen", node_.listen_address()},
                        {"preset", info_.preset},
                        {"data_dir", info_.data_dir},
                        {"admin_socket", info_.admin_socket},
                        {"admin_listen", info_.admin_listen},
                        {"metrics_listen", info_.metrics_listen}};
}

Result<nlohmann::json> AdminCommands::MembersCmd() {
  LASHUP_ASSIGN_OR_RETURN(std::vector<MemberInfo> members, node_.Members());
  nlohmann::json list = nlohmann::json::array();
  for (const MemberInfo& m : members) {
    list.push_back({{"node", m.node.str()},
                    {"reachable", m.reachable},
                    {"epoch", m.epoch},
                    {"neighbours", Ids(m.neighbours)},
                    {"last_heard_ms",
                     std::chrono::duration_cast<std::chrono::milliseconds>(m.last_heard).count()}});
  }
  return nlohmann::json{{"members", std::move(list)}};
}

Result<nlohmann::json> AdminCommands::ViewsCmd() {
  LASHUP_ASSIGN_OR_RETURN(Views views, node_.GetViews());
  return nlohmann::json{{"active", Ids(views.active)}, {"passive", Ids(views.passive)}};
}

Result<nlohmann::json> AdminCommands::TreeCmd(const Args& args) {
  if (args.size() > 1) return args::Usage("tree [ROOT]");
  NodeId root;
  if (!args.empty()) {
    LASHUP_ASSIGN_OR_RETURN(root, ResolveNode(args[0].text));
  }
  LASHUP_ASSIGN_OR_RETURN(Tree tree, node_.GetTree(root));
  nlohmann::json nodes = nlohmann::json::array();
  for (const TreeNode& n : tree.nodes) {
    nodes.push_back({{"node", n.node.str()}, {"parent", n.parent.str()}, {"distance", n.distance}});
  }
  return nlohmann::json{
      {"root", tree.root.str()}, {"nodes", std::move(nodes)}, {"unreached", Ids(tree.unreached)}};
}

Result<nlohmann::json> AdminCommands::ReachableCmd(const Args& args) {
  if (args.size() != 1) return args::Usage("reachable NODE");
  LASHUP_ASSIGN_OR_RETURN(NodeId node, ResolveNode(args[0].text));
  LASHUP_ASSIGN_OR_RETURN(bool reachable, node_.Reachable(node));
  return nlohmann::json{{"node", node.str()}, {"reachable", reachable}};
}

Result<nlohmann::json> AdminCommands::MetricsCmd() {
  LASHUP_ASSIGN_OR_RETURN(std::string text, metrics_());
  return nlohmann::json{{"text", std::move(text)}};
}

Result<NodeId> AdminCommands::ResolveNode(const std::string& text) {
  if (text.find('@') != std::string::npos) {
    auto id = NodeId::Parse(text);
    if (!id.ok()) return Status(StatusCode::kInvalidArgument, "node: " + id.status().message());
    return *id;
  }
  LASHUP_ASSIGN_OR_RETURN(std::vector<MemberInfo> members, node_.Members());
  for (const MemberInfo& m : members) {
    const std::string& id = m.node.str();
    if (id == text || id.rfind(text + "@", 0) == 0) return m.node;
  }
  return Status(StatusCode::kNotFound, "no member named " + admin::QuoteForMessage(text) +
                                           " in the membership table (see members)");
}

}  // namespace lashup::daemon

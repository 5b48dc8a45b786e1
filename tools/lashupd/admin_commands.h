// AdminCommands: runs one lashupctl command line against the node and answers in JSON.
//
// Contract: `Execute` tokenizes the line (admin/command_line.h), runs the command and calls
// `reply` once with {"ok":true,"result":...} or {"ok":false,"code":"NOT_FOUND","error":"..."}.
// Streaming commands (`watch`, `mc watch`) reply {"ok":true,"stream":true} and then call
// `event` with {"event":...} for every change, on the node's thread, until `EndStream` with the
// returned listener id; `event` must not block. docs/lashupctl.md lists the commands and their
// result shapes. Thread-safe (the node is).
#ifndef LASHUP_TOOLS_LASHUPD_ADMIN_COMMANDS_H_
#define LASHUP_TOOLS_LASHUPD_ADMIN_COMMANDS_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/command_line.h"
#include "lashup/node.h"

namespace lashup::daemon {

struct DaemonInfo {
  std::string data_dir;
  std::string preset;
  std::string admin_socket;
  std::string admin_listen;
  std::string metrics_listen;
};

class AdminCommands {
 public:
  using Emit = std::function<void(nlohmann::json)>;
  // Renders the Prometheus scrape (metrics_render.h); injected so tests can stub it.
  using MetricsText = std::function<Result<std::string>()>;

  AdminCommands(Node& node, DaemonInfo info, MetricsText metrics)
      : node_(node), info_(std::move(info)), metrics_(std::move(metrics)) {}

  // The listener id of a stream the command started, for EndStream.
  std::optional<uint64_t> Execute(std::string_view line, const Emit& reply, Emit event);
  void EndStream(uint64_t listener_id) { (void)node_.Unsubscribe(listener_id); }

  static nlohmann::json Error(const Status& status);

 private:
  using Args = std::vector<admin::Token>;
  Result<nlohmann::json> Run(const std::string& command, const Args& args);
  Result<nlohmann::json> Info();
  Result<nlohmann::json> MembersCmd();
  Result<nlohmann::json> ViewsCmd();
  Result<nlohmann::json> TreeCmd(const Args& args);
  Result<nlohmann::json> ReachableCmd(const Args& args);
  Result<nlohmann::json> KeysCmd(const Args& args);
  Result<nlohmann::json> GetCmd(const Args& args);
  Result<nlohmann::json> OpCmd(const Args& args);
  Result<nlohmann::json> DelCmd(const Args& args);
  Result<nlohmann::json> McSend(const Args& args);
  Result<nlohmann::json> MetricsCmd();
  Result<uint64_t> Watch(const Args& args, Emit event);
  Result<uint64_t> McWatch(const Args& args, Emit event);
  // A full id, or the name before '@' of a member in the table.
  Result<NodeId> ResolveNode(const std::string& text);

  Node& node_;
  const DaemonInfo info_;
  const MetricsText metrics_;
};

// The help listing: name, usage, summary of every command.
nlohmann::json CommandHelp();

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_ADMIN_COMMANDS_H_

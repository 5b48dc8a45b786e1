// AdminCommands: the KV and multicast commands, and the help listing.
#include "admin/op_syntax.h"
#include "admin/utf8.h"
#include "admin/value_json.h"
#include "admin_args.h"
#include "admin_commands.h"
#include "kv/key_path.h"

namespace lashup::daemon {
namespace {

nlohmann::json KeyValueJson(const Key& key, const crdt::MapValue& value) {
  return {{"key", kv::KeyToString(key)},
          {"value", admin::ValueToJson(value)},
          {"text", admin::ValueToText(value)}};
}

Status NotFound(const Key& key) {
  return Status(StatusCode::kNotFound, "no key '" + kv::KeyToString(key) + "'");
}

}  // namespace

Result<nlohmann::json> AdminCommands::KeysCmd(const Args& args) {
  if (args.size() > 1) return args::Usage("keys [PREFIX]");
  LASHUP_ASSIGN_OR_RETURN(Key prefix, admin::ParsePrefix(args.empty() ? "" : args[0].text));
  LASHUP_ASSIGN_OR_RETURN(std::vector<Key> keys, node_.Keys(prefix));
  nlohmann::json list = nlohmann::json::array();
  for (const Key& key : keys) list.push_back(kv::KeyToString(key));
  return nlohmann::json{{"keys", std::move(list)}};
}

Result<nlohmann::json> AdminCommands::GetCmd(const Args& args) {
  if (args.size() != 1) return args::Usage("get KEY");
  LASHUP_ASSIGN_OR_RETURN(Key key, admin::ParseKey(args[0].text));
  auto value = node_.Get(key);
  if (value.status().code() == StatusCode::kNotFound) return NotFound(key);
  if (!value.ok()) return value.status();
  return KeyValueJson(key, *value);
}

Result<nlohmann::json> AdminCommands::OpCmd(const Args& args) {
  if (args.size() < 2) return args::Usage("op KEY OP [, OP]...  (see help op)");
  LASHUP_ASSIGN_OR_RETURN(Key key, admin::ParseKey(args[0].text));
  LASHUP_ASSIGN_OR_RETURN(std::vector<crdt::MapOp> ops,
                          admin::ParseOps(Args(args.begin() + 1, args.end())));
  LASHUP_ASSIGN_OR_RETURN(crdt::MapValue value, node_.Update(key, std::move(ops)));
  return KeyValueJson(key, value);
}

Result<nlohmann::json> AdminCommands::DelCmd(const Args& args) {
  if (args.size() != 1) return args::Usage("del KEY");
  LASHUP_ASSIGN_OR_RETURN(Key key, admin::ParseKey(args[0].text));
  auto present = node_.Get(key);
  if (present.status().code() == StatusCode::kNotFound) return NotFound(key);
  LASHUP_RETURN_IF_ERROR(present.status());
  LASHUP_RETURN_IF_ERROR(node_.Delete(key));
  return nlohmann::json{{"key", kv::KeyToString(key)}};
}

Result<uint64_t> AdminCommands::Watch(const Args& args, Emit event) {
  if (args.size() > 1) return args::Usage("watch [PREFIX]");
  LASHUP_ASSIGN_OR_RETURN(Key prefix, admin::ParsePrefix(args.empty() ? "" : args[0].text));
  return node_.WatchKeys(prefix, [event = std::move(event)](const KeyEvent& change) {
    nlohmann::json body = KeyValueJson(change.key, change.value);
    body["snapshot"] = change.snapshot;
    event({{"event", std::move(body)}});
  });
}

Result<nlohmann::json> AdminCommands::McSend(const Args& args) {
  if (args.size() != 2) return args::Usage("mc send TOPIC DATA");
  const std::string& data = args[1].text;
  LASHUP_ASSIGN_OR_RETURN(uint64_t seq,
                          node_.Publish(args[0].text, std::vector<uint8_t>(data.begin(), data.end())));
  return nlohmann::json{{"topic", admin::EscapeInvalidUtf8(args[0].text)}, {"seq", seq}};
}

Result<uint64_t> AdminCommands::McWatch(const Args& args, Emit event) {
  if (args.size() != 1) return args::Usage("mc watch TOPIC");
  return node_.SubscribeTopic(args[0].text, [event = std::move(event)](const TopicMessage& m) {
    const std::string data(m.payload.begin(), m.payload.end());
    event({{"event",
            {{"origin", m.origin.str()},
             {"seq", m.seq},
             {"topic", admin::EscapeInvalidUtf8(m.topic)},
             {"data", admin::EscapeInvalidUtf8(data)}}}});
  });
}

nlohmann::json CommandHelp() {
  struct Entry {
    const char* name;
    const char* usage;
    const char* summary;
  };
  static constexpr Entry kEntries[] = {
      {"info", "info", "this node: id, listen address, preset, data directory"},
      {"members", "members", "the global membership table, with reachability"},
      {"views", "views", "this node's overlay neighbours (active) and spares (passive)"},
      {"tree", "tree [ROOT]", "the multicast tree from ROOT (default: this node)"},
      {"reachable", "reachable NODE", "whether this node reaches NODE (id or name)"},
      {"keys", "keys [PREFIX]", "keys under PREFIX (a/b), all keys by default"},
      {"get", "get KEY", "a key's value"},
      {"op", "op KEY OP [, OP]...", "apply ops atomically: add/remove/incr/decr/enable/"
                                    "disable/assign/drop/in (help op)"},
      {"del", "del KEY", "delete a key (what this node has seen of it)"},
      {"watch", "watch [PREFIX]", "the keys under PREFIX, then every change, until Ctrl-C"},
      {"mc send", "mc send TOPIC DATA", "multicast DATA to the subscribers of TOPIC"},
      {"mc watch", "mc watch TOPIC", "print messages on TOPIC until Ctrl-C"},
      {"metrics", "metrics", "the node's metrics (Prometheus text)"},
      {"help", "help", "this list"},
  };
  nlohmann::json list = nlohmann::json::array();
  for (const Entry& e : kEntries) {
    list.push_back({{"name", e.name}, {"usage", e.usage}, {"summary", e.summary}});
  }
  list.push_back({{"name", "op syntax"}, {"usage", "help op"}, {"summary", admin::OpSyntaxHelp()}});
  return list;
}

}  // namespace lashup::daemon

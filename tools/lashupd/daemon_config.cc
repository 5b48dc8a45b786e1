#include "daemon_config.h"

#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace lashup::daemon {
namespace {

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

// Reads `key` of `table` into `out` if present; a value of another type is an error.
template <typename T>
Status Read(const toml::table& table, std::string_view key, const std::string& where, T& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  std::optional<T> value = node->value_exact<T>();
  if (!value) {
    return Invalid(where + std::string(key) + ": wrong type (line " +
                   std::to_string(node->source().begin.line) + ")");
  }
  out = std::move(*value);
  return Status::Ok();
}

Status ReadStrings(const toml::table& table, std::string_view key,
                   std::vector<std::string>& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const toml::array* array = node->as_array();
  if (array == nullptr) return Invalid(std::string(key) + ": expected an array of strings");
  out.clear();
  for (const toml::node& item : *array) {
    std::optional<std::string> text = item.value_exact<std::string>();
    if (!text) return Invalid(std::string(key) + ": every element must be a string");
    out.push_back(std::move(*text));
  }
  return Status::Ok();
}

Status CheckKeys(const toml::table& table, const std::string& where,
                 const std::set<std::string_view>& allowed) {
  for (const auto& [key, node] : table) {
    if (!allowed.contains(key.str())) {
      return Invalid("unknown key '" + where + std::string(key.str()) + "' (line " +
                     std::to_string(key.source().begin.line) + ")");
    }
  }
  return Status::Ok();
}

const toml::table* Section(const toml::table& root, std::string_view name, Status& status) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) status = Invalid(std::string(name) + " must be a table ([" +
                                          std::string(name) + "])");
  return node->as_table();
}

Status ReadSections(const toml::table& root, DaemonConfig& config) {
  Status status;
  if (const toml::table* tls = Section(root, "tls", status)) {
    LASHUP_RETURN_IF_ERROR(CheckKeys(*tls, "tls.", {"ca", "cert", "key"}));
    LASHUP_RETURN_IF_ERROR(Read(*tls, "ca", "tls.", config.tls_ca));
    LASHUP_RETURN_IF_ERROR(Read(*tls, "cert", "tls.", config.tls_cert));
    LASHUP_RETURN_IF_ERROR(Read(*tls, "key", "tls.", config.tls_key));
  }
  if (const toml::table* admin = Section(root, "admin", status)) {
    LASHUP_RETURN_IF_ERROR(CheckKeys(*admin, "admin.", {"socket", "listen"}));
    LASHUP_RETURN_IF_ERROR(Read(*admin, "socket", "admin.", config.admin_socket));
    LASHUP_RETURN_IF_ERROR(Read(*admin, "listen", "admin.", config.admin_listen));
  }
  if (const toml::table* metrics = Section(root, "metrics", status)) {
    LASHUP_RETURN_IF_ERROR(CheckKeys(*metrics, "metrics.", {"listen"}));
    LASHUP_RETURN_IF_ERROR(Read(*metrics, "listen", "metrics.", config.metrics_listen));
  }
  return status;
}

Status ReadRoot(const toml::table& root, DaemonConfig& config) {
  LASHUP_RETURN_IF_ERROR(CheckKeys(root, "",
                                   {"id", "listen", "data_dir", "contacts", "preset",
                                    "group_commit", "plaintext", "log_level", "tls", "admin",
                                    "metrics"}));
  LASHUP_RETURN_IF_ERROR(Read(root, "id", "", config.id));
  LASHUP_RETURN_IF_ERROR(Read(root, "listen", "", config.listen));
  LASHUP_RETURN_IF_ERROR(Read(root, "data_dir", "", config.data_dir));
  LASHUP_RETURN_IF_ERROR(ReadStrings(root, "contacts", config.contacts));
  LASHUP_RETURN_IF_ERROR(Read(root, "preset", "", config.preset));
  LASHUP_RETURN_IF_ERROR(Read(root, "group_commit", "", config.group_commit));
  LASHUP_RETURN_IF_ERROR(Read(root, "plaintext", "", config.plaintext));
  LASHUP_RETURN_IF_ERROR(Read(root, "log_level", "", config.log_level));
  return ReadSections(root, config);
}

}  // namespace

Result<DaemonConfig> LoadConfigFile(const std::string& path) {
  DaemonConfig config;
  try {
    toml::table root = toml::parse_file(path);
    LASHUP_RETURN_IF_ERROR(ReadRoot(root, config));
  } catch (const toml::parse_error& error) {
    std::ostringstream where;
    where << error.source().begin;
    return Invalid(path + ": " + std::string(error.description()) + " (" + where.str() + ")");
  }
  return config;
}

Result<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning" || name == "warn") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  return Invalid("unknown log level '" + std::string(name) + "' (debug, info, warning, error)");
}

Result<NodeConfig> Finish(DaemonConfig& config) {
  if (config.id.empty()) return Invalid("id is required (name@host:port): --id or id = ...");
  if (config.data_dir.empty()) return Invalid("data_dir is required: --data-dir or data_dir = ...");
  LASHUP_RETURN_IF_ERROR(ParseLogLevel(config.log_level).status());
  if (config.admin_socket.empty()) config.admin_socket = config.data_dir + "/admin.sock";
  if (!config.admin_listen.empty() && config.plaintext) {
    return Invalid("admin listen needs TLS (the node's files); it is refused with plaintext");
  }
  NodeConfig node;
  auto id = NodeId::Parse(config.id);
  if (!id.ok()) return Invalid("id: " + id.status().message());
  node.id = *id;
  node.listen = config.listen;
  node.data_dir = config.data_dir;
  for (const std::string& text : config.contacts) {
    auto contact = NodeId::Parse(text);
    if (!contact.ok()) return Invalid("contact '" + text + "': " + contact.status().message());
    if (*contact != node.id) node.contacts.push_back(*contact);
  }
  LASHUP_ASSIGN_OR_RETURN(node.preset, ParsePreset(config.preset));
  node.group_commit = config.group_commit;
  node.plaintext = config.plaintext;
  node.tls = {config.tls_ca, config.tls_cert, config.tls_key};
  return node;
}

}  // namespace lashup::daemon

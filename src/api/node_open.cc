// Node::Open: validates the configuration, opens storage and starts the driver.
#include <filesystem>
#include <system_error>

#include "api/node_impl.h"
#include "net/node_address.h"
#include "storage/rocksdb_storage.h"

namespace lashup {
namespace {

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

Status CheckReadable(const std::string& what, const std::string& path) {
  if (path.empty()) return Invalid("tls." + what + " is required (or plaintext, tests only)");
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Invalid("tls." + what + " '" + path + "' is not a readable file");
  }
  return Status::Ok();
}

Status Validate(const NodeConfig& config) {
  if (!config.id.valid()) return Invalid("node id is required (name@host:port)");
  if (config.data_dir.empty()) return Invalid("data_dir is required");
  for (const NodeId& contact : config.contacts) {
    if (!contact.valid()) return Invalid("a contact node id is empty");
    if (!net::EndpointFromNodeId(contact).ok()) {
      return Invalid("contact '" + contact.str() + "' has no host:port (name@host:port)");
    }
  }
  if (config.plaintext) return Status::Ok();
  LASHUP_RETURN_IF_ERROR(CheckReadable("ca_file", config.tls.ca_file));
  LASHUP_RETURN_IF_ERROR(CheckReadable("cert_file", config.tls.cert_file));
  return CheckReadable("key_file", config.tls.key_file);
}

Result<std::string> ListenAddress(const NodeConfig& config) {
  if (config.listen.empty()) {
    auto endpoint = net::EndpointFromNodeId(config.id);
    if (!endpoint.ok()) {
      return Invalid("listen is empty and node id '" + config.id.str() +
                     "' holds no host:port: " + endpoint.status().message());
    }
    return net::ToString(*endpoint);
  }
  auto endpoint = net::ParseEndpoint(config.listen, /*allow_port_zero=*/true);
  if (!endpoint.ok()) return Invalid("listen: " + endpoint.status().message());
  return net::ToString(*endpoint);
}

NodeCoreConfig CoreConfig(const NodeConfig& config) {
  NodeCoreConfig core;
  switch (config.preset) {
    case Preset::kLan:
      core = NodeCoreConfig::Lan();
      break;
    case Preset::kWan:
      core = NodeCoreConfig::Wan();
      break;
    case Preset::kLocal:
      core = NodeCoreConfig::Local();
      break;
  }
  core.membership.contacts = config.contacts;
  return core;
}

Result<std::unique_ptr<api::MeteredStorage>> OpenStorage(const std::string& directory) {
  std::error_code error;
  const bool existed = std::filesystem::exists(directory, error);
  std::filesystem::create_directories(directory, error);
  // Every key is in there: a directory this call creates is the owner's alone. An existing
  // one keeps the permissions its owner chose.
  if (!error && !existed) {
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  }
  if (error) {
    return Status(StatusCode::kFailedPrecondition,
                  "cannot create data_dir '" + directory + "': " + error.message());
  }
  auto rocks = RocksDbStorage::Open(RocksDbOptions{directory});
  if (!rocks.ok()) return rocks.status();
  return std::make_unique<api::MeteredStorage>(std::move(*rocks));
}

}  // namespace

Result<Preset> ParsePreset(std::string_view name) {
  if (name == "lan") return Preset::kLan;
  if (name == "wan") return Preset::kWan;
  if (name == "local") return Preset::kLocal;
  return Invalid("unknown preset '" + std::string(name) + "' (lan, wan or local)");
}

const char* PresetName(Preset preset) {
  switch (preset) {
    case Preset::kLan:
      return "lan";
    case Preset::kWan:
      return "wan";
    case Preset::kLocal:
      return "local";
  }
  return "unknown";
}

Result<std::unique_ptr<Node>> Node::Open(NodeConfig config) {
  LASHUP_RETURN_IF_ERROR(Validate(config));
  LASHUP_ASSIGN_OR_RETURN(std::string listen, ListenAddress(config));
  LASHUP_ASSIGN_OR_RETURN(auto storage, OpenStorage(config.data_dir));
  net::AsioDriverConfig driver;
  driver.self = config.id;
  driver.listen = listen;
  driver.security = config.plaintext ? net::Security::kPlaintext : net::Security::kTls;
  driver.tls = {config.tls.ca_file, config.tls.cert_file, config.tls.key_file};
  driver.seed = config.seed;
  driver.sync_policy = config.group_commit ? net::AsioDriverConfig::SyncPolicy::kGroupCommit
                                           : net::AsioDriverConfig::SyncPolicy::kEveryBatch;
  driver.log = config.log;
  testing::NetworkFaults::Impl* faults =
      config.faults != nullptr ? &internal::NetworkFaultsAccess::Of(*config.faults) : nullptr;
  driver.faults = faults;
  auto impl = std::make_unique<Impl>(config.id, std::move(storage), config.log);
  LASHUP_RETURN_IF_ERROR(impl->Start(std::move(driver), CoreConfig(config), faults));
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

}  // namespace lashup

#include "api/test_cluster.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "lashup/testing/cluster_certs.h"

namespace lashup::api::testing {
namespace {

// A port the kernel just handed out for a socket that is closed again: free for a moment.
uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

template <typename Predicate>
bool PollUntil(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

TestCluster::TestCluster(int size) : nodes_(size) {
  std::string pattern = (std::filesystem::temp_directory_path() / "lashup-node-XXXXXX").string();
  dir_ = mkdtemp(pattern.data());
  for (int i = 0; i < size; ++i) {
    ids_.push_back(NodeId::FromLiteral("n" + std::to_string(i + 1) + "@127.0.0.1:" +
                                       std::to_string(FreePort())));
  }
  auto certs = lashup::testing::WriteClusterCerts(dir_ + "/certs", ids_);
  if (!certs.ok()) std::abort();
  for (const NodeId& id : ids_) tls_.push_back(certs->at(id));
}

TestCluster::~TestCluster() {
  for (auto& node : nodes_) node.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

NodeConfig TestCluster::Config(int i) const {
  NodeConfig config;
  config.id = ids_.at(i);
  config.data_dir = dir_ + "/data" + std::to_string(i + 1);
  config.tls = tls_.at(i);
  config.preset = Preset::kLocal;
  if (i != 0) config.contacts = {ids_.at(0)};
  config.faults = faults_;
  return config;
}

Status TestCluster::Open(int i) { return Open(i, Config(i)); }

Status TestCluster::Open(int i, NodeConfig config) {
  LASHUP_ASSIGN_OR_RETURN(nodes_.at(i), Node::Open(std::move(config)));
  return Status::Ok();
}

Status TestCluster::OpenAll() {
  for (size_t i = 0; i < nodes_.size(); ++i) LASHUP_RETURN_IF_ERROR(Open(static_cast<int>(i)));
  return Status::Ok();
}

void TestCluster::Close(int i) { nodes_.at(i).reset(); }

bool TestCluster::WaitAllReachable(std::chrono::milliseconds timeout) {
  return PollUntil(
      [this] {
        for (auto& observer : nodes_) {
          if (!observer) continue;
          for (size_t j = 0; j < nodes_.size(); ++j) {
            if (nodes_[j] && !observer->Reachable(ids_[j]).value_or(false)) return false;
          }
        }
        return true;
      },
      timeout);
}

bool TestCluster::WaitReachable(int observer, const NodeId& target, bool reachable,
                                std::chrono::milliseconds timeout) {
  return PollUntil(
      [&] { return node(observer).Reachable(target).value_or(!reachable) == reachable; },
      timeout);
}

bool TestCluster::WaitForKey(int i, const Key& key, std::chrono::milliseconds timeout) {
  return PollUntil([&] { return node(i).Get(key).ok(); }, timeout);
}

std::string TestCluster::Describe() {
  std::string text;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]) continue;
    text += ids_[i].str() + " reaches:";
    for (const NodeId& id : ids_) {
      if (nodes_[i]->Reachable(id).value_or(false)) text += " " + id.str();
    }
    text += "\n";
  }
  return text;
}

}  // namespace lashup::api::testing

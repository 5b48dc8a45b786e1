// Uses an installed liblashup through its public headers only: writes test certificates, opens
// one node, updates a key, reads it back, closes. Exits 0 only if every step worked.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

#include "lashup/crdt/ops.h"
#include "lashup/crdt/value.h"
#include "lashup/node.h"
#include "lashup/testing/cluster_certs.h"

namespace {

// A port that was free a moment ago on 127.0.0.1 (the node binds the one in its id).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

int Fail(const std::string& what) {
  std::cerr << "consumer: FAILED: " << what << "\n";
  return 1;
}

int Run(const std::string& dir) {
  const int port = FreePort();
  if (port <= 0) return Fail("no free port on 127.0.0.1");
  auto id = lashup::NodeId::Parse("solo@127.0.0.1:" + std::to_string(port));
  if (!id.ok()) return Fail("NodeId::Parse: " + id.status().ToString());

  auto certs = lashup::testing::WriteClusterCerts(dir + "/certs", {*id});
  if (!certs.ok()) return Fail("WriteClusterCerts: " + certs.status().ToString());

  lashup::NodeConfig config;
  config.id = *id;
  config.data_dir = dir + "/data";
  config.tls = certs->at(*id);
  config.preset = lashup::Preset::kLocal;
  auto node = lashup::Node::Open(config);
  if (!node.ok()) return Fail("Node::Open: " + node.status().ToString());
  std::cout << "consumer: node " << (*node)->id() << " listening on "
            << (*node)->listen_address() << "\n";

  namespace ops = lashup::crdt::ops;
  const lashup::Key key = {"demo", "key"};
  auto updated = (*node)->Update(key, {ops::Add("set", "x"), ops::Increment("n")});
  if (!updated.ok()) return Fail("Update: " + updated.status().ToString());
  auto read = (*node)->Get(key);
  if (!read.ok()) return Fail("Get: " + read.status().ToString());
  if (!(*read == *updated)) {
    return Fail("Get returned " + lashup::crdt::ToString(*read) + ", Update returned " +
                lashup::crdt::ToString(*updated));
  }
  const lashup::crdt::Value* set = read->Find("set", lashup::crdt::CrdtType::kOrSet);
  const lashup::crdt::Value* counter = read->Find("n", lashup::crdt::CrdtType::kCounter);
  if (set == nullptr || set->AsSet() == nullptr || *set->AsSet() != lashup::crdt::SetValue{"x"} ||
      counter == nullptr || counter->AsCounter() == nullptr || *counter->AsCounter() != 1) {
    return Fail("unexpected value " + lashup::crdt::ToString(*read));
  }
  std::cout << "consumer: demo/key = " << lashup::crdt::ToString(*read) << "\n";
  (*node)->Close();
  return 0;
}

}  // namespace

int main() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "lashup-consumer-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Fail("mkdtemp");
  const int rc = Run(pattern);
  std::error_code error;
  std::filesystem::remove_all(pattern, error);
  if (error) return Fail("removing " + pattern + ": " + error.message());
  if (rc == 0) std::cout << "consumer: OK\n";
  return rc;
}

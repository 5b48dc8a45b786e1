// WriteClusterCerts: a demo cluster's CA and node certificates (lashup/testing/cluster_certs.h).
#include "lashup/testing/cluster_certs.h"

#include <chrono>
#include <filesystem>
#include <set>
#include <system_error>

#include "net/pki.h"

namespace lashup::testing {
namespace {

std::string FileStem(const NodeId& node) {
  const std::string& id = node.str();
  const size_t at = id.find('@');
  return at == std::string::npos ? id : id.substr(0, at);
}

Status WritePem(const std::string& base, const net::Pem& pem) {
  LASHUP_RETURN_IF_ERROR(net::WriteFile(base + ".pem", pem.cert, /*private_key=*/false));
  return net::WriteFile(base + ".key", pem.key, /*private_key=*/true);
}

Status CheckNodes(const std::vector<NodeId>& nodes) {
  std::set<std::string> stems;
  for (const NodeId& node : nodes) {
    if (!node.valid()) return Status(StatusCode::kInvalidArgument, "a node id is empty");
    const std::string stem = FileStem(node);
    if (stem.empty() || stem == "ca") {
      return Status(StatusCode::kInvalidArgument,
                    "node id '" + node.str() + "' gives the file name '" + stem + "'");
    }
    if (!stems.insert(stem).second) {
      return Status(StatusCode::kInvalidArgument,
                    "two node ids share the name '" + stem + "' (files would collide)");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::map<NodeId, NodeTls>> WriteClusterCerts(const std::string& directory,
                                                    const std::vector<NodeId>& nodes,
                                                    int valid_days) {
  if (directory.empty()) return Status(StatusCode::kInvalidArgument, "the directory is empty");
  // The upper bound keeps the end date inside the nanosecond clock's range (year 2262).
  if (valid_days < 1 || valid_days > 36500) {
    return Status(StatusCode::kInvalidArgument, "valid_days must be in 1..36500");
  }
  LASHUP_RETURN_IF_ERROR(CheckNodes(nodes));
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return Status(StatusCode::kFailedPrecondition,
                  "cannot create '" + directory + "': " + error.message());
  }
  const WallTime now = WallTimeFromNanos(
      std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  // An hour of slack for clocks a little behind this one.
  const net::CertValidity validity{now - std::chrono::hours(1),
                                   now + std::chrono::hours(24) * valid_days};
  LASHUP_ASSIGN_OR_RETURN(net::Pem ca, net::GenerateCa("lashup cluster CA", validity));
  const std::string base = directory + "/";
  LASHUP_RETURN_IF_ERROR(WritePem(base + "ca", ca));
  std::map<NodeId, NodeTls> files;
  for (const NodeId& node : nodes) {
    net::LeafSpec spec{.common_name = node.str(), .dns_names = {node.str()}, .uris = {},
                       .validity = validity};
    LASHUP_ASSIGN_OR_RETURN(net::Pem leaf, net::IssueLeaf(ca, spec));
    const std::string stem = base + FileStem(node);
    LASHUP_RETURN_IF_ERROR(WritePem(stem, leaf));
    files[node] = NodeTls{base + "ca.pem", stem + ".pem", stem + ".key"};
  }
  return files;
}

}  // namespace lashup::testing

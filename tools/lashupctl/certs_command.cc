#include "certs_command.h"

#include "lashup/testing/cluster_certs.h"
#include "options.h"

namespace lashup::ctl {

int RunCertsCommand(const std::string& directory, const std::vector<std::string>& node_ids,
                    int valid_days, std::ostream& out, std::ostream& err) {
  std::vector<NodeId> nodes;
  for (const std::string& text : node_ids) {
    Result<NodeId> node = NodeId::Parse(text);
    if (!node.ok()) {
      err << "lashupctl certs: bad node id '" << text << "': " << node.status().message() << "\n";
      return kExitUsage;
    }
    nodes.push_back(*node);
  }
  auto written = testing::WriteClusterCerts(directory, nodes, valid_days);
  if (!written.ok()) {
    err << "lashupctl certs: " << written.status() << "\n";
    return kExitDaemonError;
  }
  out << directory << "/ca.pem\n" << directory << "/ca.key\n";
  for (const NodeId& node : nodes) {
    const NodeTls& tls = written->at(node);
    out << tls.cert_file << "\n" << tls.key_file << "\n";
  }
  return kExitOk;
}

}  // namespace lashup::ctl

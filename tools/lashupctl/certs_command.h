// `lashupctl certs`: a demo cluster's CA and node certificates, written without any daemon.
//
// Contract: `RunCertsCommand` parses each node id (an invalid one: message on `err`,
// kExitUsage), calls lashup::testing::WriteClusterCerts (a failure: its status on `err`,
// kExitDaemonError), and lists every file written on `out`, one path a line: ca.pem and ca.key,
// then NAME.pem and NAME.key per node in the order given. The certificates are for tests and
// demos: the CA key sits unencrypted beside them.
#ifndef LASHUP_TOOLS_LASHUPCTL_CERTS_COMMAND_H_
#define LASHUP_TOOLS_LASHUPCTL_CERTS_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace lashup::ctl {

int RunCertsCommand(const std::string& directory, const std::vector<std::string>& node_ids,
                    int valid_days, std::ostream& out, std::ostream& err);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_CERTS_COMMAND_H_

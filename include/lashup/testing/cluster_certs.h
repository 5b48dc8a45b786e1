// Certificates for a test or demo cluster: a fresh CA and one certificate per node.
//
// Contract: `WriteClusterCerts` makes a self-signed cluster CA (EC P-256) and, for each node, a
// certificate naming the node's id in subjectAltName (as lashup's mutual TLS checks it), valid
// for both TLS roles, signed by that CA and valid from now for `valid_days`. It writes them as
// PEM under `directory` (created if absent): ca.pem, ca.key, and NAME.pem / NAME.key per node,
// NAME being the part of the id before '@' (the whole id when it has none); private keys get
// mode 0600. Existing files are replaced. Two ids with the same NAME are refused
// (kInvalidArgument), as is an invalid id. It returns each node's NodeTls, ready for NodeConfig.
//
// This is for tests and demos only: the CA key sits next to the certificates, unencrypted, and
// nothing revokes a certificate. Production clusters should use their own PKI.
#ifndef LASHUP_TESTING_CLUSTER_CERTS_H_
#define LASHUP_TESTING_CLUSTER_CERTS_H_

#include <map>
#include <string>
#include <vector>

#include "lashup/node.h"

namespace lashup::testing {

Result<std::map<NodeId, NodeTls>> WriteClusterCerts(const std::string& directory,
                                                    const std::vector<NodeId>& nodes,
                                                    int valid_days = 365);

}  // namespace lashup::testing

#endif  // LASHUP_TESTING_CLUSTER_CERTS_H_

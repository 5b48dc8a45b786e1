// TLS for the transport: building the OpenSSL context from the cluster's PEM files, and reading
// who the peer is after a handshake.
//
// The context allows TLS 1.3 only, requires a certificate from both ends (mutual TLS), and
// trusts only the cluster CA in `ca_file`. Chain and validity (expiry) are checked by OpenSSL
// during the handshake; the node-id check (certificate name == claimed / dialed id) is the
// transport's: a dialer checks the acceptor's certificate before it sends its Hello, an acceptor
// checks the dialer's against the id its Hello claims. Session tickets are off: links are
// long-lived. Errors are Status values; nothing here throws.
#ifndef LASHUP_NET_TLS_CONTEXT_H_
#define LASHUP_NET_TLS_CONTEXT_H_

#include <asio/ssl.hpp>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "lashup/status.h"
#include "net/transport_config.h"

namespace lashup::net {

Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(const TlsFiles& files);

// The node names in the peer's certificate (see cert_names.h); empty if there is none.
std::vector<std::string> PeerCertificateNames(SSL* ssl);

// A readable reason for a failed handshake: the certificate verification result when that is
// what failed ("certificate has expired", "unable to get local issuer certificate"), else the
// TLS error ("tlsv1 alert unknown ca", "wrong version number").
std::string DescribeTlsFailure(SSL* ssl, const std::error_code& error);

}  // namespace lashup::net

#endif  // LASHUP_NET_TLS_CONTEXT_H_

// Which node ids a certificate names: the identity half of mutual TLS.
//
// Contract: a certificate's names are its subjectAltName dNSName and uniformResourceIdentifier
// values if it has at least one entry of either type; only then, as RFC 6125 requires, is the
// subject common name ignored. Without such entries the names are the subject's CN values (as
// UTF-8). Names are returned byte for byte, never normalised (no case folding, no wildcard or
// URI parsing), so a peer is accepted only by an exact byte match with a NodeId. A name with an
// embedded NUL byte, or an empty one, is skipped, because code that treats it as a C string would
// read a different name; an entry skipped this way still counts as present, so it cannot bring
// the CN back into play. A certificate whose subjectAltName extension is duplicated or does not
// decode names nothing at all (fail closed). These functions only read names: they do not verify
// the certificate, its chain or its dates, which the TLS handshake does first. Stateless and
// thread-safe; the calling thread's OpenSSL error queue is left empty.
#ifndef LASHUP_NET_CERT_NAMES_H_
#define LASHUP_NET_CERT_NAMES_H_

#include <string>
#include <string_view>
#include <vector>

#include "lashup/status.h"
#include "lashup/types.h"

// OpenSSL's X509 is `typedef struct x509_st X509`; declaring the tag keeps OpenSSL's headers out
// of every file that includes this one.
struct x509_st;

namespace lashup::net {

// The names `cert` carries, in certificate order; empty for a null certificate.
std::vector<std::string> CertificateNames(const x509_st* cert);

// The names of the first certificate in `cert_pem`; kInvalidArgument if it does not parse.
Result<std::vector<std::string>> CertificateNamesFromPem(std::string_view cert_pem);

// Whether `names` (from CertificateNames) contains `id`, compared byte for byte.
bool CertificateNamesNode(const std::vector<std::string>& names, const NodeId& id);

}  // namespace lashup::net

#endif  // LASHUP_NET_CERT_NAMES_H_

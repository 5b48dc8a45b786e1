// A small certificate authority: EC P-256 keys and X.509 v3 certificates for mutual TLS.
//
// Contract: `GenerateCa` makes a self-signed CA and `IssueLeaf` signs a leaf with it that is
// valid as both a TLS server and a TLS client certificate (lashup nodes dial each other, so each
// plays both roles). The leaf names its node in subjectAltName; `CertificateNames`
// (net/cert_names.h) reads those names back. Keys are EC P-256, signatures ECDSA with SHA-256,
// serials 16 random bytes from OpenSSL's CSPRNG. Every value crosses this API as PEM text (PKCS#8
// keys), so callers never see an OpenSSL type. Validity is taken as given, even if it lies wholly
// in the past, because tests need expired certificates; times are truncated to whole seconds.
// Failures come back as a Status: kInvalidArgument for bad input (an empty or overlong CN, a
// non-ASCII SAN value, an unparsable or mismatched CA PEM, not_after before not_before) and
// kInternal when OpenSSL itself fails; the message carries OpenSSL's error text, and the calling
// thread's OpenSSL error queue is left empty either way. No state is kept between calls; the
// functions are safe to call from several threads at once.
//
// This is for tests and demo clusters. A production CA would keep its key offline, publish
// revocation data and constrain names; none of that is attempted here.
#ifndef LASHUP_NET_PKI_H_
#define LASHUP_NET_PKI_H_

#include <string>
#include <string_view>
#include <vector>

#include "lashup/status.h"
#include "lashup/types.h"

namespace lashup::net {

// A PEM-encoded private key (PKCS#8, unencrypted) and the certificate for it.
struct Pem {
  std::string key;
  std::string cert;
};

// The certificate's notBefore and notAfter. Sub-second parts are dropped (rounded down).
struct CertValidity {
  WallTime not_before;
  WallTime not_after;
};

// A self-signed CA certificate: basicConstraints CA:TRUE (critical), keyUsage keyCertSign and
// cRLSign (critical), and a subjectKeyIdentifier so leaves can point back at it.
Result<Pem> GenerateCa(std::string_view common_name, CertValidity validity);

struct LeafSpec {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries, written verbatim
  std::vector<std::string> uris;       // subjectAltName uniformResourceIdentifier entries
  CertValidity validity;
};

// A leaf certificate for `spec`, signed by `ca` (the output of GenerateCa). It carries
// basicConstraints CA:FALSE and keyUsage digitalSignature (both critical), extendedKeyUsage
// serverAuth and clientAuth, subject and authority key identifiers, and a subjectAltName with
// the DNS names and URIs unless both lists are empty. SAN values are stored byte for byte, not
// checked against DNS or URI syntax, so node ids such as "n1@127.0.0.1:7001" survive intact;
// they must be non-empty 7-bit ASCII without NUL bytes (the IA5String alphabet).
Result<Pem> IssueLeaf(const Pem& ca, const LeafSpec& spec);

// Writes `contents` to `path`, replacing the file. With `private_key` the file gets mode 0600,
// set before any byte is written, also when it already existed with a looser mode; otherwise a
// new file gets 0644 less the umask. The write is not atomic: a crash can leave a partial file.
Status WriteFile(const std::string& path, std::string_view contents, bool private_key);

}  // namespace lashup::net

#endif  // LASHUP_NET_PKI_H_

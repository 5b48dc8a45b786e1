#include "net/cert_names.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <utility>

#include "net/openssl_util.h"

namespace lashup::net {
namespace {

using internal::BioPtr;
using internal::GeneralNamesPtr;
using internal::OpenSslError;
using internal::ScopedErrorQueue;
using internal::X509Ptr;

// OPENSSL_free is a macro (it records file and line), so it cannot be named as a function.
struct OpenSslBufferFree {
  void operator()(unsigned char* buffer) const { OPENSSL_free(buffer); }
};

void AppendIfUsable(std::string_view name, std::vector<std::string>& names) {
  if (name.empty() || name.find('\0') != std::string_view::npos) return;
  names.emplace_back(name);
}

std::string_view View(const ASN1_STRING* text) {
  return std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                          static_cast<size_t>(ASN1_STRING_length(text)));
}

enum class SanState { kAbsent, kPresent, kUnusable };

// Collects dNSName and URI values. kPresent means at least one entry of those types exists,
// usable or not; kUnusable means the extension is duplicated or malformed.
SanState SubjectAltNames(const X509* cert, std::vector<std::string>& names) {
  int critical = -1;
  GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, &critical, nullptr)));
  if (sans == nullptr) {
    // -1: no such extension; -2: it occurs more than once; otherwise it did not decode.
    return critical == -1 ? SanState::kAbsent : SanState::kUnusable;
  }
  SanState state = SanState::kAbsent;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
    int type = 0;
    const auto* value = static_cast<const ASN1_STRING*>(
        GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(sans.get(), i), &type));
    if (type != GEN_DNS && type != GEN_URI) continue;
    state = SanState::kPresent;
    AppendIfUsable(View(value), names);
  }
  return state;
}

// Every subject CN converted to UTF-8, whatever string type the certificate used.
std::vector<std::string> CommonNames(const X509* cert) {
  std::vector<std::string> names;
  const X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    unsigned char* utf8 = nullptr;
    const int length =
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)));
    if (length < 0) continue;  // not convertible, so it names nothing we could match
    std::unique_ptr<unsigned char, OpenSslBufferFree> owned(utf8);
    AppendIfUsable(
        std::string_view(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length)), names);
  }
  return names;
}

}  // namespace

std::vector<std::string> CertificateNames(const x509_st* cert) {
  if (cert == nullptr) return {};
  ScopedErrorQueue errors;
  std::vector<std::string> names;
  switch (SubjectAltNames(cert, names)) {
    case SanState::kPresent:
      return names;
    case SanState::kUnusable:
      return {};
    case SanState::kAbsent:
      break;
  }
  return CommonNames(cert);
}

Result<std::vector<std::string>> CertificateNamesFromPem(std::string_view cert_pem) {
  ScopedErrorQueue errors;
  if (cert_pem.size() > static_cast<size_t>(INT_MAX)) {
    return InvalidArgumentError("certificate PEM too large");
  }
  BioPtr bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  if (bio == nullptr) return OpenSslError(StatusCode::kInternal, "wrapping PEM in a BIO");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return OpenSslError(StatusCode::kInvalidArgument, "parsing certificate PEM");
  return CertificateNames(cert.get());
}

bool CertificateNamesNode(const std::vector<std::string>& names, const NodeId& id) {
  return id.valid() && std::find(names.begin(), names.end(), id.str()) != names.end();
}

}  // namespace lashup::net

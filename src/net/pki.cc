#include "net/pki.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <ctime>
#include <memory>
#include <system_error>
#include <utility>

#include "net/openssl_util.h"

namespace lashup::net {
namespace {

using internal::BignumPtr;
using internal::BioPtr;
using internal::GeneralNamesPtr;
using internal::OpenSslError;
using internal::OpenSslFree;
using internal::PkeyPtr;
using internal::ScopedErrorQueue;
using internal::X509Ptr;

using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslFree<X509_EXTENSION_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OpenSslFree<GENERAL_NAME_free>>;
using Ia5StringPtr = std::unique_ptr<ASN1_IA5STRING, OpenSslFree<ASN1_IA5STRING_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslFree<EVP_PKEY_CTX_free>>;

// Random serials are 16 bytes: well above the 64 bits of entropy the CA/Browser Forum asks for,
// and inside RFC 5280's limit of 20 octets.
constexpr int kSerialBytes = 16;
// Far above any real name; only keeps lengths within OpenSSL's int parameters.
constexpr size_t kMaxValueBytes = 4096;

Status CheckValidity(const CertValidity& validity) {
  if (validity.not_after < validity.not_before) {
    return InvalidArgumentError("certificate not_after is before not_before");
  }
  return Status::Ok();
}

// Checks only what OpenSSL would accept silently; it enforces the 64-character limit itself.
Status CheckCommonName(std::string_view cn) {
  if (cn.empty()) return InvalidArgumentError("certificate common name is empty");
  if (cn.size() > kMaxValueBytes) return InvalidArgumentError("certificate common name too long");
  if (cn.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("certificate common name contains a NUL byte");
  }
  return Status::Ok();
}

// An IA5String holds 7-bit ASCII. NUL is refused because name checks written against C strings
// stop at it: the 2009 "null prefix" certificates fooled TLS clients that way.
Status CheckSanValue(std::string_view value, std::string_view kind) {
  if (value.empty()) return InvalidArgumentError("empty subjectAltName " + std::string(kind));
  if (value.size() > kMaxValueBytes) {
    return InvalidArgumentError("subjectAltName " + std::string(kind) + " too long");
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if (byte == 0 || byte > 0x7f) {
      return InvalidArgumentError("subjectAltName " + std::string(kind) + " has byte " +
                                  std::to_string(byte) + " at offset " + std::to_string(i) +
                                  ", outside IA5 (7-bit ASCII without NUL)");
    }
  }
  return Status::Ok();
}

Status CheckLeafSpec(const LeafSpec& spec) {
  LASHUP_RETURN_IF_ERROR(CheckValidity(spec.validity));
  LASHUP_RETURN_IF_ERROR(CheckCommonName(spec.common_name));
  for (const std::string& name : spec.dns_names) LASHUP_RETURN_IF_ERROR(CheckSanValue(name, "DNS"));
  for (const std::string& uri : spec.uris) LASHUP_RETURN_IF_ERROR(CheckSanValue(uri, "URI"));
  return Status::Ok();
}

Result<PkeyPtr> GenerateKey() {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), "prime256v1") != 1 ||
      EVP_PKEY_generate(ctx.get(), &key) != 1) {
    return OpenSslError(StatusCode::kInternal, "generating an EC P-256 key");
  }
  return PkeyPtr(key);
}

Status SetRandomSerial(X509* cert) {
  std::array<unsigned char, kSerialBytes> bytes;
  if (RAND_bytes(bytes.data(), kSerialBytes) != 1) {
    return OpenSslError(StatusCode::kInternal, "drawing a random serial");
  }
  // A serial must be positive and non-zero. With the top bit clear DER needs no sign-padding
  // byte, and with the next bit set the value is never zero and always exactly 16 octets long.
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);
  BignumPtr serial(BN_bin2bn(bytes.data(), kSerialBytes, nullptr));
  if (serial == nullptr ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr) {
    return OpenSslError(StatusCode::kInternal, "setting the serial number");
  }
  return Status::Ok();
}

// Whole seconds since the epoch, rounded down so a sub-second not_before never moves later.
time_t ToUnixSeconds(WallTime t) {
  return static_cast<time_t>(
      std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
}

Status SetValidity(X509* cert, const CertValidity& validity) {
  if (ASN1_TIME_set(X509_getm_notBefore(cert), ToUnixSeconds(validity.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), ToUnixSeconds(validity.not_after)) == nullptr) {
    // Only a time outside what ASN.1 can express (years 0 to 9999) fails here.
    return OpenSslError(StatusCode::kInvalidArgument, "certificate validity out of range");
  }
  return Status::Ok();
}

Status SetSubject(X509* cert, std::string_view cn) {
  X509_NAME* subject = X509_get_subject_name(cert);  // owned by cert
  if (X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0) != 1) {
    // The input was checked for everything except what OpenSSL checks itself: UTF-8 validity
    // and the 64-character limit. So a failure here is the caller's input.
    return OpenSslError(StatusCode::kInvalidArgument, "certificate common name");
  }
  return Status::Ok();
}

// A v3 certificate with serial, names, validity and public key set, not yet extended or signed.
// A null `issuer` makes the certificate self-issued.
Result<X509Ptr> NewCertificate(std::string_view cn, const CertValidity& validity, EVP_PKEY* key,
                               const X509_NAME* issuer) {
  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return OpenSslError(StatusCode::kInternal, "creating a certificate");
  }
  LASHUP_RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  LASHUP_RETURN_IF_ERROR(SetValidity(cert.get(), validity));
  LASHUP_RETURN_IF_ERROR(SetSubject(cert.get(), cn));
  if (issuer == nullptr) issuer = X509_get_subject_name(cert.get());
  if (X509_set_issuer_name(cert.get(), issuer) != 1 || X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError(StatusCode::kInternal, "setting issuer and public key");
  }
  return cert;
}

struct ConfExtension {
  int nid;
  const char* value;  // OpenSSL's configuration syntax, as in openssl.cnf
};

// The fixed extensions are written in OpenSSL's configuration syntax, which is well tested for
// these; only subjectAltName, whose values come from callers, is built by hand.
Status AddConfExtensions(X509* issuer, X509* cert, const ConfExtension* begin,
                         const ConfExtension* end) {
  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  for (const ConfExtension* ext = begin; ext != end; ++ext) {
    ExtensionPtr made(X509V3_EXT_nconf_nid(nullptr, &ctx, ext->nid, ext->value));
    if (made == nullptr || X509_add_ext(cert, made.get(), -1) != 1) {
      return OpenSslError(StatusCode::kInternal,
                          std::string("adding extension ") + OBJ_nid2sn(ext->nid));
    }
  }
  return Status::Ok();
}

// Appends one IA5String-valued name, byte for byte. OpenSSL's "DNS:a,URI:b" configuration
// string would also take node ids (OpenSSL 3.0 accepts '@', ':' and '[' there), but it splits on
// ',' and trims spaces, so a caller's value could silently become two names or a different one.
Status AppendGeneralName(GENERAL_NAMES* names, int type, const std::string& value) {
  Ia5StringPtr text(ASN1_IA5STRING_new());
  GeneralNamePtr name(GENERAL_NAME_new());
  if (text == nullptr || name == nullptr ||
      ASN1_STRING_set(text.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return OpenSslError(StatusCode::kInternal, "building a subjectAltName entry");
  }
  GENERAL_NAME_set0_value(name.get(), type, text.release());
  if (sk_GENERAL_NAME_push(names, name.get()) <= 0) {
    return OpenSslError(StatusCode::kInternal, "building a subjectAltName entry");
  }
  name.release();  // now owned by `names`
  return Status::Ok();
}

Status AddSubjectAltName(X509* cert, const LeafSpec& spec) {
  if (spec.dns_names.empty() && spec.uris.empty()) return Status::Ok();
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (names == nullptr) return OpenSslError(StatusCode::kInternal, "building subjectAltName");
  for (const std::string& dns : spec.dns_names) {
    LASHUP_RETURN_IF_ERROR(AppendGeneralName(names.get(), GEN_DNS, dns));
  }
  for (const std::string& uri : spec.uris) {
    LASHUP_RETURN_IF_ERROR(AppendGeneralName(names.get(), GEN_URI, uri));
  }
  // Not critical: RFC 5280 asks for that only when the subject is empty, and ours has a CN.
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError(StatusCode::kInternal, "adding subjectAltName");
  }
  return Status::Ok();
}

Status Sign(X509* cert, EVP_PKEY* issuer_key) {
  if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) {
    return OpenSslError(StatusCode::kInternal, "signing the certificate");
  }
  return Status::Ok();
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

Result<Pem> ToPem(EVP_PKEY* key, X509* cert) {
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (key_bio == nullptr || cert_bio == nullptr ||
      PEM_write_bio_PKCS8PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_bio.get(), cert) != 1) {
    return OpenSslError(StatusCode::kInternal, "encoding PEM");
  }
  return Pem{BioContents(key_bio.get()), BioContents(cert_bio.get())};
}

Result<BioPtr> ReadOnlyBio(std::string_view text) {
  if (text.size() > static_cast<size_t>(INT_MAX)) return InvalidArgumentError("PEM too large");
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (bio == nullptr) return OpenSslError(StatusCode::kInternal, "wrapping PEM in a BIO");
  return bio;
}

// Refuses to prompt: with no callback OpenSSL would ask for a passphrase on the terminal when
// handed an encrypted key, hanging a test or a tool run without one.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

struct LoadedCa {
  PkeyPtr key;
  X509Ptr cert;
};

Result<LoadedCa> ParseCa(const Pem& ca) {
  LASHUP_ASSIGN_OR_RETURN(BioPtr key_bio, ReadOnlyBio(ca.key));
  LASHUP_ASSIGN_OR_RETURN(BioPtr cert_bio, ReadOnlyBio(ca.cert));
  LoadedCa loaded{PkeyPtr(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr)),
                  X509Ptr(PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr))};
  if (loaded.key == nullptr) {
    return OpenSslError(StatusCode::kInvalidArgument, "parsing the CA private key PEM");
  }
  if (loaded.cert == nullptr) {
    return OpenSslError(StatusCode::kInvalidArgument, "parsing the CA certificate PEM");
  }
  if (X509_check_private_key(loaded.cert.get(), loaded.key.get()) != 1) {
    return OpenSslError(StatusCode::kInvalidArgument, "CA key does not match CA certificate");
  }
  // Verifiers would reject leaves signed by a non-CA anyway; failing here says why.
  if (X509_check_ca(loaded.cert.get()) == 0) {
    return InvalidArgumentError("CA certificate is not a CA (basicConstraints/keyUsage)");
  }
  return loaded;
}

Status ErrnoError(int err, std::string_view action, const std::string& path) {
  StatusCode code = StatusCode::kInternal;
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      code = StatusCode::kNotFound;
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      code = StatusCode::kPermissionDenied;
      break;
    case ENOSPC:
    case EDQUOT:
      code = StatusCode::kResourceExhausted;
      break;
    default:
      break;
  }
  return Status(code,
                std::string(action) + " " + path + ": " + std::generic_category().message(err));
}

Status FillFile(int fd, std::string_view contents, bool private_key, const std::string& path) {
  // open() applies its mode only to a new file; an existing key file may be world-readable.
  if (private_key && ::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    return ErrnoError(errno, "restricting mode of", path);
  }
  while (!contents.empty()) {
    const ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "writing", path);
    }
    contents.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

}  // namespace

Result<Pem> GenerateCa(std::string_view common_name, CertValidity validity) {
  ScopedErrorQueue errors;
  LASHUP_RETURN_IF_ERROR(CheckValidity(validity));
  LASHUP_RETURN_IF_ERROR(CheckCommonName(common_name));
  LASHUP_ASSIGN_OR_RETURN(PkeyPtr key, GenerateKey());
  LASHUP_ASSIGN_OR_RETURN(X509Ptr cert, NewCertificate(common_name, validity, key.get(), nullptr));
  constexpr std::array<ConfExtension, 3> kCaExtensions = {{
      {NID_basic_constraints, "critical,CA:TRUE"},
      {NID_key_usage, "critical,keyCertSign,cRLSign"},
      {NID_subject_key_identifier, "hash"},
  }};
  LASHUP_RETURN_IF_ERROR(
      AddConfExtensions(cert.get(), cert.get(), kCaExtensions.begin(), kCaExtensions.end()));
  LASHUP_RETURN_IF_ERROR(Sign(cert.get(), key.get()));
  return ToPem(key.get(), cert.get());
}

Result<Pem> IssueLeaf(const Pem& ca, const LeafSpec& spec) {
  ScopedErrorQueue errors;
  LASHUP_RETURN_IF_ERROR(CheckLeafSpec(spec));
  LASHUP_ASSIGN_OR_RETURN(LoadedCa issuer, ParseCa(ca));
  LASHUP_ASSIGN_OR_RETURN(PkeyPtr key, GenerateKey());
  LASHUP_ASSIGN_OR_RETURN(X509Ptr cert, NewCertificate(spec.common_name, spec.validity, key.get(),
                                                       X509_get_subject_name(issuer.cert.get())));
  // digitalSignature covers TLS 1.3 and ECDHE-ECDSA in TLS 1.2. Static-ECDH suites, which would
  // need keyAgreement, were dropped from OpenSSL in 1.1.0.
  constexpr std::array<ConfExtension, 5> kLeafExtensions = {{
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_key_usage, "critical,digitalSignature"},
      {NID_ext_key_usage, "serverAuth,clientAuth"},
      {NID_subject_key_identifier, "hash"},
      {NID_authority_key_identifier, "keyid:always"},
  }};
  LASHUP_RETURN_IF_ERROR(AddConfExtensions(issuer.cert.get(), cert.get(), kLeafExtensions.begin(),
                                           kLeafExtensions.end()));
  LASHUP_RETURN_IF_ERROR(AddSubjectAltName(cert.get(), spec));
  LASHUP_RETURN_IF_ERROR(Sign(cert.get(), issuer.key.get()));
  return ToPem(key.get(), cert.get());
}

Status WriteFile(const std::string& path, std::string_view contents, bool private_key) {
  const mode_t mode = private_key ? (S_IRUSR | S_IWUSR) : (S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoError(errno, "opening", path);
  Status status = FillFile(fd, contents, private_key, path);
  // close() can report a deferred write error (NFS, quota), so it counts as part of the write.
  if (::close(fd) != 0 && status.ok()) status = ErrnoError(errno, "closing", path);
  return status;
}

}  // namespace lashup::net

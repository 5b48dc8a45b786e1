#include "net/pki.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "net/cert_names.h"
#include "net/openssl_util.h"

namespace lashup::net {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

using internal::BignumPtr;
using internal::BioPtr;
using internal::GeneralNamesPtr;
using internal::OpenSslFree;
using internal::PkeyPtr;
using internal::X509Ptr;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslFree<X509_STORE_CTX_free>>;
using StorePtr = std::unique_ptr<X509_STORE, OpenSslFree<X509_STORE_free>>;

using std::chrono::hours;

// The test is a driver, so it may read the real clock; certificates are checked against it.
WallTime WallNow() {
  return WallTimeFromNanos(std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
}

// Valid from `now + from` to `now + to`.
CertValidity Around(Duration from, Duration to) {
  const WallTime now = WallNow();
  return CertValidity{now + from, now + to};
}

X509Ptr ParseCert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  EXPECT_NE(cert, nullptr) << "unparsable certificate PEM";
  return cert;
}

PkeyPtr ParseKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  EXPECT_NE(key, nullptr) << "unparsable key PEM";
  return key;
}

// X509_V_OK, or why `leaf` does not verify against `ca` for `purpose` at the current time.
int Verify(const Pem& ca, const Pem& leaf, int purpose) {
  X509Ptr ca_cert = ParseCert(ca.cert);
  X509Ptr leaf_cert = ParseCert(leaf.cert);
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ca_cert || !leaf_cert || !store || !ctx ||
      X509_STORE_add_cert(store.get(), ca_cert.get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), leaf_cert.get(), nullptr) != 1 ||
      X509_STORE_CTX_set_purpose(ctx.get(), purpose) != 1) {
    ADD_FAILURE() << "could not set up verification";
    return -1;
  }
  const int verified = X509_verify_cert(ctx.get());
  const int error = X509_STORE_CTX_get_error(ctx.get());
  EXPECT_EQ(verified == 1, error == X509_V_OK);
  ERR_clear_error();
  return error;
}

bool IsCritical(const X509* cert, int nid) {
  const int index = X509_get_ext_by_NID(cert, nid, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, index)) == 1;
}

int SerialBytes(const X509* cert) {
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  return BN_num_bytes(serial.get());
}

std::string SerialHex(const X509* cert) {
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  char* hex = BN_bn2hex(serial.get());
  std::string text(hex);
  OPENSSL_free(hex);
  return text;
}

// Appends a subjectAltName extension holding one dNSName of arbitrary bytes, which IssueLeaf
// refuses to write; the certificate is not re-signed, since names are read without verifying.
void AppendDnsSan(X509* cert, std::string_view value) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_IA5STRING* text = ASN1_IA5STRING_new();
  ASSERT_EQ(ASN1_STRING_set(text, value.data(), static_cast<int>(value.size())), 1);
  GENERAL_NAME_set0_value(name, GEN_DNS, text);
  ASSERT_GT(sk_GENERAL_NAME_push(names.get(), name), 0);
  ASSERT_EQ(X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_APPEND), 1);
}

class PkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Pem> ca = GenerateCa("lashup test CA", Around(-hours(1), hours(24 * 365)));
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = *std::move(ca);
  }

  Pem Issue(const LeafSpec& spec, const Pem* ca = nullptr) {
    Result<Pem> leaf = IssueLeaf(ca != nullptr ? *ca : ca_, spec);
    EXPECT_TRUE(leaf.ok()) << leaf.status();
    return leaf.value_or(Pem{});
  }

  LeafSpec NodeSpec(std::string id) { return LeafSpec{id, {id}, {}, Around(-hours(1), hours(24))}; }

  Pem ca_;
};

TEST_F(PkiTest, CaIsSelfSignedP256CaCertificate) {
  X509Ptr cert = ParseCert(ca_.cert);
  PkeyPtr key = ParseKey(ca_.key);
  ASSERT_TRUE(cert && key);
  EXPECT_THAT(ca_.key, StartsWith("-----BEGIN PRIVATE KEY-----"));  // PKCS#8
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_check_issued(cert.get(), cert.get()), X509_V_OK);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_TRUE(IsCritical(cert.get(), NID_basic_constraints));
  EXPECT_TRUE(IsCritical(cert.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_TRUE(EVP_PKEY_is_a(key.get(), "EC"));
  std::array<char, 64> group{};
  ASSERT_EQ(EVP_PKEY_get_group_name(key.get(), group.data(), group.size(), nullptr), 1);
  EXPECT_STREQ(group.data(), "prime256v1");
  EXPECT_EQ(SerialBytes(cert.get()), 16);
  EXPECT_THAT(CertificateNamesFromPem(ca_.cert).value(), ElementsAre("lashup test CA"));
}

TEST_F(PkiTest, LeafIsServerAndClientCertificateOfItsCa) {
  const Pem leaf = Issue(NodeSpec("n1@127.0.0.1:7001"));
  X509Ptr cert = ParseCert(leaf.cert);
  X509Ptr ca = ParseCert(ca_.cert);
  ASSERT_TRUE(cert && ca);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_check_issued(ca.get(), cert.get()), X509_V_OK);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_TRUE(IsCritical(cert.get(), NID_basic_constraints));
  EXPECT_TRUE(IsCritical(cert.get(), NID_key_usage));
  EXPECT_FALSE(IsCritical(cert.get(), NID_subject_alt_name));
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()),
            static_cast<uint32_t>(XKU_SSL_SERVER | XKU_SSL_CLIENT));
  ASSERT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
  ASSERT_NE(X509_get0_authority_key_id(cert.get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(cert.get()),
                                  X509_get0_subject_key_id(ca.get())),
            0);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(SerialBytes(cert.get()), 16);
}

TEST_F(PkiTest, SerialsAreRandom) {
  X509Ptr a = ParseCert(Issue(NodeSpec("node-1")).cert);
  X509Ptr b = ParseCert(Issue(NodeSpec("node-1")).cert);
  ASSERT_TRUE(a && b);
  EXPECT_NE(SerialHex(a.get()), SerialHex(b.get()));
}

TEST_F(PkiTest, ValidityIsWrittenInWholeSeconds) {
  LeafSpec spec = NodeSpec("node-1");
  spec.validity = {WallTimeFromNanos(1'700'000'000'999'999'999),
                   WallTimeFromNanos(1'800'000'000'000'000'000)};
  X509Ptr cert = ParseCert(Issue(spec).cert);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notBefore(cert.get()), 1'700'000'000), 0);
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert.get()), 1'800'000'000), 0);
}

TEST_F(PkiTest, NamesAreSanDnsThenUriVerbatim) {
  const LeafSpec spec{"ignored-cn",
                      {"n1@127.0.0.1:7001", "node-2", "n3@[::1]:7003"},
                      {"lashup://n1@127.0.0.1:7001", "n4@[2001:db8::1]:7004"},
                      Around(-hours(1), hours(1))};
  Result<std::vector<std::string>> names = CertificateNamesFromPem(Issue(spec).cert);
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre("n1@127.0.0.1:7001", "node-2", "n3@[::1]:7003",
                                  "lashup://n1@127.0.0.1:7001", "n4@[2001:db8::1]:7004"));
  EXPECT_TRUE(CertificateNamesNode(*names, NodeId::FromLiteral("n3@[::1]:7003")));
  EXPECT_TRUE(CertificateNamesNode(*names, NodeId::FromLiteral("n4@[2001:db8::1]:7004")));
  EXPECT_FALSE(CertificateNamesNode(*names, NodeId::FromLiteral("ignored-cn")));
  EXPECT_FALSE(CertificateNamesNode(*names, NodeId::FromLiteral("N1@127.0.0.1:7001")));
  EXPECT_FALSE(CertificateNamesNode(*names, NodeId::FromLiteral("n3")));
  EXPECT_FALSE(CertificateNamesNode(*names, NodeId()));
}

TEST_F(PkiTest, UriSanAloneAlsoHidesCommonName) {
  const LeafSpec spec{"ignored-cn", {}, {"node-2"}, Around(-hours(1), hours(1))};
  EXPECT_THAT(CertificateNamesFromPem(Issue(spec).cert).value(), ElementsAre("node-2"));
}

TEST_F(PkiTest, CommonNameWhenNoSan) {
  const LeafSpec spec{"n1@127.0.0.1:7001", {}, {}, Around(-hours(1), hours(1))};
  X509Ptr cert = ParseCert(Issue(spec).cert);
  ASSERT_NE(cert, nullptr);
  EXPECT_LT(X509_get_ext_by_NID(cert.get(), NID_subject_alt_name, -1), 0);
  const std::vector<std::string> names = CertificateNames(cert.get());
  EXPECT_THAT(names, ElementsAre("n1@127.0.0.1:7001"));
  EXPECT_TRUE(CertificateNamesNode(names, NodeId::FromLiteral("n1@127.0.0.1:7001")));
}

TEST_F(PkiTest, NamesWithNulBytesAreSkippedAndStillHideCommonName) {
  X509Ptr cert = ParseCert(Issue(LeafSpec{"node-1", {}, {}, Around(-hours(1), hours(1))}).cert);
  ASSERT_NE(cert, nullptr);
  AppendDnsSan(cert.get(), std::string_view("node-1\0.evil", 12));
  EXPECT_THAT(CertificateNames(cert.get()), IsEmpty());
}

TEST_F(PkiTest, DuplicatedSanExtensionNamesNothing) {
  X509Ptr cert = ParseCert(Issue(NodeSpec("node-1")).cert);
  ASSERT_NE(cert, nullptr);
  AppendDnsSan(cert.get(), "node-2");
  EXPECT_THAT(CertificateNames(cert.get()), IsEmpty());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(PkiTest, CommonNameWithNulByteIsSkipped) {
  X509Ptr cert(X509_new());
  ASSERT_NE(cert, nullptr);
  const std::string_view cn("node-1\0x", 8);
  ASSERT_EQ(
      X509_NAME_add_entry_by_NID(X509_get_subject_name(cert.get()), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0),
      1);
  EXPECT_THAT(CertificateNames(cert.get()), IsEmpty());
}

TEST_F(PkiTest, NullOrGarbageCertificateNamesNothing) {
  EXPECT_THAT(CertificateNames(nullptr), IsEmpty());
  Result<std::vector<std::string>> names = CertificateNamesFromPem("not a certificate");
  EXPECT_EQ(names.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(PkiTest, LeafVerifiesAgainstItsCaForServerAndClient) {
  const Pem leaf = Issue(NodeSpec("node-1"));
  EXPECT_EQ(Verify(ca_, leaf, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(Verify(ca_, leaf, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
}

TEST_F(PkiTest, ExpiredLeafFailsVerification) {
  LeafSpec spec = NodeSpec("node-1");
  spec.validity = Around(-hours(48), -hours(24));
  EXPECT_EQ(Verify(ca_, Issue(spec), X509_PURPOSE_SSL_SERVER), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(PkiTest, NotYetValidLeafFailsVerification) {
  LeafSpec spec = NodeSpec("node-1");
  spec.validity = Around(hours(24), hours(48));
  EXPECT_EQ(Verify(ca_, Issue(spec), X509_PURPOSE_SSL_SERVER), X509_V_ERR_CERT_NOT_YET_VALID);
}

TEST_F(PkiTest, LeafOfAnotherCaFailsVerification) {
  Result<Pem> other = GenerateCa("other CA", Around(-hours(1), hours(24)));
  ASSERT_TRUE(other.ok()) << other.status();
  const Pem leaf = Issue(NodeSpec("node-1"), &*other);
  EXPECT_EQ(Verify(*other, leaf, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(Verify(ca_, leaf, X509_PURPOSE_SSL_SERVER),
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_F(PkiTest, KeyMatchesItsCertificateOnly) {
  const Pem leaf = Issue(NodeSpec("node-1"));
  PkeyPtr key = ParseKey(leaf.key);
  X509Ptr cert = ParseCert(leaf.cert);
  X509Ptr ca = ParseCert(ca_.cert);
  ASSERT_TRUE(key && cert && ca);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  EXPECT_EQ(X509_check_private_key(ca.get(), key.get()), 0);
  ERR_clear_error();
}

TEST_F(PkiTest, BadCaPemIsInvalidArgument) {
  const Pem leaf = Issue(NodeSpec("node-1"));
  Result<Pem> other = GenerateCa("other CA", Around(-hours(1), hours(24)));
  ASSERT_TRUE(other.ok());
  const struct {
    Pem ca;
    std::string message;
  } cases[] = {
      {Pem{"garbage", ca_.cert}, "CA private key"},
      {Pem{ca_.key, "garbage"}, "CA certificate PEM"},
      {Pem{"", ""}, "CA private key"},
      {Pem{ca_.cert, ca_.key}, "CA private key"},  // swapped
      {Pem{other->key, ca_.cert}, "does not match"},
      {leaf, "not a CA"},
  };
  for (const auto& c : cases) {
    Result<Pem> issued = IssueLeaf(c.ca, NodeSpec("node-2"));
    EXPECT_EQ(issued.status().code(), StatusCode::kInvalidArgument) << issued.status();
    EXPECT_THAT(issued.status().message(), HasSubstr(c.message));
    EXPECT_EQ(ERR_peek_error(), 0u) << "error queue left non-empty";
  }
}

TEST_F(PkiTest, GarbageCaMessageCarriesOpenSslError) {
  Result<Pem> issued = IssueLeaf(Pem{"garbage", ca_.cert}, NodeSpec("node-2"));
  ASSERT_FALSE(issued.ok());
  // ERR_error_string_n's format: "error:<hex code>:<library>:<function>:<reason>".
  EXPECT_THAT(issued.status().message(), HasSubstr("error:"));
}

TEST_F(PkiTest, BadSpecsAreInvalidArgument) {
  const LeafSpec good = NodeSpec("node-1");
  std::vector<LeafSpec> bad(8, good);
  bad[0].common_name = "";
  bad[1].common_name = std::string("node\0x", 6);
  bad[2].common_name = std::string(65, 'a');  // RFC 5280 caps a CN at 64 characters
  bad[3].dns_names = {""};
  bad[4].dns_names = {std::string("node-1\0.evil", 12)};
  bad[5].uris = {"n\xc3\xa9ud"};  // IA5String is 7-bit
  bad[6].validity = {good.validity.not_after, good.validity.not_before};
  bad[7].dns_names = {"node-1", "\x80"};
  for (const LeafSpec& spec : bad) {
    Result<Pem> issued = IssueLeaf(ca_, spec);
    EXPECT_EQ(issued.status().code(), StatusCode::kInvalidArgument) << issued.status();
  }
  EXPECT_EQ(GenerateCa("", Around(-hours(1), hours(1))).status().code(),
            StatusCode::kInvalidArgument);
  LeafSpec longest = good;
  longest.common_name = std::string(64, 'a');
  EXPECT_TRUE(IssueLeaf(ca_, longest).ok());
}

class WriteFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::path(::testing::TempDir()) / "pki_test_XXXXXX");
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  static unsigned Mode(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0);
    return info.st_mode & 07777;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

  std::filesystem::path dir_;
};

TEST_F(WriteFileTest, PrivateKeyGetsMode0600) {
  const std::string path = dir_ / "node.key";
  ASSERT_TRUE(WriteFile(path, "secret", /*private_key=*/true).ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Read(path), "secret");
}

TEST_F(WriteFileTest, ExistingLooseFileIsTightenedAndReplaced) {
  const std::string path = dir_ / "node.key";
  ASSERT_TRUE(WriteFile(path, "old contents that are longer", false).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(WriteFile(path, "new", /*private_key=*/true).ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Read(path), "new");
}

TEST_F(WriteFileTest, CertificateIsWrittenReadable) {
  const std::string path = dir_ / "node.crt";
  const std::string contents("binary\0safe", 11);
  ASSERT_TRUE(WriteFile(path, contents, /*private_key=*/false).ok());
  EXPECT_EQ(Read(path), contents);
  EXPECT_NE(Mode(path) & 0400u, 0u);
}

TEST_F(WriteFileTest, MissingDirectoryIsNotFound) {
  const Status status = WriteFile(dir_ / "missing" / "node.key", "x", true);
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status;
  EXPECT_THAT(status.message(), HasSubstr("missing"));
}

}  // namespace
}  // namespace lashup::net

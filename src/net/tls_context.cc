#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "net/cert_names.h"

namespace lashup::net {
namespace {

Status FileError(const char* what, const std::string& path, const std::error_code& error) {
  return InvalidArgumentError(std::string("TLS ") + what + " \"" + path + "\": " + error.message());
}

Status LoadFiles(asio::ssl::context& context, const TlsFiles& files) {
  std::error_code error;
  if (files.ca_file.empty() || files.cert_file.empty() || files.key_file.empty()) {
    return InvalidArgumentError(
        "TLS needs ca_file, cert_file and key_file (plaintext must be chosen explicitly)");
  }
  context.load_verify_file(files.ca_file, error);
  if (error) return FileError("CA file", files.ca_file, error);
  context.use_certificate_chain_file(files.cert_file, error);
  if (error) return FileError("certificate file", files.cert_file, error);
  context.use_private_key_file(files.key_file, asio::ssl::context::pem, error);
  if (error) return FileError("key file", files.key_file, error);
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("TLS key file \"" + files.key_file +
                                "\" mismatch: it is not the key of \"" + files.cert_file + "\"");
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(const TlsFiles& files) {
  std::shared_ptr<asio::ssl::context> context;
  try {
    context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls);
  } catch (const std::system_error& e) {
    return InternalError(std::string("TLS context: ") + e.what());
  }
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1) {
    ERR_clear_error();
    return InternalError("TLS context: this OpenSSL cannot restrict itself to TLS 1.3");
  }
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_num_tickets(native, 0);
  std::error_code error;
  context->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, error);
  if (error) return InternalError("TLS verify mode: " + error.message());
  LASHUP_RETURN_IF_ERROR(LoadFiles(*context, files));
  return context;
}

std::vector<std::string> PeerCertificateNames(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return {};
  std::vector<std::string> names = CertificateNames(cert);
  X509_free(cert);
  return names;
}

std::string DescribeTlsFailure(SSL* ssl, const std::error_code& error) {
  const long verify = ssl != nullptr ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (verify != X509_V_OK) {
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  }
  std::string text = error.message();
  if (error.category() == asio::error::get_ssl_category()) {
    // OpenSSL's reason string is the useful part ("tlsv1 alert unknown ca").
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(error.value()));
    if (reason != nullptr) text = reason;
  }
  return "TLS handshake failed: " + text;
}

}  // namespace lashup::net

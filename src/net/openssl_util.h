// Small helpers for code that calls the OpenSSL C API: owning pointers for its objects, a guard
// that keeps the thread's error queue clean, and a conversion of that queue into a Status.
// Private to src/net (it includes OpenSSL headers).
#ifndef LASHUP_NET_OPENSSL_UTIL_H_
#define LASHUP_NET_OPENSSL_UTIL_H_

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string_view>

#include "lashup/status.h"

namespace lashup::net::internal {

// unique_ptr deleter calling an OpenSSL free function, so every object has exactly one owner.
template <auto kFree>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};

using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree<BN_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslFree<GENERAL_NAMES_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslFree<X509_free>>;

// OpenSSL reports errors through a per-thread queue. Clearing it on entry keeps a caller's stale
// errors out of our messages; clearing it on exit means a success path that left notes behind
// (PEM decoders try several formats) cannot be blamed on the caller's next OpenSSL call.
class ScopedErrorQueue {
 public:
  ScopedErrorQueue() { ERR_clear_error(); }
  ~ScopedErrorQueue() { ERR_clear_error(); }
  ScopedErrorQueue(const ScopedErrorQueue&) = delete;
  ScopedErrorQueue& operator=(const ScopedErrorQueue&) = delete;
};

// Drains the error queue into a Status: "what: error1; error2".
Status OpenSslError(StatusCode code, std::string_view what);

}  // namespace lashup::net::internal

#endif  // LASHUP_NET_OPENSSL_UTIL_H_

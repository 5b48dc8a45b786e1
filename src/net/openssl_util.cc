#include "net/openssl_util.h"

#include <array>
#include <string>

namespace lashup::net::internal {

Status OpenSslError(StatusCode code, std::string_view what) {
  std::string message(what);
  std::array<char, 256> buffer;
  bool first = true;
  for (unsigned long err = ERR_get_error(); err != 0; err = ERR_get_error()) {
    ERR_error_string_n(err, buffer.data(), buffer.size());
    message += first ? ": " : "; ";
    message += buffer.data();
    first = false;
  }
  if (first) message += ": no OpenSSL error reported";
  return Status(code, std::move(message));
}

}  // namespace lashup::net::internal

#include "net/node_address.h"

#include <charconv>

namespace lashup::net {
namespace {

Result<uint16_t> ParsePort(std::string_view text, bool allow_zero) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > 65535 ||
      (value == 0 && !allow_zero)) {
    return InvalidArgumentError("bad port \"" + std::string(text) + "\"");
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

Result<Endpoint> ParseEndpoint(std::string_view text, bool allow_port_zero) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return InvalidArgumentError("bad address \"" + std::string(text) +
                                  "\": expected [ipv6]:port");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return InvalidArgumentError("bad address \"" + std::string(text) + "\": expected host:port");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return InvalidArgumentError("bad address \"" + std::string(text) +
                                  "\": put an IPv6 host in brackets");
    }
  }
  if (host.empty())
    return InvalidArgumentError("bad address \"" + std::string(text) + "\": no host");
  Result<uint16_t> number = ParsePort(port, allow_port_zero);
  if (!number.ok()) return number.status().WithContext("address \"" + std::string(text) + "\"");
  return Endpoint{std::string(host), *number};
}

std::string ToString(const Endpoint& endpoint) {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

Result<Endpoint> EndpointFromNodeId(const NodeId& id) {
  std::string_view text = id.str();
  const size_t at = text.rfind('@');
  if (at != std::string_view::npos) text = text.substr(at + 1);
  Result<Endpoint> endpoint = ParseEndpoint(text);
  if (!endpoint.ok()) {
    return NotFoundError("no address for node " + id.str() +
                         ": it is not in the address book and its id is not [name@]host:port (" +
                         endpoint.status().message() + ")");
  }
  return endpoint;
}

Result<Endpoint> AddressBook::Resolve(const NodeId& id) const {
  auto it = entries_.find(id);
  if (it != entries_.end()) return it->second;
  return EndpointFromNodeId(id);
}

}  // namespace lashup::net

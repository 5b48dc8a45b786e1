// Where a node listens: endpoints, how they are parsed, and how a NodeId maps to one.
//
// A core names peers only by NodeId. The transport turns a NodeId into a host and port: an entry
// set explicitly in the AddressBook wins; otherwise the id itself is read as `[name@]host:port`
// (the Erlang habit of naming a node after its address, e.g. `n1@10.0.0.7:7946`, or `[::1]:7946`).
// Hosts are IP literals or DNS names; ports 1..65535. Not thread-safe.
#ifndef LASHUP_NET_NODE_ADDRESS_H_
#define LASHUP_NET_NODE_ADDRESS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "lashup/status.h"
#include "lashup/types.h"

namespace lashup::net {

struct Endpoint {
  std::string host;  // IP literal (IPv6 without brackets) or DNS name
  uint16_t port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// "host:port" or "[v6]:port". `allow_port_zero` accepts port 0 (listen on an ephemeral port).
Result<Endpoint> ParseEndpoint(std::string_view text, bool allow_port_zero = false);

// "host:port", with brackets around an IPv6 host.
std::string ToString(const Endpoint& endpoint);

// The address part of `[name@]host:port`.
Result<Endpoint> EndpointFromNodeId(const NodeId& id);

class AddressBook {
 public:
  void Set(const NodeId& id, Endpoint endpoint) { entries_[id] = std::move(endpoint); }
  void Erase(const NodeId& id) { entries_.erase(id); }
  // An explicit entry, else the address in the id; kNotFound if neither.
  Result<Endpoint> Resolve(const NodeId& id) const;

 private:
  std::map<NodeId, Endpoint> entries_;
};

}  // namespace lashup::net

#endif  // LASHUP_NET_NODE_ADDRESS_H_

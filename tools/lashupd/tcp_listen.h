// ListenTcp: opens, binds and listens a TCP acceptor on "ip:port" (port 0 picks one), for the
// daemon's admin and metrics endpoints. kInvalidArgument for an unparsable address or a host
// that is not an IP literal, kUnavailable when the socket cannot be bound; `what` names the
// endpoint in the message.
#ifndef LASHUP_TOOLS_LASHUPD_TCP_LISTEN_H_
#define LASHUP_TOOLS_LASHUPD_TCP_LISTEN_H_

#include <asio.hpp>
#include <string>

#include "lashup/status.h"

namespace lashup::daemon {

// The bound address, so callers can warn about a non-loopback one.
Result<asio::ip::address> ListenTcp(asio::ip::tcp::acceptor& acceptor, const std::string& listen,
                                    const std::string& what);

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_TCP_LISTEN_H_

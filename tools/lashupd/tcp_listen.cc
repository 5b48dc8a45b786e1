#include "tcp_listen.h"

#include "net/node_address.h"

namespace lashup::daemon {

Result<asio::ip::address> ListenTcp(asio::ip::tcp::acceptor& acceptor, const std::string& listen,
                                    const std::string& what) {
  auto endpoint = net::ParseEndpoint(listen, /*allow_port_zero=*/true);
  if (!endpoint.ok()) {
    return Status(StatusCode::kInvalidArgument, what + " '" + listen + "': " +
                                                    endpoint.status().message());
  }
  asio::error_code error;
  const asio::ip::address address = asio::ip::make_address(endpoint->host, error);
  if (error) {
    return Status(StatusCode::kInvalidArgument,
                  what + " '" + listen + "': host must be an IP address");
  }
  const asio::ip::tcp::endpoint bind_to(address, endpoint->port);
  acceptor.open(bind_to.protocol(), error);
  if (!error) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(bind_to, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Status(StatusCode::kUnavailable,
                  "cannot serve " + what + " on '" + listen + "': " + error.message());
  }
  return address;
}

}  // namespace lashup::daemon

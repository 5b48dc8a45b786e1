// AsioDriver: runs one protocol core over real TCP, with mutual TLS, on one event-loop thread.
//
// The same cores the simulator runs (DESIGN.md sections 1 and 3) run here unchanged. The loop
// thread is the only thread that touches the core: it reads both clocks once per step, calls the
// core, and applies the step's effects in the contract's order (persist, then connection changes
// and sends, then timers, then events). Core timers share one steady timer armed for the
// earliest. Connection semantics follow docs/core-contract.md: Connect(peer) keeps one long-lived
// link (redialled with jittered exponential backoff) and its ups and downs reach the core;
// SendMode::kConnectFirst uses a short-lived connection when there is no link. A peer that cannot
// keep up is dropped and reported down rather than queued without bound. docs/transport.md
// describes the handshake, the limits and the failure handling. Tests and chaos runs can inject
// faults between drivers (AsioDriverConfig::faults, net/link_faults.h).
//
// Thread-safety: every public method may be called from any thread except the loop thread itself
// (from a callback): there Invoke, ReloadTls and CloseConnections return kFailedPrecondition, and
// Stop, Freeze and Thaw must not be called at all. Callbacks run on the loop thread and must not
// block. A persistence failure stops the node (fail-stop): see health().
#ifndef LASHUP_NET_ASIO_DRIVER_H_
#define LASHUP_NET_ASIO_DRIVER_H_

#include <functional>
#include <memory>

#include "core/core.h"
#include "lashup/status.h"
#include "net/node_address.h"
#include "net/transport_config.h"
#include "net/transport_stats.h"
#include "storage/storage.h"

namespace lashup::net {

struct DriverCallbacks {
  // Events the core emitted, after the step's effects were applied.
  std::function<void(const Event& event)> on_event;
  // Each connection notice, right after the core handled it.
  std::function<void(const NodeId& peer, LinkState state)> on_connection;
};

class AsioDriver {
 public:
  // A command run on the loop thread as one step.
  using Command = std::function<void(Core& core, const Now& now, Effects& out)>;

  // Validates the config, loads TLS files, binds the listener, builds the core over `storage`
  // (which must outlive the driver) and starts the loop thread, whose first step is Core::Start.
  static Result<std::unique_ptr<AsioDriver>> Start(AsioDriverConfig config, CoreFactory factory,
                                                   Storage* storage,
                                                   DriverCallbacks callbacks = {});
  ~AsioDriver();  // Stop()
  AsioDriver(const AsioDriver&) = delete;
  AsioDriver& operator=(const AsioDriver&) = delete;

  // Closes every connection and the listener, and joins the loop thread; peers see their links
  // go down. Idempotent.
  void Stop();

  // The address the listener is bound to (resolves a configured port 0).
  Endpoint listen_endpoint() const;
  const NodeId& self() const;

  // Where to reach `peer` (overrides the address in its id). kInvalidArgument for an endpoint
  // without a host or port.
  Status SetPeerAddress(const NodeId& peer, Endpoint endpoint);

  // Runs `command` on the loop thread and waits for it. kUnavailable once stopped; after a
  // persistence failure, that failure (see health()).
  Status Invoke(Command command);

  // Reloads the TLS files; new connections use them, existing ones keep theirs. On error the
  // old files stay in use. kFailedPrecondition in plaintext mode; after a persistence failure,
  // that failure.
  Status ReloadTls();

  TransportCounters stats() const;

  // Sizes of the driver's tables, read on the loop thread: for tests, diagnostics and leak
  // hunting. kUnavailable once stopped.
  struct Tables {
    size_t peers = 0;             // link entries (wanted, linked, dialing or retrying)
    size_t links = 0;             // open long-lived links
    size_t inbound = 0;           // accepted connections the driver tracks
    size_t pending_inbound = 0;   // of which not yet through the handshake
    size_t short_lived_out = 0;   // dialed short-lived connections
    size_t short_lived_in = 0;    // accepted short-lived connections (latest per peer)
    size_t live_connections = 0;  // every Connection object still alive, draining ones too
  };
  Result<Tables> tables();
  // OK while running; the reason once a persistence failure stopped the node.
  Status health() const;

  // Test hooks, like SIGSTOP / SIGCONT: the loop thread blocks (sockets stay open, nothing is
  // read or answered) until Thaw. Freeze returns once the loop is blocked (at once if stopped,
  // or if a Thaw overtakes it); Freeze right after a Thaw the loop has not acted on cancels it.
  void Freeze();
  void Thaw();

  // Test hook, like resetting every socket at once: each connection of this node ends abruptly
  // (no drain). Its links are reported down to the core and redialled with the usual backoff;
  // peers see their ends closed. kUnavailable once stopped; after a persistence failure, that
  // failure.
  Status CloseConnections();

  class Impl;

 private:
  explicit AsioDriver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lashup::net

#endif  // LASHUP_NET_ASIO_DRIVER_H_

// Configuration of the real transport (AsioDriver): where to listen, how to authenticate, and the
// limits that keep one bad or slow peer from hurting a node. Defaults suit a LAN; tests shrink
// the timeouts. docs/transport.md explains each value.
#ifndef LASHUP_NET_TRANSPORT_CONFIG_H_
#define LASHUP_NET_TRANSPORT_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "lashup/log.h"
#include "lashup/types.h"
#include "net/node_address.h"
#include "wire/codec.h"

namespace lashup::net {

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

class LinkFaults;

enum class Security : uint8_t {
  kTls = 0,        // mutual TLS 1.3; the default and the only mode for production
  kPlaintext = 1,  // no encryption, no authentication: tests only, and only when chosen
};

// PEM files. The CA file holds the cluster CA (the only trust anchor); the certificate names
// this node's id (subjectAltName DNS or URI, else CN).
struct TlsFiles {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

struct TransportLimits {
  wire::CodecLimits codec;
  // TCP connect + TLS + Hello must finish within this, or the connection is dropped.
  Duration handshake_timeout = 5s;
  // A connection that receives nothing (not even a keepalive) for this long is dead.
  Duration idle_timeout = 10s;
  // Sent when a connection has had nothing to send for this long.
  Duration keepalive_interval = 2s;
  // A short-lived connection (SendMode::kConnectFirst) closes after this long without messages.
  Duration short_lived_idle = 10s;
  // Bytes and frames queued for one connection; beyond either, the peer is too slow: the
  // connection is dropped (and a long-lived link reported down) instead of growing memory.
  size_t max_send_queue_bytes = 16 << 20;
  size_t max_send_queue_frames = 16384;
  // After a graceful close, how long queued frames may take to drain.
  Duration close_linger = 2s;
  // Connections accepted and not yet through the handshake; more are refused at once.
  size_t max_pending_inbound = 64;
  // All inbound connections (links, short-lived, pending).
  size_t max_inbound = 1024;
  // Outbound short-lived connections; beyond this, the first in node-id order is closed (its
  // queued frames drain if it is open) to make room.
  size_t max_short_lived_outbound = 256;
};

struct AsioDriverConfig {
  NodeId self;
  // "host:port" to listen on; port 0 picks a free port (see AsioDriver::listen_endpoint).
  std::string listen = "127.0.0.1:0";
  // Addresses known from the start (static peers, contact nodes); they take precedence over the
  // address in a node id. More can be added with AsioDriver::SetPeerAddress.
  std::map<NodeId, Endpoint> peer_addresses;
  Security security = Security::kTls;
  TlsFiles tls;
  TransportLimits limits;
  // Reconnection of wanted links: doubling from min to max, each delay jittered by +-20%.
  Duration reconnect_backoff_min = 200ms;
  Duration reconnect_backoff_max = 5s;
  // Seeds the core's Rng; 0 draws one from the OS. The driver's own jitter and link ids mix in a
  // random incarnation, so they differ on every start whatever the seed.
  uint64_t seed = 0;
  // Call Core::CheckInvariants after every step (costly on big cores; on in tests).
  bool check_invariants = false;
  // How batches that ask for kSync are made durable. kEveryBatch syncs each before its step's
  // sends; kGroupCommit writes them at once and syncs once when the loop has no more ready
  // work, holding back every send and event of those steps (and of later ones, to keep their
  // order) until that sync: fewer syncs under load, at the price of that wait.
  enum class SyncPolicy : uint8_t { kEveryBatch, kGroupCommit };
  SyncPolicy sync_policy = SyncPolicy::kEveryBatch;
  LogSink log;
  // Fault injection (net/link_faults.h): tests and chaos runs only. Not owned; must outlive the
  // driver. Null costs one pointer check per envelope, read and dial.
  LinkFaults* faults = nullptr;
};

}  // namespace lashup::net

#endif  // LASHUP_NET_TRANSPORT_CONFIG_H_

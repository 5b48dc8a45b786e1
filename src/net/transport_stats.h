// TransportStats: what the transport counts. The loop thread increments; any thread may take a
// snapshot (relaxed atomics: each counter is exact, a snapshot is not one instant).
#ifndef LASHUP_NET_TRANSPORT_STATS_H_
#define LASHUP_NET_TRANSPORT_STATS_H_

#include <atomic>
#include <cstdint>
#include <string>

namespace lashup::net {

// One list, so the atomic counters, their plain snapshot and its JSON cannot drift apart.
#define LASHUP_TRANSPORT_COUNTERS(X)                                                               \
  X(frames_sent)     /* envelopes written */                                                       \
  X(frames_received) /* envelopes delivered to the core */                                         \
  X(bytes_sent)                                                                                    \
  X(bytes_received)                                                                                \
  X(keepalives_sent)                                                                               \
  X(links_up)               /* long-lived links established, either direction */                   \
  X(links_down)             /* established long-lived links lost or closed */                      \
  X(dials)                  /* outbound connection attempts, links and short-lived */              \
  X(dial_failures)          /* link attempts that failed (no address, connect, TLS, refused) */    \
  X(accept_errors)          /* accept() failures (out of descriptors), each followed by a pause */ \
  X(accepted)               /* inbound TCP connections accepted, including ones then refused */    \
  X(refused_over_limit)     /* inbound connections over max_pending_inbound / max_inbound */       \
  X(handshake_failures)     /* TLS or Hello failures, timeouts, identity mismatches */             \
  X(tls_failures)           /* of which: TLS handshake or certificate verification */              \
  X(plaintext_refused)      /* of which: a non-TLS client at a TLS listener */                     \
  X(identity_mismatches)    /* of which: certificate name != claimed or dialed node id */          \
  X(handshake_timeouts)     /* of which: too slow, including clients that never speak */           \
  X(handshakes_abandoned)   /* of which: the other end closed mid-handshake (lost races) */        \
  X(protocol_errors)        /* bad frames after the handshake: garbage, wrong sender */            \
  X(unknown_kinds)          /* frames of a message kind from a newer peer, skipped */              \
  X(idle_timeouts)          /* connections dropped for silence */                                  \
  X(slow_peer_drops)        /* connections dropped because their send queue was full */            \
  X(dropped_not_connected)  /* sends with no link (kIfConnected) or to a closing connection */     \
  X(dropped_connect_failed) /* frames lost with a short-lived connection that failed, was          \
                               refused or evicted, counting those still queued */                  \
  X(dropped_encode)         /* messages the codec refused (over the frame limit) */                \
  X(duplicate_dials)        /* link dials refused or aborted because of a race */                  \
  X(replaced_links)         /* established links replaced by a newer dial */                       \
  X(tls_reloads)                                                                                   \
  X(max_queue_bytes) /* high-water mark of one connection's send queue, bytes */

struct TransportCounters {
#define LASHUP_X(name) uint64_t name = 0;
  LASHUP_TRANSPORT_COUNTERS(LASHUP_X)
#undef LASHUP_X
  // {"frames_sent":N,...} in the order above.
  std::string ToJson() const;
};

class TransportStats {
 public:
#define LASHUP_X(name) std::atomic<uint64_t> name{0};
  LASHUP_TRANSPORT_COUNTERS(LASHUP_X)
#undef LASHUP_X

  static void Bump(std::atomic<uint64_t>& counter, uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
  void NoteQueueBytes(uint64_t bytes) {
    uint64_t seen = max_queue_bytes.load(std::memory_order_relaxed);
    while (bytes > seen &&
           !max_queue_bytes.compare_exchange_weak(seen, bytes, std::memory_order_relaxed)) {
    }
  }
  TransportCounters Snapshot() const;
};

}  // namespace lashup::net

#endif  // LASHUP_NET_TRANSPORT_STATS_H_

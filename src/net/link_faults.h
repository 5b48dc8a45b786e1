// LinkFaults: what a fault injector tells an AsioDriver about the links between nodes (tests and
// chaos runs only; lashup::testing::NetworkFaults is the public implementation).
//
// The driver consults it on its loop thread, so an implementation shared by many drivers must be
// thread-safe and must not block for long: it sits on every envelope's path. The driver applies
// it as a network would behave (docs/transport.md, "Fault injection"):
// - Blocked(from, to): envelopes `from` sends arrive at `to` and are dropped there, unread by the
//   core; bytes from a blocked sender do not count as heard, so the connection idles out as a cut
//   one would. A dial between two nodes with either direction blocked fails like a connect
//   failure, and an inbound Hello from such a peer is refused: TCP needs both directions.
// - Delay(from, to): envelopes from `from` reach `to`'s core this much later, in the order they
//   arrived.
// The driver reports what it did through Record, for the injector's counters.
#ifndef LASHUP_NET_LINK_FAULTS_H_
#define LASHUP_NET_LINK_FAULTS_H_

#include <cstdint>

#include "lashup/types.h"

namespace lashup::net {

enum class FaultEvent : uint8_t {
  kEnvelopeDropped,  // an envelope discarded on receipt (or when its delay ran out)
  kEnvelopeDelayed,  // an envelope held back before it reaches the core
  kDialRefused,      // a dial not made, or an inbound Hello refused
};

class LinkFaults {
 public:
  virtual ~LinkFaults() = default;
  virtual bool Blocked(const NodeId& from, const NodeId& to) const = 0;
  // Zero or negative: no delay.
  virtual Duration Delay(const NodeId& from, const NodeId& to) const = 0;
  virtual void Record(FaultEvent event) = 0;

  // Whether a connection between the two may be made: TCP needs both directions.
  bool Severed(const NodeId& a, const NodeId& b) const { return Blocked(a, b) || Blocked(b, a); }
};

}  // namespace lashup::net

#endif  // LASHUP_NET_LINK_FAULTS_H_

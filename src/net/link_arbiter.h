// Link arbitration: which TCP connection carries the one long-lived link between two nodes.
//
// Both ends of a link may dial at once, and an end may give up on a link (it saw it break, or it
// restarted) before the other end notices. The acceptor of a long-lived Hello decides with these
// rules, which both ends apply alike so they always agree (docs/transport.md walks the races):
// 1. It holds an established link to the peer:
//    - the Hello's incarnation differs from the link's: the peer restarted; replace the link;
//    - the link was dialed by the peer: the peer dialed again, so it gave up on it; replace;
//    - the link was dialed by us and the Hello's last_link_id names it: the peer gave up; replace;
//    - else the peer dialed before our link reached it (a race): the lower id's dial wins.
// 2. It is dialing the peer itself: if its dial has not yet sent its Hello, the incoming
//    connection is further along; take it and abort the dial. If both Hellos are out, the lower
//    node id's dial wins.
// 3. Otherwise accept.
// Pure and deterministic; the driver applies the decision.
#ifndef LASHUP_NET_LINK_ARBITER_H_
#define LASHUP_NET_LINK_ARBITER_H_

#include <cstdint>
#include <optional>

#include "lashup/types.h"
#include "wire/handshake.h"

namespace lashup::net {

struct EstablishedLink {
  uint64_t link_id = 0;
  bool dialed_by_us = false;
  uint64_t peer_incarnation = 0;
};

enum class DialStage : uint8_t {
  kNone = 0,           // not dialing
  kEarly = 1,          // resolving, connecting or in the TLS handshake: our Hello is not out
  kAwaitingReply = 2,  // our Hello is sent
};

struct LinkView {
  std::optional<EstablishedLink> established;
  DialStage dial = DialStage::kNone;
};

enum class HelloDecision : uint8_t {
  kAccept = 0,              // no link and no dial: take it
  kAcceptReplacing = 1,     // close the established link (down), then take this one (up)
  kAcceptAbortingDial = 2,  // abort our own dial and take this one
  kDuplicate = 3,           // refuse as duplicate: our link or dial carries the link
};

HelloDecision DecideLongLivedHello(const NodeId& self, const NodeId& peer, const LinkView& view,
                                   const wire::Hello& hello);

}  // namespace lashup::net

#endif  // LASHUP_NET_LINK_ARBITER_H_

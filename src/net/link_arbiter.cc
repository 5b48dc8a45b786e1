#include "net/link_arbiter.h"

namespace lashup::net {
namespace {

HelloDecision AgainstEstablished(const NodeId& self, const NodeId& peer,
                                 const EstablishedLink& link, const wire::Hello& hello) {
  if (hello.incarnation != link.peer_incarnation) return HelloDecision::kAcceptReplacing;
  if (!link.dialed_by_us) return HelloDecision::kAcceptReplacing;
  if (hello.last_link_id == link.link_id) return HelloDecision::kAcceptReplacing;
  // The peer sent its Hello before it learned of our link. It takes ours if we have the lower
  // id; if it has the lower id it would have refused ours, so ours could not be established,
  // and a replacement is the safe answer.
  return self < peer ? HelloDecision::kDuplicate : HelloDecision::kAcceptReplacing;
}

}  // namespace

HelloDecision DecideLongLivedHello(const NodeId& self, const NodeId& peer, const LinkView& view,
                                   const wire::Hello& hello) {
  if (view.established) return AgainstEstablished(self, peer, *view.established, hello);
  switch (view.dial) {
    case DialStage::kNone:
      return HelloDecision::kAccept;
    case DialStage::kEarly:
      return HelloDecision::kAcceptAbortingDial;
    case DialStage::kAwaitingReply:
      return self < peer ? HelloDecision::kDuplicate : HelloDecision::kAcceptAbortingDial;
  }
  return HelloDecision::kAccept;
}

}  // namespace lashup::net

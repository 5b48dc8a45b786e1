// LinkOutbox: the multicast copies sent on one link and not yet acknowledged, with the link's
// retransmission timeout.
//
// Contract: Send numbers a copy (hop_seq, from 1) and keeps it until Ack. The timeout adapts to
// the link like TCP's (RFC 6298: srtt + 4 * rttvar, within [min_rto, max_rto]; samples only
// from copies sent once, Karn's rule); before the first sample it is `initial_rto`. Each resend
// doubles the wait. A copy resent `max_retransmits` times without an ack is given up (the extra
// trees and, for the KV, anti-entropy cover it). At most `max_unacked` copies wait; beyond that
// the oldest is given up. Sans-IO: the caller sends what Due() returns and arms a timer for
// NextDue().
#ifndef LASHUP_ROUTING_LINK_OUTBOX_H_
#define LASHUP_ROUTING_LINK_OUTBOX_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/multicast_messages.h"
#include "core/rtt_estimator.h"
#include "lashup/types.h"

namespace lashup::routing {

struct RetransmitConfig {
  Duration initial_rto = std::chrono::milliseconds(50);
  // Well above a LAN round trip's jitter: on the simulator's LAN latencies a 5 ms floor resent
  // 3% of copies that were only late.
  Duration min_rto = std::chrono::milliseconds(25);
  Duration max_rto = std::chrono::seconds(2);
  uint32_t max_retransmits = 4;
  size_t max_unacked = 4096;
};

class LinkOutbox {
 public:
  // Hop numbers start at `first_hop_seq` (>= 1). A link that comes back gets a new outbox: its
  // numbers must not overlap the old one's, or a late ack of an old copy would confirm a new
  // one.
  LinkOutbox(const RetransmitConfig& config, uint64_t first_hop_seq)
      : config_(config), next_hop_seq_(first_hop_seq) {}

  // Numbers `packet` for this link (sets hop_seq) and keeps a copy until it is acknowledged.
  // Returns the oldest copy if it had to be given up to stay within max_unacked.
  std::optional<McPacket> Send(Instant now, McPacket& packet);
  void Ack(Instant now, uint64_t hop_seq);
  // Copies whose wait ended, to send again; the ones out of retries move to `given_up`.
  std::vector<McPacket> Due(Instant now, std::vector<McPacket>& given_up);
  // Every copy still waiting (the link is gone), oldest first; the outbox is left empty.
  std::vector<McPacket> TakeAll();
  std::optional<Instant> NextDue() const;
  size_t unacked() const { return pending_.size(); }
  Duration Rto() const;

 private:
  struct Pending {
    McPacket packet;
    Instant sent;
    Instant due;
    uint32_t resends = 0;
  };

  RetransmitConfig config_;
  uint64_t next_hop_seq_;
  std::map<uint64_t, Pending> pending_;
  RttEstimator rtt_;
};

}  // namespace lashup::routing

#endif  // LASHUP_ROUTING_LINK_OUTBOX_H_

#include "routing/link_outbox.h"

#include <algorithm>

namespace lashup::routing {

Duration LinkOutbox::Rto() const {
  const std::optional<Duration> bound = rtt_.Bound();
  if (!bound) return config_.initial_rto;
  return std::clamp(*bound, config_.min_rto, config_.max_rto);
}

std::optional<McPacket> LinkOutbox::Send(Instant now, McPacket& packet) {
  std::optional<McPacket> given_up;
  if (pending_.size() >= config_.max_unacked && !pending_.empty()) {
    given_up = std::move(pending_.begin()->second.packet);
    pending_.erase(pending_.begin());
  }
  packet.hop_seq = next_hop_seq_++;
  pending_.emplace(packet.hop_seq, Pending{packet, now, now + Rto(), 0});
  return given_up;
}

void LinkOutbox::Ack(Instant now, uint64_t hop_seq) {
  auto it = pending_.find(hop_seq);
  if (it == pending_.end()) return;  // a duplicate ack, or one for a copy given up
  // Karn's rule: a resent copy's ack could answer either send.
  if (it->second.resends == 0) rtt_.Sample(now - it->second.sent);
  pending_.erase(it);
}

std::vector<McPacket> LinkOutbox::Due(Instant now, std::vector<McPacket>& given_up) {
  std::vector<McPacket> resend;
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pending& p = it->second;
    if (p.due > now) {
      ++it;
      continue;
    }
    if (p.resends >= config_.max_retransmits) {
      given_up.push_back(std::move(p.packet));
      it = pending_.erase(it);
      continue;
    }
    ++p.resends;
    p.due = now + Rto() * (1 << std::min<uint32_t>(p.resends, 10));
    resend.push_back(p.packet);
    ++it;
  }
  return resend;
}

std::vector<McPacket> LinkOutbox::TakeAll() {
  std::vector<McPacket> all;
  all.reserve(pending_.size());
  for (auto& [seq, p] : pending_) all.push_back(std::move(p.packet));
  pending_.clear();
  return all;
}

std::optional<Instant> LinkOutbox::NextDue() const {
  std::optional<Instant> next;
  for (const auto& [seq, p] : pending_) {
    if (!next || p.due < *next) next = p.due;
  }
  return next;
}

}  // namespace lashup::routing

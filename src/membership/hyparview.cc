#include "membership/hyparview.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/check.h"
#include "core/coverage_probes.h"

namespace lashup::membership {
namespace {

bool Contains(const std::vector<NodeId>& nodes, const NodeId& node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

bool Erase(std::vector<NodeId>& nodes, const NodeId& node) {
  auto it = std::find(nodes.begin(), nodes.end(), node);
  if (it == nodes.end()) return false;
  nodes.erase(it);
  return true;
}

}  // namespace

HyParView::HyParView(NodeId self, HyParViewConfig config, Rng rng)
    : self_(std::move(self)), config_(config), rng_(rng) {
  LASHUP_CHECK(config_.active_size > 0 && config_.passive_size > 0, "empty HyParView views");
}

void HyParView::Start(const Now& now, std::vector<NodeId> contacts, std::vector<NodeId> known,
                      Effects& out) {
  SetContacts(std::move(contacts));
  for (const NodeId& node : known) {
    if (node != self_ && !Contains(known_first_, node)) known_first_.push_back(node);
    AddPassive(node);
  }
  out.SetTimer(Timer(HvTimer::kShuffle),
               now.mono + rng_.UniformDuration(config_.shuffle_interval / 2,
                                               config_.shuffle_interval * 3 / 2));
  // A restarted node asks the neighbours it had; a new one joins through a contact.
  if (!known_first_.empty()) {
    ScheduleRepair(now, Duration(0), config_.repair_delay_max, out);
  } else {
    RetryJoin(now, out);
  }
}

void HyParView::SetContacts(std::vector<NodeId> contacts) {
  contacts_.clear();
  for (NodeId& c : contacts) {
    if (c != self_ && !Contains(contacts_, c)) contacts_.push_back(std::move(c));
  }
}

bool HyParView::IsActive(const NodeId& peer) const { return Contains(active_, peer); }
bool HyParView::IsPassive(const NodeId& node) const { return Contains(passive_, node); }

bool HyParView::TakeViewsChanged() { return std::exchange(views_changed_, false); }

bool HyParView::OnMessage(const Now& now, const NodeId& from, const Message& message,
                          Effects& out) {
  if (from == self_) return true;  // never from the network; ignore rather than corrupt views
  if (std::holds_alternative<HvJoin>(message)) {
    OnJoin(now, from, out);
  } else if (const auto* m = std::get_if<HvJoinReply>(&message)) {
    OnJoinReply(now, from, *m, out);
  } else if (const auto* m = std::get_if<HvForwardJoin>(&message)) {
    OnForwardJoin(now, from, *m, out);
  } else if (const auto* m = std::get_if<HvNeighbor>(&message)) {
    OnNeighbor(now, from, *m, out);
  } else if (const auto* m = std::get_if<HvNeighborReply>(&message)) {
    OnNeighborReply(now, from, *m, out);
  } else if (std::holds_alternative<HvDisconnect>(message)) {
    OnDisconnect(now, from, out);
  } else if (const auto* m = std::get_if<HvShuffle>(&message)) {
    OnShuffle(now, from, *m, out);
  } else if (const auto* m = std::get_if<HvShuffleReply>(&message)) {
    out.Probe(kProbeHvShuffleReplyMerged);
    OnShuffleReply(*m);
  } else {
    return false;
  }
  return true;
}

// ---- Joining ------------------------------------------------------------------------------

void HyParView::SendJoin(const Now& now, const NodeId& contact, Effects& out) {
  out.Send(contact, HvJoin{}, SendMode::kConnectFirst);
  out.SetTimer(Timer(HvTimer::kJoin), now.mono + rng_.Jitter(config_.join_timeout, 0.5));
}

void HyParView::RetryJoin(const Now& now, Effects& out) {
  if (!active_.empty()) return;
  if (!contacts_.empty()) {
    SendJoin(now, rng_.Pick(contacts_), out);
    return;
  }
  // No contact to ask: keep trying passive members until one answers.
  out.SetTimer(Timer(HvTimer::kJoin), now.mono + rng_.Jitter(config_.join_timeout, 0.5));
  ScheduleRepair(now, config_.repair_delay_min, config_.repair_delay_max, out);
}

void HyParView::OnJoin(const Now& now, const NodeId& from, Effects& out) {
  while (!recent_joins_.empty() && now.mono - recent_joins_.front() >= std::chrono::seconds(1)) {
    recent_joins_.pop_front();
  }
  if (IsActive(from)) {  // a retry after a lost reply
    out.Send(from, HvJoinReply{true, Sample(passive_, config_.shuffle_passive, &from)},
             SendMode::kConnectFirst);
    return;
  }
  if (recent_joins_.size() >= config_.joins_per_second && !active_.empty()) {
    out.Probe(kProbeHvJoinThrottled);
    out.Send(from, HvJoinReply{false, active_}, SendMode::kConnectFirst);
    return;
  }
  recent_joins_.push_back(now.mono);
  const std::vector<NodeId> others = active_;
  AddActive(from, out);
  for (const NodeId& peer : others) {
    if (IsActive(peer)) out.Send(peer, HvForwardJoin{from, config_.active_walk, {self_}});
  }
  out.Send(from, HvJoinReply{true, Sample(passive_, config_.shuffle_passive, &from)},
           SendMode::kConnectFirst);
}

void HyParView::OnJoinReply(const Now& now, const NodeId& from, const HvJoinReply& reply,
                            Effects& out) {
  if (reply.accepted) {
    out.CancelTimer(Timer(HvTimer::kJoin));
    AddActive(from, out);
    MergePassive(reply.nodes, nullptr);
    // Walks from the contact usually fill the rest; if its neighbourhood was thin (at a cold
    // start, say), repair fills it.
    if (!full()) ScheduleRepair(now, config_.repair_delay_min, config_.repair_delay_max, out);
    return;
  }
  MergePassive(reply.nodes, nullptr);
  if (!active_.empty()) return;
  // Throttled: ask one of the contact's neighbours instead.
  std::vector<NodeId> candidates;
  for (const NodeId& n : reply.nodes) {
    if (n != self_ && n != from) candidates.push_back(n);
  }
  if (!candidates.empty()) SendJoin(now, rng_.Pick(candidates), out);
}

void HyParView::OnForwardJoin(const Now& now, const NodeId& from, const HvForwardJoin& walk,
                              Effects& out) {
  if (walk.joiner == self_ || !walk.joiner.valid()) return;
  if (IsActive(walk.joiner)) return;
  std::vector<NodeId> next;
  for (const NodeId& peer : active_) {
    if (peer != from && peer != walk.joiner && !Contains(walk.walked, peer)) next.push_back(peer);
  }
  if (walk.ttl == 0 || next.empty()) {
    // The walk ends here: link with the joiner, and tell it so the link is symmetric.
    out.Probe(kProbeHvForwardJoinEnded);
    AddActive(walk.joiner, out);
    out.Send(walk.joiner, HvNeighbor{true}, SendMode::kConnectFirst);
    return;
  }
  if (walk.ttl == config_.passive_walk) AddPassive(walk.joiner);
  HvForwardJoin forwarded{walk.joiner, walk.ttl - 1, walk.walked};
  if (forwarded.walked.size() < config_.active_walk + 1) forwarded.walked.push_back(self_);
  out.Send(rng_.Pick(next), std::move(forwarded));
}

// ---- Neighbor requests and repair ---------------------------------------------------------

void HyParView::OnNeighbor(const Now& now, const NodeId& from, const HvNeighbor& request,
                           Effects& out) {
  if (IsActive(from) || request.high_priority || !full()) {
    AddActive(from, out);
    if (pending_ && pending_->peer == from) {  // crossed requests: this settles ours too
      pending_.reset();
      out.CancelTimer(Timer(HvTimer::kNeighborTimeout));
    }
    out.Send(from, HvNeighborReply{true, {}}, SendMode::kConnectFirst);
    if (!full()) ScheduleRepair(now, config_.repair_delay_min, config_.repair_delay_max, out);
    return;
  }
  out.Probe(kProbeHvNeighborRefused);
  out.Send(from, HvNeighborReply{false, Sample(passive_, config_.shuffle_passive, &from)},
           SendMode::kConnectFirst);
}

void HyParView::OnNeighborReply(const Now& now, const NodeId& from, const HvNeighborReply& reply,
                                Effects& out) {
  const bool answered_ours = pending_ && pending_->peer == from;
  if (answered_ours) {
    pending_.reset();
    out.CancelTimer(Timer(HvTimer::kNeighborTimeout));
  }
  if (reply.accepted) {
    // The peer has added us (also when it answers a forward-join's end): take it even if it
    // means evicting someone, or the link would be one-sided.
    if (answered_ours && !IsActive(from)) out.Probe(kProbeHvPassivePromoted);
    AddActive(from, out);
    refusals_in_row_ = 0;
    if (!full()) ScheduleRepair(now, config_.repair_delay_min, config_.repair_delay_max, out);
    return;
  }
  MergePassive(reply.passive, nullptr);
  if (full()) return;
  // A few refusals in a row ask other candidates at once; beyond that the view is as full as
  // its neighbourhood allows for now, and asking again backs off.
  if (++refusals_in_row_ <= kQuickRetries) {
    ScheduleRepair(now, config_.repair_delay_min, config_.repair_delay_max, out);
  } else {
    BackOffRepair(now, out);
  }
}

void HyParView::BackOffRepair(const Now& now, Effects& out) {
  // A view under half full is fragile: keep asking at the base interval. Above that, double.
  const bool fragile = active_.size() * 2 < config_.active_size;
  repair_backoff_ = fragile ? config_.repair_interval
                            : std::clamp(repair_backoff_ * 2, config_.repair_interval,
                                         config_.repair_interval_max);
  ScheduleRepair(now, repair_backoff_ / 2, repair_backoff_, out);
}

void HyParView::RequestNeighbor(const Now& now, const NodeId& peer, Effects& out) {
  if (peer == self_ || IsActive(peer)) return;
  AddPassive(peer);
  out.Send(peer, HvNeighbor{true}, SendMode::kConnectFirst);
}

void HyParView::ScheduleRepair(const Now& now, Duration min_delay, Duration max_delay,
                               Effects& out, bool bring_forward) {
  if (pending_) return;
  const Instant at = now.mono + rng_.UniformDuration(min_delay, max_delay);
  // A scheduled round stands, unless a neighbour was just lost and that round was backed off
  // further than this one: a node whose links break one by one (a cut) must not wait out a
  // back-off earned while it still had half its view.
  if (repair_scheduled_ && (!bring_forward || repair_at_ <= at)) return;
  repair_scheduled_ = true;
  repair_at_ = at;
  out.SetTimer(Timer(HvTimer::kRepair), at);
}

void HyParView::Repair(const Now& now, Effects& out) {
  repair_scheduled_ = false;
  if (full() || pending_) return;
  std::vector<NodeId> candidates;
  for (const NodeId& n : known_first_) {
    if (IsPassive(n)) candidates.push_back(n);
  }
  if (candidates.empty()) candidates = passive_;
  if (candidates.empty()) {
    if (active_.empty()) RetryJoin(now, out);
    return;
  }
  const NodeId peer = rng_.Pick(candidates);
  Erase(known_first_, peer);
  if (active_.empty()) {
    // Alone, with a passive view that may be full of nodes that died with our neighbours: ask a
    // few more at once (untracked; an acceptance links us all the same), so a run of dead
    // candidates, a neighbor timeout each, does not keep this node cut off for seconds.
    for (const NodeId& extra : Sample(candidates, kAloneExtraRequests, &peer)) {
      out.Send(extra, HvNeighbor{true}, SendMode::kConnectFirst);
    }
  }
  // High priority while the view is fragile (under half full): full nodes refuse low-priority
  // requests, and a node left with one or two links must not wait for a free slot somewhere.
  pending_ = Pending{peer, active_.size() * 2 < config_.active_size};
  out.Send(peer, HvNeighbor{pending_->high_priority}, SendMode::kConnectFirst);
  out.SetTimer(Timer(HvTimer::kNeighborTimeout), now.mono + config_.neighbor_timeout);
}

void HyParView::OnTimer(const Now& now, const TimerId& timer, Effects& out) {
  switch (static_cast<HvTimer>(timer.kind)) {
    case HvTimer::kJoin:
      RetryJoin(now, out);
      return;
    case HvTimer::kRepair:
      Repair(now, out);
      if (!full() && !pending_) BackOffRepair(now, out);
      return;
    case HvTimer::kNeighborTimeout:
      if (pending_) {
        // No answer: the node is probably gone. Forget it and ask another.
        out.Probe(kProbeHvNeighborTimeout);
        RemovePassive(pending_->peer);
        pending_.reset();
      }
      ScheduleRepair(now, config_.repair_delay_min, config_.repair_delay_max, out);
      return;
    case HvTimer::kShuffle:
      Shuffle(now, out);
      out.SetTimer(Timer(HvTimer::kShuffle),
                   now.mono + rng_.UniformDuration(config_.shuffle_interval / 2,
                                                   config_.shuffle_interval * 3 / 2));
      return;
  }
}

// ---- Losing neighbours --------------------------------------------------------------------

void HyParView::OnDisconnect(const Now& now, const NodeId& from, Effects& out) {
  if (IsActive(from)) DropActive(now, from, /*notify=*/false, out);
}

void HyParView::OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out) {
  if (state == LinkState::kDown && IsActive(peer)) DropActive(now, peer, false, out);
}

void HyParView::OnPeerFailed(const Now& now, const NodeId& peer, Effects& out) {
  if (IsActive(peer)) DropActive(now, peer, /*notify=*/true, out);
}

// ---- Shuffle ------------------------------------------------------------------------------

void HyParView::Shuffle(const Now& now, Effects& out) {
  if (active_.empty()) return;
  HvShuffle shuffle{self_, config_.shuffle_walk, {self_}};
  for (NodeId& n : Sample(active_, config_.shuffle_active, nullptr)) shuffle.nodes.push_back(n);
  for (NodeId& n : Sample(passive_, config_.shuffle_passive, nullptr)) shuffle.nodes.push_back(n);
  last_shuffle_sent_ = shuffle.nodes;
  out.Send(rng_.Pick(active_), std::move(shuffle));
}

void HyParView::OnShuffle(const Now& now, const NodeId& from, const HvShuffle& shuffle,
                          Effects& out) {
  if (shuffle.origin == self_ || !shuffle.origin.valid()) return;
  std::vector<NodeId> next;
  for (const NodeId& peer : active_) {
    if (peer != from && peer != shuffle.origin) next.push_back(peer);
  }
  if (shuffle.ttl > 0 && !next.empty()) {
    out.Send(rng_.Pick(next), HvShuffle{shuffle.origin, shuffle.ttl - 1, shuffle.nodes});
    return;
  }
  // The walk ends here: answer with as many of our passive members, then keep what we got,
  // evicting first the nodes we sent (the origin now knows them).
  std::vector<NodeId> reply = Sample(passive_, shuffle.nodes.size(), &shuffle.origin);
  out.Send(shuffle.origin, HvShuffleReply{reply}, SendMode::kConnectFirst);
  MergePassive(shuffle.nodes, &reply);
}

void HyParView::OnShuffleReply(const HvShuffleReply& reply) {
  MergePassive(reply.nodes, &last_shuffle_sent_);
  last_shuffle_sent_.clear();
}

// ---- Views --------------------------------------------------------------------------------

void HyParView::AddActive(const NodeId& peer, Effects& out) {
  if (peer == self_ || !peer.valid() || IsActive(peer)) return;
  if (full()) {
    out.Probe(kProbeHvActiveEvicted);
    const NodeId victim = PickVictim();
    Erase(active_, victim);
    out.Send(victim, HvDisconnect{}, SendMode::kConnectFirst);
    out.Disconnect(victim);
    AddPassive(victim);
  }
  RemovePassive(peer);
  active_.push_back(peer);
  out.Connect(peer);
  views_changed_ = true;
}

NodeId HyParView::PickVictim() {
  // At random, as the paper does, but sparing neighbours with at most one link: evicting such a
  // node cuts it off until it repairs. (Evicting the best-connected instead went wrong after a
  // mass failure: a node just rescued from isolation still showed its dead links in the table,
  // looked best-connected, and was evicted again and again.)
  if (degree_) {
    std::vector<NodeId> spare;
    for (const NodeId& peer : active_) {
      if (degree_(peer) >= 2) spare.push_back(peer);
    }
    if (!spare.empty()) return rng_.Pick(spare);
  }
  return rng_.Pick(active_);
}

void HyParView::OfferPassive(const Now& now, const std::vector<NodeId>& nodes, Effects& out) {
  for (const NodeId& node : nodes) {
    if (passive_.size() >= config_.passive_size) break;
    AddPassive(node);
  }
  if (!full() && !passive_.empty()) {
    ScheduleRepair(now, config_.repair_delay_min, config_.repair_delay_max, out);
  }
}

void HyParView::DropActive(const Now& now, const NodeId& peer, bool notify, Effects& out) {
  Erase(active_, peer);
  repair_backoff_ = Duration(0);
  refusals_in_row_ = 0;
  if (notify) out.Send(peer, HvDisconnect{}, SendMode::kConnectFirst);
  out.Disconnect(peer);
  AddPassive(peer);
  views_changed_ = true;
  ScheduleRepair(now, config_.repair_delay_min, config_.repair_delay_max, out,
                 /*bring_forward=*/true);
}

void HyParView::AddPassive(const NodeId& node, const std::vector<NodeId>* evict_first) {
  if (node == self_ || !node.valid() || IsActive(node) || IsPassive(node)) return;
  if (passive_.size() >= config_.passive_size) {
    NodeId victim;
    if (evict_first != nullptr) {
      for (const NodeId& n : *evict_first) {
        if (IsPassive(n)) {
          victim = n;
          break;
        }
      }
    }
    if (!victim.valid()) victim = rng_.Pick(passive_);
    Erase(passive_, victim);
  }
  passive_.push_back(node);
  views_changed_ = true;
}

void HyParView::MergePassive(const std::vector<NodeId>& nodes,
                             const std::vector<NodeId>* evict_first) {
  for (const NodeId& n : nodes) AddPassive(n, evict_first);
}

void HyParView::RemovePassive(const NodeId& node) {
  if (Erase(passive_, node)) views_changed_ = true;
  Erase(known_first_, node);
}

std::vector<NodeId> HyParView::Sample(const std::vector<NodeId>& from, size_t k,
                                      const NodeId* skip) {
  std::vector<NodeId> pool;
  for (const NodeId& n : from) {
    if (skip == nullptr || n != *skip) pool.push_back(n);
  }
  return rng_.Sample(std::move(pool), k);
}

void HyParView::CheckInvariants() const {
  LASHUP_CHECK(active_.size() <= config_.active_size, "active view over its size");
  LASHUP_CHECK(passive_.size() <= config_.passive_size, "passive view over its size");
  LASHUP_CHECK(!IsActive(self_) && !IsPassive(self_), "self in a view");
  std::vector<NodeId> all = active_;
  all.insert(all.end(), passive_.begin(), passive_.end());
  std::sort(all.begin(), all.end());
  LASHUP_CHECK(std::adjacent_find(all.begin(), all.end()) == all.end(),
               "a node twice in the views, or in both");
}

}  // namespace lashup::membership

// The simulated network: connections (links) with their up/down notices and reconnects,
// message transport with latency, loss, duplication, reordering, clogs, partitions and a bound
// on messages in flight per path.
#include <algorithm>
#include <string>

#include "core/check.h"
#include "sim/sim_world_impl.h"
#include "wire/codec.h"

namespace lashup {

using sim_internal::EventKind;
using sim_internal::Link;
using sim_internal::PairKey;
using sim_internal::SimEvent;

namespace {
// Which end of the link {node, peer} `node` is: 0 for the lower index.
int Side(uint32_t node, uint32_t peer) { return node < peer ? 0 : 1; }
}  // namespace

int64_t SimWorld::Impl::SampleLatency() {
  const NetworkConfig& net = options_.network;
  int64_t latency = net.latency_min.count() + rng_.Exponential(net.latency_mean).count();
  if (rng_.Bernoulli(net.tail_probability)) latency *= std::max(1, net.tail_multiplier);
  return latency;
}

bool SimWorld::Impl::Blocked(uint32_t from, uint32_t to) const {
  for (const auto& [id, rule] : partitions_) {
    auto in = [](const std::vector<uint8_t>& set, uint32_t n) { return n < set.size() && set[n]; };
    if (in(rule.a, from) && in(rule.b, to)) return true;
    if (rule.symmetric && in(rule.b, from) && in(rule.a, to)) return true;
  }
  return false;
}

StatusCode SimWorld::Impl::ConnectProblem(uint32_t from, uint32_t to) const {
  if (!nodes_[to].alive) return StatusCode::kUnavailable;
  if (Blocked(from, to) || Blocked(to, from) || nodes_[to].paused) {
    return StatusCode::kDeadlineExceeded;
  }
  return StatusCode::kOk;
}

Link& SimWorld::Impl::LinkFor(uint32_t a, uint32_t b) {
  auto [it, inserted] = links_.try_emplace(PairKey(std::min(a, b), std::max(a, b)));
  if (inserted) {
    nodes_[a].links.insert(b);
    nodes_[b].links.insert(a);
  }
  return it->second;
}

const Link* SimWorld::Impl::FindLink(uint32_t a, uint32_t b) const {
  auto it = links_.find(PairKey(std::min(a, b), std::max(a, b)));
  return it == links_.end() ? nullptr : &it->second;
}

void SimWorld::Impl::WantLink(uint32_t node, uint32_t peer) {
  Link& link = LinkFor(node, peer);
  const int side = Side(node, peer);
  link.want[side] = true;
  link.told_down[side] = false;  // an explicit request deserves an answer
  if (!link.up) MaybeScheduleAttempt(node, peer, 0);
}

void SimWorld::Impl::UnwantLink(uint32_t node, uint32_t peer) {
  Link& link = LinkFor(node, peer);
  const int side = Side(node, peer);
  link.want[side] = false;
  if (link.up) CloseFrom(node, peer);  // the closing side knows
}

// `node` closes its end: the link goes down and only `peer` hears of it, after one trip.
void SimWorld::Impl::CloseFrom(uint32_t node, uint32_t peer) {
  const int64_t trip = SampleLatency();
  if (Side(node, peer) == 0) {
    BreakLink(node, peer, -1, trip);
  } else {
    BreakLink(peer, node, trip, -1);
  }
}

// The end that dials: one that wants the link and is running (the lower id when both do).
// Returns false when no end qualifies.
bool SimWorld::Impl::PickInitiator(uint32_t lo, uint32_t hi, Link& link) {
  for (int side = 0; side < 2; ++side) {
    const uint32_t self = side == 0 ? lo : hi;
    if (link.want[side] && nodes_[self].alive) {
      link.initiator = self;
      return true;
    }
  }
  return false;
}

void SimWorld::Impl::MaybeScheduleAttempt(uint32_t a, uint32_t b, int64_t delay) {
  const uint32_t lo = std::min(a, b);
  const uint32_t hi = std::max(a, b);
  Link& link = LinkFor(lo, hi);
  if (link.up || link.attempt_pending || !PickInitiator(lo, hi, link)) return;
  link.attempt_pending = true;
  SimEvent event;
  event.time = now_ + delay;
  event.kind = EventKind::kConnectAttempt;
  event.node = lo;
  event.peer = hi;
  event.aux = link.epoch;
  Schedule(event);
}

void SimWorld::Impl::OnConnectAttempt(const SimEvent& event) {
  Link& link = LinkFor(event.node, event.peer);
  if (link.epoch != event.aux || link.up) return;
  // Re-pick: the end that asked may have crashed or changed its mind since.
  if (!PickInitiator(event.node, event.peer, link)) {
    link.attempt_pending = false;
    return;
  }
  const uint32_t initiator = link.initiator;
  const uint32_t acceptor = initiator == event.node ? event.peer : event.node;
  SimEvent next = event;
  switch (ConnectProblem(initiator, acceptor)) {
    case StatusCode::kOk:  // handshake: one round trip
      next.kind = EventKind::kLinkEstablished;
      next.time = now_ + SampleLatency() + SampleLatency();
      break;
    case StatusCode::kUnavailable:  // refused at once by the peer's host
      next.kind = EventKind::kConnectFailed;
      next.time = now_ + SampleLatency() + SampleLatency();
      break;
    default:  // nothing answers
      next.kind = EventKind::kConnectFailed;
      next.time = now_ + options_.network.connect_timeout.count();
      break;
  }
  Schedule(next);
}

void SimWorld::Impl::OnLinkEstablished(const SimEvent& event) {
  Link& link = LinkFor(event.node, event.peer);
  if (link.epoch != event.aux || link.up) return;
  const uint32_t initiator = link.initiator;
  const uint32_t acceptor = initiator == event.node ? event.peer : event.node;
  if (!nodes_[initiator].alive || ConnectProblem(initiator, acceptor) != StatusCode::kOk) {
    SimEvent failed = event;
    failed.kind = EventKind::kConnectFailed;
    failed.time = now_;
    Schedule(failed);
    return;
  }
  link.attempt_pending = false;
  link.up = true;
  ++link.epoch;
  link.backoff = 0;
  link.told_down[0] = link.told_down[1] = false;
  ++stats_.link_ups;
  // The initiator learns first; the acceptor when the last handshake flight arrives.
  Notify(initiator, acceptor, true, now_);
  Notify(acceptor, initiator, true, now_ + SampleLatency());
}

void SimWorld::Impl::OnConnectFailed(const SimEvent& event) {
  Link& link = LinkFor(event.node, event.peer);
  if (link.epoch != event.aux || link.up) return;
  link.attempt_pending = false;
  const uint32_t lo = std::min(event.node, event.peer);
  const uint32_t hi = std::max(event.node, event.peer);
  for (int side = 0; side < 2; ++side) {
    const uint32_t self = side == 0 ? lo : hi;
    if (link.want[side] && !link.told_down[side] && nodes_[self].alive) {
      link.told_down[side] = true;
      Notify(self, side == 0 ? hi : lo, false, now_);
    }
  }
  MaybeScheduleAttempt(lo, hi, NextBackoff(link));
}

int64_t SimWorld::Impl::NextBackoff(Link& link) {
  const NetworkConfig& net = options_.network;
  link.backoff = link.backoff == 0 ? net.reconnect_backoff_min.count()
                                   : std::min(link.backoff * 2, net.reconnect_backoff_max.count());
  return rng_.Jitter(Duration(link.backoff), 0.2).count();
}

// Notices to one end of one link keep their order (up never overtakes the down that followed it).
void SimWorld::Impl::Notify(uint32_t node, uint32_t peer, bool up, int64_t at) {
  Link& link = LinkFor(node, peer);
  int64_t& last = link.last_notice[Side(node, peer)];
  at = std::max(at, last);
  last = at;
  SimEvent event;
  event.time = at;
  event.kind = EventKind::kLinkNotice;
  event.flag = up ? 1 : 0;
  event.node = node;
  event.peer = peer;
  event.incarnation = nodes_[node].incarnation;
  Schedule(event);
}

// Takes the link down; each end with a non-negative delay hears of it after that delay. Wanted
// links are then retried with backoff.
void SimWorld::Impl::BreakLink(uint32_t lo, uint32_t hi, int64_t delay_lo, int64_t delay_hi) {
  Link& link = LinkFor(lo, hi);
  if (!link.up) return;
  link.up = false;
  ++link.epoch;
  ++stats_.link_downs;
  if (delay_lo >= 0 && nodes_[lo].alive) {
    link.told_down[0] = true;
    Notify(lo, hi, false, now_ + delay_lo);
  }
  if (delay_hi >= 0 && nodes_[hi].alive) {
    link.told_down[1] = true;
    Notify(hi, lo, false, now_ + delay_hi);
  }
  MaybeScheduleAttempt(lo, hi, NextBackoff(link));
}

// A crashed process's host resets its connections: peers notice after one trip.
void SimWorld::Impl::DropLinksOf(uint32_t node) {
  for (uint32_t peer : nodes_[node].links) {
    Link& link = LinkFor(node, peer);
    const int side = Side(node, peer);
    link.want[side] = false;
    link.told_down[side] = false;
    CloseFrom(node, peer);
  }
}

// Connections crossing a new partition break once the transport gives up on them.
void SimWorld::Impl::ScheduleBreakChecks() {
  std::vector<uint64_t> keys;
  for (const auto& [key, link] : links_) {
    if (link.up) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());  // event order must not depend on hash order
  for (uint64_t key : keys) {
    const auto lo = static_cast<uint32_t>(key >> 32);
    const auto hi = static_cast<uint32_t>(key);
    if (!Blocked(lo, hi) && !Blocked(hi, lo)) continue;
    SimEvent event;
    event.time = now_ + options_.network.break_detect_delay.count();
    event.kind = EventKind::kBreakCheck;
    event.node = lo;
    event.peer = hi;
    event.aux = links_[key].epoch;
    Schedule(event);
  }
}

void SimWorld::Impl::OnBreakCheck(const SimEvent& event) {
  Link& link = LinkFor(event.node, event.peer);
  if (!link.up || link.epoch != event.aux) return;
  if (!Blocked(event.node, event.peer) && !Blocked(event.peer, event.node)) return;
  BreakLink(event.node, event.peer, 0, 0);
}

PartitionId SimWorld::Impl::AddPartition(const std::vector<NodeId>& a,
                                         const std::vector<NodeId>& b, bool symmetric) {
  sim_internal::PartitionRule rule;
  rule.symmetric = symmetric;
  for (const NodeId& id : a) {
    const uint32_t n = Intern(id);
    if (rule.a.size() <= n) rule.a.resize(n + 1, 0);
    rule.a[n] = 1;
  }
  for (const NodeId& id : b) {
    const uint32_t n = Intern(id);
    if (rule.b.size() <= n) rule.b.resize(n + 1, 0);
    rule.b[n] = 1;
  }
  const PartitionId id = next_partition_++;
  partitions_.emplace(id, std::move(rule));
  ScheduleBreakChecks();
  return id;
}

uint64_t SimWorld::Impl::RoundTrip(uint32_t from, Message& message) {
  if (!options_.codec_round_trip) return message.index() + 1;
  auto bytes = wire::EncodeEnvelope(nodes_[from].id, message);
  LASHUP_CHECK(bytes.ok(), "encode " + std::string(MessageKind(message)) + ": " +
                               bytes.status().ToString());
  auto decoded = wire::DecodeEnvelope(*bytes);
  LASHUP_CHECK(decoded.ok(), "decode " + std::string(MessageKind(message)) + ": " +
                                 decoded.status().ToString());
  LASHUP_CHECK(decoded->sender == nodes_[from].id && decoded->message == message,
               "codec round trip changed a " + std::string(MessageKind(message)));
  stats_.bytes_encoded += bytes->size();
  const std::string_view kind = MessageKind(message);
  auto by_kind = stats_.bytes_by_kind.find(kind);
  if (by_kind == stats_.bytes_by_kind.end()) {
    by_kind = stats_.bytes_by_kind.emplace(std::string(kind), 0).first;
  }
  by_kind->second += bytes->size();
  message = std::move(decoded->message);
  return sim_internal::HashBytes(*bytes);
}

void SimWorld::Impl::Transmit(uint32_t from, uint32_t to, SendMode mode, Message&& message) {
  ++stats_.messages_sent;
  const Link* link = FindLink(from, to);
  int64_t start = now_;
  if (link == nullptr || !link->up) {
    if (mode == SendMode::kIfConnected) {
      ++stats_.dropped_not_connected;
      return;
    }
    // A short-lived connection: one handshake round trip first, if anyone answers.
    if (ConnectProblem(from, to) != StatusCode::kOk) {
      ++(nodes_[to].alive ? stats_.dropped_partition : stats_.dropped_dead);
      return;
    }
    start += SampleLatency() + SampleLatency();
  }
  if (Blocked(from, to)) {
    ++stats_.dropped_partition;
    return;
  }
  if (!nodes_[to].alive) {
    ++stats_.dropped_dead;
    return;
  }
  const uint64_t hash = RoundTrip(from, message);
  if (rng_.Bernoulli(options_.network.loss)) {
    ++stats_.dropped_loss;
    return;
  }
  if (paths_[PairKey(from, to)].in_flight >= options_.network.max_in_flight_per_path) {
    ++stats_.dropped_overflow;
    return;
  }
  const bool duplicate = rng_.Bernoulli(options_.network.duplicate);
  Message copy = duplicate ? message : Message();
  ScheduleCopy(from, to, start, hash, StoreMessage(std::move(message)));
  if (duplicate) {
    ++stats_.duplicated;
    ScheduleCopy(from, to, start, hash, StoreMessage(std::move(copy)));
  }
}

void SimWorld::Impl::ScheduleCopy(uint32_t from, uint32_t to, int64_t start, uint64_t hash,
                                  uint32_t slot) {
  sim_internal::PathState& path = paths_[PairKey(from, to)];
  const int64_t clog = std::max({path.clog_until, node_clog_until_[from], node_clog_until_[to]});
  if (clog > start) {
    start = clog;
    ++stats_.delayed_by_clog;
  }
  int64_t at = start + SampleLatency();
  if (rng_.Bernoulli(options_.network.reorder)) {
    ++stats_.reordered;  // may overtake what was sent before it
  } else {
    at = std::max(at, path.last_delivery);  // FIFO, like one TCP stream
  }
  path.last_delivery = std::max(path.last_delivery, at);
  ++path.in_flight;
  SimEvent event;
  event.time = at;
  event.kind = EventKind::kDeliver;
  event.node = to;
  event.peer = from;
  event.incarnation = nodes_[to].incarnation;
  event.aux = slot;
  event.hash = hash;
  Schedule(event);
}

}  // namespace lashup

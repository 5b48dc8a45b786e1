#include "membership/failure_detector.h"

#include <algorithm>
#include <utility>

#include "core/coverage_probes.h"

namespace lashup::membership {
namespace {

uint32_t Millis(Duration d) {
  return static_cast<uint32_t>(
      std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(d).count()));
}

}  // namespace

Duration ProbeTimeout(const FailureDetectorConfig& config, std::optional<Duration> srtt,
                      Duration rttvar, int local_health) {
  const Duration base =
      srtt ? std::clamp(*srtt + 4 * rttvar, config.timeout_floor, config.timeout_cap)
           : config.timeout_cap;
  return base * (1 + local_health);
}

FailureDetector::FailureDetector(FailureDetectorConfig config, Rng rng)
    : config_(config), rng_(rng) {}

FailureDetector::Peer* FailureDetector::Find(const NodeId& peer) {
  auto it = peers_.find(peer);
  return it == peers_.end() ? nullptr : &it->second;
}

const NodeId* FailureDetector::PeerByKey(uint64_t key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &it->second;
}

Duration FailureDetector::Timeout(const Peer& state) const {
  if (state.rtt.srtt) {
    return ProbeTimeout(config_, state.rtt.srtt, state.rtt.rttvar, local_health_);
  }
  // No sample on this link yet: borrow the slowest of this node's measured links, which is a
  // better guess than the cap (a peer that hangs right after a link comes up would otherwise
  // take cap + 2 * cap to detect). With none measured, the cap.
  std::optional<Duration> prior;
  for (const auto& [peer, other] : peers_) {
    if (auto bound = other.rtt.Bound()) prior = std::max(prior.value_or(Duration(0)), *bound);
  }
  return ProbeTimeout(config_, prior, Duration(0), local_health_);
}

Duration FailureDetector::CapTimeout() const {
  return ProbeTimeout(config_, std::nullopt, Duration(0), local_health_);
}

void FailureDetector::Health(int delta) {
  local_health_ = std::clamp(local_health_ + delta, 0, config_.max_local_health);
}

std::optional<Duration> FailureDetector::Rtt(const NodeId& peer) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? std::nullopt : it->second.rtt.srtt;
}

std::vector<NodeId> FailureDetector::TakeFailed() { return std::exchange(failed_, {}); }

std::vector<NodeId> FailureDetector::TakeBroken() { return std::exchange(broken_, {}); }

std::vector<Verdict> FailureDetector::TakeVerdicts() { return std::exchange(verdicts_, {}); }

void FailureDetector::Verify(const Now& now, const NodeId& peer,
                             const std::vector<NodeId>& neighbours, Effects& out) {
  const std::vector<NodeId> helpers = PickHelpers(peer, neighbours);
  if (helpers.empty()) {
    verdicts_.push_back({peer, false});
    return;
  }
  const uint64_t seq = next_seq_++;
  const Duration wait = CapTimeout();
  for (const NodeId& helper : helpers) {
    out.Send(helper, FdProbeRequest{peer, seq, Millis(wait)}, SendMode::kConnectFirst);
  }
  verifying_[seq] = Verification{peer};
  out.SetTimer(Timer(FdTimer::kVerify, seq), now.mono + wait + wait / 2);
}

void FailureDetector::EndVerification(uint64_t seq, bool alive, Effects& out) {
  auto it = verifying_.find(seq);
  if (it == verifying_.end()) return;
  verdicts_.push_back({it->second.peer, alive});
  out.CancelTimer(Timer(FdTimer::kVerify, seq));
  verifying_.erase(it);
}

bool FailureDetector::ReachedOnlyThroughOthers(const NodeId& peer) const {
  auto it = peers_.find(peer);
  return it != peers_.end() && it->second.direct_misses > 0;
}

void FailureDetector::Monitor(const Now& now, const NodeId& peer, Effects& out) {
  if (peers_.contains(peer)) return;
  Peer& state = peers_[peer];
  state.key = next_key_++;
  by_key_[state.key] = peer;
  // The first ping soon, so the link has its own round trip before it is needed; links come up
  // at scattered times, so the pings that follow (one interval apart) stay spread out.
  out.SetTimer(Timer(FdTimer::kPing, state.key),
               now.mono + rng_.UniformDuration(Duration(0), config_.ping_interval / 10));
}

void FailureDetector::Forget(const NodeId& peer, Effects& out) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  for (FdTimer kind : {FdTimer::kPing, FdTimer::kDirectTimeout, FdTimer::kIndirectTimeout}) {
    out.CancelTimer(Timer(kind, it->second.key));
  }
  by_key_.erase(it->second.key);
  peers_.erase(it);
}

void FailureDetector::ProbeNow(const Now& now, const NodeId& peer, Effects& out) {
  Peer* state = Find(peer);
  if (state == nullptr || state->phase != Phase::kIdle) return;  // a probe is already running
  out.CancelTimer(Timer(FdTimer::kPing, state->key));
  SendPing(now, peer, *state, out);
}

void FailureDetector::SendPing(const Now& now, const NodeId& peer, Peer& state, Effects& out) {
  state.phase = Phase::kDirect;
  state.seq = next_seq_++;
  state.sent_at = now.mono;
  state.helpers_asked = 0;
  state.nacks = 0;
  state.retry_seq = 0;
  if (local_health_ > 0) out.Probe(kProbeFdTimeoutStretched);
  out.Send(peer, FdPing{state.seq});
  out.SetTimer(Timer(FdTimer::kDirectTimeout, state.key), now.mono + Timeout(state));
}

void FailureDetector::Alive(const Now& now, const NodeId& peer, Peer& state, Effects& out) {
  state.phase = Phase::kIdle;
  out.CancelTimer(Timer(FdTimer::kDirectTimeout, state.key));
  out.CancelTimer(Timer(FdTimer::kIndirectTimeout, state.key));
  // The next ping one interval after this one was sent, jittered by a tenth.
  const Instant next = std::max(now.mono, state.sent_at + rng_.Jitter(config_.ping_interval, 0.1));
  out.SetTimer(Timer(FdTimer::kPing, state.key), next);
}

void FailureDetector::OnAck(const Now& now, const NodeId& from, uint64_t seq, Effects& out) {
  Peer* state = Find(from);
  const bool retry = state != nullptr && state->retry_seq != 0 && state->retry_seq == seq;
  if (state != nullptr && state->phase != Phase::kIdle && (state->seq == seq || retry)) {
    const Duration sample = now.mono - (retry ? state->retry_at : state->sent_at);
    state->rtt.Sample(sample);
    if (state->phase == Phase::kDirect) Health(-1);
    state->direct_misses = 0;  // even late, an answer to our own ping shows the link works
    Alive(now, from, *state, out);
    return;
  }
  // An ack of a ping we sent for another node.
  auto help = helping_.find(seq);
  if (help == helping_.end() || help->second.target != from) return;
  out.Send(help->second.requester, FdProbeResult{from, help->second.request_seq, true},
           SendMode::kConnectFirst);
  out.CancelTimer(Timer(FdTimer::kHelp, seq));
  helping_.erase(help);
}

std::vector<NodeId> FailureDetector::PickHelpers(const NodeId& peer,
                                                const std::vector<NodeId>& neighbours) {
  std::vector<NodeId> others;
  for (const NodeId& n : neighbours) {
    if (n != peer) others.push_back(n);
  }
  std::vector<NodeId> vantage;
  for (const NodeId& n : vantage_) {
    if (n != peer && std::find(others.begin(), others.end(), n) == others.end()) {
      vantage.push_back(n);
    }
  }
  if (vantage.empty() || config_.indirect_probes == 0) {
    return rng_.Sample(std::move(others), config_.indirect_probes);
  }
  std::vector<NodeId> helpers = rng_.Sample(std::move(others), config_.indirect_probes - 1);
  helpers.push_back(rng_.Pick(vantage));
  return helpers;
}

void FailureDetector::StartIndirect(const Now& now, const NodeId& peer, Peer& state,
                                    const std::vector<NodeId>& neighbours, Effects& out) {
  // This probe's timeout, before the miss counts against our own health (which stretches the
  // probes that follow, not this one). A link not measured yet missed against a borrowed guess
  // that may be far too short for it (a distant peer among near ones): the helpers and we give
  // it the cap instead, and its late ack, if it comes, measures it.
  const Duration timeout =
      state.rtt.srtt ? Timeout(state) : CapTimeout();
  Health(+1);
  std::vector<NodeId> helpers = PickHelpers(peer, neighbours);
  state.phase = Phase::kIndirect;
  // And once more directly, as memberlist does over TCP: a single lost ping or ack then costs
  // nothing, and only a link that loses both counts a miss towards `broken_link_misses` (under
  // 5% random loss, 1 probe in 100 instead of 1 in 10).
  state.retry_seq = next_seq_++;
  state.retry_at = now.mono;
  out.Send(peer, FdPing{state.retry_seq});
  state.helpers_asked = helpers.size();
  // Each helper gives the target one timeout to answer; we allow one more for the two hops to
  // and from the helper. With no helper, that is one more direct wait.
  for (const NodeId& helper : helpers) {
    // A vantage point may not be a neighbour: connect if needed.
    out.Send(helper, FdProbeRequest{peer, state.seq, Millis(timeout)}, SendMode::kConnectFirst);
  }
  out.SetTimer(Timer(FdTimer::kIndirectTimeout, state.key), now.mono + 2 * timeout);
}

bool FailureDetector::OnMessage(const Now& now, const NodeId& from, const Message& message,
                                const std::vector<NodeId>& neighbours, Effects& out) {
  if (const auto* ping = std::get_if<FdPing>(&message)) {
    out.Send(from, FdAck{ping->seq}, SendMode::kConnectFirst);
  } else if (const auto* ack = std::get_if<FdAck>(&message)) {
    OnAck(now, from, ack->seq, out);
  } else if (const auto* request = std::get_if<FdProbeRequest>(&message)) {
    if (!request->target.valid()) return true;
    const uint64_t seq = next_seq_++;
    helping_[seq] = Help{from, request->target, request->seq};
    out.Send(request->target, FdPing{seq}, SendMode::kConnectFirst);
    const Duration wait = std::min<Duration>(std::chrono::milliseconds(request->wait_ms),
                                             config_.timeout_cap * (1 + config_.max_local_health));
    out.SetTimer(Timer(FdTimer::kHelp, seq), now.mono + wait);
  } else if (const auto* result = std::get_if<FdProbeResult>(&message)) {
    if (auto v = verifying_.find(result->seq);
        v != verifying_.end() && v->second.peer == result->target) {
      // A helper that reaches the peer says so within a few round trips; a nack comes only after
      // the whole wait. So the first nack with no "alive" before it settles the question, and a
      // helper that died too (a mass failure) does not hold the answer up.
      EndVerification(result->seq, result->alive, out);
      return true;
    }
    Peer* state = Find(result->target);
    if (state == nullptr || state->phase != Phase::kIndirect || state->seq != result->seq) {
      return true;  // late, or for a probe already settled
    }
    if (result->alive) {
      if (++state->direct_misses >= config_.broken_link_misses) {
        out.Probe(kProbeFdLinkBroken);
        broken_.push_back(result->target);
        Forget(result->target, out);
        return true;
      }
      out.Probe(kProbeFdSuspectSaved);
      Alive(now, result->target, *state, out);
    } else {
      ++state->nacks;
    }
  } else {
    return false;
  }
  return true;
}

void FailureDetector::OnTimer(const Now& now, const TimerId& timer,
                              const std::vector<NodeId>& neighbours, Effects& out) {
  const auto kind = static_cast<FdTimer>(timer.kind);
  if (kind == FdTimer::kHelp) {
    auto help = helping_.find(timer.key);
    if (help == helping_.end()) return;
    out.Send(help->second.requester,
             FdProbeResult{help->second.target, help->second.request_seq, false},
             SendMode::kConnectFirst);
    helping_.erase(help);
    return;
  }
  if (kind == FdTimer::kVerify) {
    EndVerification(timer.key, /*alive=*/false, out);
    return;
  }
  const NodeId* found = PeerByKey(timer.key);
  if (found == nullptr) return;
  const NodeId peer = *found;
  Peer& state = peers_.at(peer);
  switch (kind) {
    case FdTimer::kPing:
      if (state.phase == Phase::kIdle) SendPing(now, peer, state, out);
      return;
    case FdTimer::kDirectTimeout:
      if (state.phase == Phase::kDirect) StartIndirect(now, peer, state, neighbours, out);
      return;
    case FdTimer::kIndirectTimeout:
      if (state.phase != Phase::kIndirect) return;
      // Helpers that did not even send a nack point at our own links (Lifeguard).
      if (state.nacks < state.helpers_asked) Health(+1);
      out.Probe(kProbeFdSuspectConfirmedDead);
      failed_.push_back(peer);
      Forget(peer, out);
      return;
    case FdTimer::kHelp:
    case FdTimer::kVerify:
      return;
  }
}

}  // namespace lashup::membership

#include "membership/membership_core.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace lashup::membership {
namespace {

constexpr char kEpochKey[] = "membership/epoch";

std::optional<uint64_t> ParseEpoch(const std::string& text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

MembershipCore::MembershipCore(const CoreContext& context, MembershipConfig config)
    : config_(std::move(config)),
      rng_(Rng(context.seed).Fork(2)),
      hyparview_(context.self, config_.hyparview, Rng(context.seed).Fork(1)),
      global_(context.self, config_.global),
      detector_(config_.failure_detector, Rng(context.seed).Fork(3)) {
  if (context.recovered != nullptr) {
    if (auto text = context.recovered->Get(Column::kMeta, kEpochKey)) {
      recovered_epoch_ = ParseEpoch(*text);
    }
  }
}

void MembershipCore::Start(const Now& now, Effects& out) {
  // The epoch orders this run's records after every earlier run's: wall-clock seconds, or one
  // more than the last run's if the clock is behind it. Synced before anything is sent.
  const auto wall_seconds = static_cast<uint64_t>(std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(now.wall.time_since_epoch()).count()));
  epoch_ = std::max(wall_seconds, recovered_epoch_ ? *recovered_epoch_ + 1 : 0);
  WriteBatch batch;
  batch.Put(Column::kMeta, kEpochKey, std::to_string(epoch_));
  out.Persist(std::move(batch), Durability::kSync);

  global_.Start(now, epoch_, out);
  hyparview_.Start(now, config_.contacts, {}, out);
  SyncViews(now, out);
  out.SetTimer({Component::kMembership, static_cast<uint32_t>(ProbeTimer::kDepartition), 0},
               now.mono + rng_.UniformDuration(config_.first_probe, 2 * config_.first_probe));
}

void MembershipCore::OnMessage(const Now& now, const NodeId& from, const Message& message,
                               Effects& out) {
  if (!hyparview_.OnMessage(now, from, message, out) &&
      !detector_.OnMessage(now, from, message, hyparview_.active(), out)) {
    global_.OnMessage(now, from, message, hyparview_.active(), out);
  }
  SyncViews(now, out);
}

void MembershipCore::OnTimer(const Now& now, TimerId timer, Effects& out) {
  if (timer.component == Component::kHyParView) {
    hyparview_.OnTimer(now, timer, out);
  } else if (timer.component == Component::kFailureDetector) {
    detector_.OnTimer(now, timer, hyparview_.active(), out);
  } else if (timer.component == Component::kMembership) {
    if (timer.kind == static_cast<uint32_t>(ProbeTimer::kDepartition)) {
      Probe(now, out);
    } else {
      global_.OnTimer(now, timer, hyparview_.active(), out);
    }
  }
  SyncViews(now, out);
}

void MembershipCore::OnConnection(const Now& now, const NodeId& peer, LinkState state,
                                  Effects& out) {
  hyparview_.OnConnection(now, peer, state, out);
  // Every link that comes up syncs, even one whose peer is not active yet: the answer that makes
  // it active may come after the link, and floods before it were not sent to it.
  if (state == LinkState::kUp) global_.OnLinkUp(now, peer, out);
  SyncViews(now, out);
}

void MembershipCore::SyncViews(const Now& now, Effects& out) {
  for (const NodeId& peer : detector_.TakeFailed()) {
    ++peers_declared_failed_;
    monitored_.erase(peer);
    hyparview_.OnPeerFailed(now, peer, out);
  }
  // Another node dropped one of our neighbours: check it now rather than at its next turn.
  for (const NodeId& peer : global_.TakeRetired()) {
    if (hyparview_.IsActive(peer)) detector_.ProbeNow(now, peer, out);
  }
  if (!hyparview_.TakeViewsChanged()) return;
  const std::vector<NodeId>& active = hyparview_.active();
  for (auto it = monitored_.begin(); it != monitored_.end();) {
    if (hyparview_.IsActive(*it)) {
      ++it;
    } else {
      detector_.Forget(*it, out);
      it = monitored_.erase(it);
    }
  }
  std::vector<GmLink> links;
  for (const NodeId& peer : active) {
    if (monitored_.insert(peer).second) detector_.Monitor(now, peer, out);
    const auto rtt = detector_.Rtt(peer);
    const auto rtt_us = rtt ? std::chrono::duration_cast<std::chrono::microseconds>(*rtt).count()
                            : int64_t{0};
    links.push_back({peer, static_cast<uint32_t>(std::clamp<int64_t>(rtt_us, 0, UINT32_MAX))});
  }
  global_.SetLocalLinks(now, std::move(links), active, out);
}

void MembershipCore::Probe(const Now& now, Effects& out) {
  const std::set<NodeId> reachable = global_.Reachable();
  std::vector<NodeId> unreachable;
  for (const auto& [node, member] : global_.members()) {
    if (!reachable.contains(node)) unreachable.push_back(node);
  }
  for (const NodeId& contact : hyparview_.contacts()) {
    if (!reachable.contains(contact) && !global_.members().contains(contact)) {
      unreachable.push_back(contact);
    }
  }
  if (!unreachable.empty()) hyparview_.RequestNeighbor(now, rng_.Pick(unreachable), out);
  const Duration half = config_.full_probe_period / 2;
  const auto share = half * static_cast<int64_t>(unreachable.size() + 1) /
                     static_cast<int64_t>(std::max<size_t>(reachable.size(), 1));
  const Duration base = std::clamp<Duration>(share, config_.min_probe_interval, half);
  out.SetTimer({Component::kMembership, static_cast<uint32_t>(ProbeTimer::kDepartition), 0},
               now.mono + rng_.UniformDuration(base, 2 * base));
}

void MembershipCore::CheckInvariants() const { hyparview_.CheckInvariants(); }

CoreFactory MembershipCoreFactory(MembershipConfig config) {
  return [config = std::move(config)](const CoreContext& context) -> std::unique_ptr<Core> {
    return std::make_unique<MembershipCore>(context, config);
  };
}

}  // namespace lashup::membership

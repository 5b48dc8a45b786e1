#include "membership/membership_core.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "core/coverage_probes.h"

namespace lashup::membership {
namespace {

constexpr char kEpochKey[] = "membership/epoch";
constexpr char kViewsKey[] = "membership/views";
constexpr char kContactsKey[] = "membership/contacts";

// Node ids, one per line (ids cannot hold a newline).
std::string JoinIds(const std::vector<NodeId>& ids) {
  std::string out;
  for (const NodeId& id : ids) out += id.str() + "\n";
  return out;
}

// Invalid lines are skipped: a damaged record costs a slower rejoin, never a crash.
std::vector<NodeId> SplitIds(const std::string& text) {
  std::vector<NodeId> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (auto id = NodeId::Parse(std::string_view(text).substr(start, end - start)); id.ok()) {
      out.push_back(*std::move(id));
    }
    start = end + 1;
  }
  return out;
}

TimerId Timer(ProbeTimer kind) {
  return {Component::kMembership, static_cast<uint32_t>(kind), 0};
}

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
      detector_(config_.failure_detector, Rng(context.seed).Fork(3)),
      self_(context.self) {
  hyparview_.SetDegreeHint([this](const NodeId& node) {
    const auto it = global_.members().find(node);
    if (it == global_.members().end()) return size_t{0};
    const auto& links = it->second.links;  // held links are not working ones
    return static_cast<size_t>(std::count_if(links.begin(), links.end(),
                                             [](const GmLink& link) { return !link.held; }));
  });
  if (context.recovered != nullptr) {
    if (auto text = context.recovered->Get(Column::kMeta, kEpochKey)) {
      recovered_epoch_ = ParseEpoch(*text);
    }
    if (auto text = context.recovered->Get(Column::kMeta, kViewsKey)) {
      recovered_views_ = SplitIds(*text);
    }
    if (auto text = context.recovered->Get(Column::kMeta, kContactsKey)) {
      recovered_contacts_ = SplitIds(*text);
    }
  }
}

MembershipConfig MembershipConfig::Lan() { return MembershipConfig{}; }

MembershipConfig MembershipConfig::Wan() {
  MembershipConfig c;
  c.failure_detector.ping_interval = std::chrono::seconds(2);
  c.failure_detector.timeout_floor = std::chrono::milliseconds(300);
  c.failure_detector.timeout_cap = std::chrono::seconds(3);
  c.hyparview.join_timeout = std::chrono::seconds(3);
  c.hyparview.neighbor_timeout = std::chrono::seconds(3);
  c.hyparview.repair_delay_max = std::chrono::milliseconds(500);
  c.hyparview.shuffle_interval = std::chrono::seconds(30);
  c.first_probe = std::chrono::seconds(5);
  c.min_probe_interval = std::chrono::seconds(12);
  return c;
}

MembershipConfig MembershipConfig::Local() {
  MembershipConfig c;
  c.failure_detector.ping_interval = std::chrono::milliseconds(500);
  c.failure_detector.timeout_floor = std::chrono::milliseconds(50);
  c.failure_detector.timeout_cap = std::chrono::milliseconds(500);
  c.hyparview.join_timeout = std::chrono::milliseconds(500);
  c.hyparview.neighbor_timeout = std::chrono::milliseconds(500);
  c.hyparview.repair_delay_max = std::chrono::milliseconds(50);
  c.hyparview.shuffle_interval = std::chrono::seconds(5);
  c.first_probe = std::chrono::seconds(1);
  c.min_probe_interval = std::chrono::seconds(3);
  return c;
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

  const size_t net_before = out.net().size();
  global_.Start(now, epoch_, out);
  // Contacts changed at run time outlive a restart; the saved views let the node rejoin through
  // its old neighbours without waiting for a contact.
  hyparview_.Start(now, recovered_contacts_ ? *recovered_contacts_ : config_.contacts,
                   recovered_views_, out);
  SetVantagePoints();
  SyncViews(now, out);
  Finish(now, net_before, out);
  out.SetTimer(Timer(ProbeTimer::kDepartition),
               now.mono + rng_.UniformDuration(config_.first_probe, 2 * config_.first_probe));
}

void MembershipCore::OnMessage(const Now& now, const NodeId& from, const Message& message,
                               Effects& out) {
  const size_t net_before = out.net().size();
  ++counters_.received[std::string(MessageKind(message))];
  if (!hyparview_.OnMessage(now, from, message, out) &&
      !detector_.OnMessage(now, from, message, hyparview_.active(), out)) {
    global_.OnMessage(now, from, message, hyparview_.active(), out);
  }
  SyncViews(now, out);
  Finish(now, net_before, out);
}

void MembershipCore::OnTimer(const Now& now, TimerId timer, Effects& out) {
  const size_t net_before = out.net().size();
  if (timer.component == Component::kHyParView) {
    hyparview_.OnTimer(now, timer, out);
  } else if (timer.component == Component::kFailureDetector) {
    detector_.OnTimer(now, timer, hyparview_.active(), out);
  } else if (timer.component == Component::kMembership) {
    if (timer.kind == static_cast<uint32_t>(ProbeTimer::kDepartition)) {
      Probe(now, out);
    } else if (timer.kind == static_cast<uint32_t>(ProbeTimer::kPublish)) {
      PublishSoon(now, out);
    } else if (timer.kind == static_cast<uint32_t>(ProbeTimer::kPublishEmpty)) {
      Publish(now, out);  // still alone after the grace (or already published otherwise)
    } else if (timer.kind == static_cast<uint32_t>(ProbeTimer::kHoldExpiry)) {
      ReleaseHeld(now, out);
    } else if (timer.kind == static_cast<uint32_t>(ProbeTimer::kSaveViews)) {
      save_pending_ = false;
      Persist(out);
    } else {
      global_.OnTimer(now, timer, hyparview_.active(), out);
    }
  }
  SyncViews(now, out);
  Finish(now, net_before, out);
}

void MembershipCore::OnConnection(const Now& now, const NodeId& peer, LinkState state,
                                  Effects& out) {
  const size_t net_before = out.net().size();
  if (state == LinkState::kUp) {
    connected_.insert(peer);
  } else {
    connected_.erase(peer);
    // The transport gave up on a link whose last probe got through only via a helper: hold it
    // like a broken one while helpers check again whether the peer lives (it may have crashed
    // since); a "no" releases the hold at once.
    if (hyparview_.IsActive(peer) && detector_.ReachedOnlyThroughOthers(peer)) {
      out.Probe(kProbeMembershipVerifyLostLink);
      Hold(now, peer, out);
      detector_.Verify(now, peer, hyparview_.active(), out);
    }
  }
  hyparview_.OnConnection(now, peer, state, out);
  SyncMonitored(now, out);
  // Every link that comes up syncs, even one whose peer is not active yet: the answer that makes
  // it active may come after the link, and floods before it were not sent to it.
  if (state == LinkState::kUp) global_.OnLinkUp(now, peer, out);
  SyncViews(now, out);
  Finish(now, net_before, out);
}

void MembershipCore::SetContacts(const Now& now, std::vector<NodeId> contacts, Effects& out) {
  const size_t net_before = out.net().size();
  hyparview_.SetContacts(std::move(contacts));
  SetVantagePoints();
  WriteBatch batch;
  batch.Put(Column::kMeta, kContactsKey, JoinIds(hyparview_.contacts()));
  out.Persist(std::move(batch), Durability::kSync);
  Finish(now, net_before, out);
}

void MembershipCore::SetVantagePoints() {
  std::vector<NodeId> vantage;
  for (const NodeId& contact : hyparview_.contacts()) {
    if (contact != self_) vantage.push_back(contact);
  }
  detector_.SetVantagePoints(std::move(vantage));
}

void MembershipCore::Persist(Effects& out) {
  std::vector<NodeId> views = hyparview_.active();
  views.insert(views.end(), hyparview_.passive().begin(), hyparview_.passive().end());
  WriteBatch batch;
  batch.Put(Column::kMeta, kViewsKey, JoinIds(views));
  out.Persist(std::move(batch), Durability::kSync);
}

void MembershipCore::Finish(const Now& now, size_t net_before, Effects& out) {
  // The end that closes a link is not told it went down: forget it here, so a peer added back
  // later is watched only once its new link is up.
  for (size_t i = net_before; i < out.net().size(); ++i) {
    if (out.net()[i].kind == NetOp::Kind::kDisconnect) connected_.erase(out.net()[i].peer);
  }
  MemberChanges changes = global_.TakeChanges();
  if (!changes.added.empty()) {
    // New members are candidates for free passive slots.
    hyparview_.OfferPassive(now, changes.added, out);
    SyncViews(now, out);
  }
  if (views_dirty_) {
    views_dirty_ = false;
    if (!save_pending_) {
      save_pending_ = true;
      out.SetTimer(Timer(ProbeTimer::kSaveViews),
                   now.mono + config_.save_views_delay);
    }
    out.Emit(ViewsChanged{hyparview_.active(), hyparview_.passive()});
  }
  for (NodeId& node : changes.added) out.Emit(MemberAdded{std::move(node)});
  for (NodeId& node : changes.changed) out.Emit(MemberChanged{std::move(node)});
  for (NodeId& node : changes.removed) out.Emit(MemberRemoved{std::move(node)});
  const auto& net = out.net();
  for (size_t i = net_before; i < net.size(); ++i) {
    if (net[i].kind == NetOp::Kind::kSend) ++counters_.sent[std::string(MessageKind(net[i].message))];
  }
}

void MembershipCore::SyncViews(const Now& now, Effects& out) {
  for (const NodeId& peer : detector_.TakeFailed()) {
    ++peers_declared_failed_;
    monitored_.erase(peer);
    hyparview_.OnPeerFailed(now, peer, out);
  }
  for (const NodeId& peer : detector_.TakeBroken()) {
    ++links_declared_broken_;
    Hold(now, peer, out);
    monitored_.erase(peer);
    hyparview_.OnPeerFailed(now, peer, out);
  }
  for (const Verdict& verdict : detector_.TakeVerdicts()) {
    if (!verdict.alive && held_.erase(verdict.peer) > 0) PublishLater(now, out);
  }
  // Another node dropped one of our neighbours: check it now rather than at its next turn.
  for (const NodeId& peer : global_.TakeRetired()) {
    if (hyparview_.IsActive(peer)) detector_.ProbeNow(now, peer, out);
  }
  if (!held_.empty() && global_.generation() != held_checked_generation_) ReleaseHeld(now, out);
  if (!hyparview_.TakeViewsChanged()) return;
  views_dirty_ = true;
  SyncMonitored(now, out);
  if (!held_.empty()) ReleaseHeld(now, out);
  // Only a change of the active view makes a new record (the passive view is not gossiped, and
  // round trips alone would re-flood the record at every ping); the record takes the current
  // round trips along.
  PublishLater(now, out);
}

void MembershipCore::PublishLater(const Now& now, Effects& out) {
  if (publish_pending_) return;
  publish_pending_ = true;
  out.SetTimer(Timer(ProbeTimer::kPublish),
               now.mono + config_.publish_delay);
}

void MembershipCore::Hold(const Now& now, const NodeId& peer, Effects& out) {
  const bool first = held_.empty();
  Held& held = held_[peer];
  held.until = now.mono + config_.hold_broken_link;
  held.old_links.clear();
  if (auto it = global_.members().find(peer); it != global_.members().end()) {
    for (const GmLink& link : it->second.links) held.old_links.push_back(link.peer);
  }
  if (first) {
    out.SetTimer(Timer(ProbeTimer::kHoldExpiry),
                 held.until);
  }
}

bool MembershipCore::HasNewLink(const NodeId& peer, const Held& held) const {
  const auto& members = global_.members();
  const auto record = members.find(peer);
  if (record == members.end()) return false;
  for (const GmLink& link : record->second.links) {
    if (link.held || link.peer == self_ ||
        std::find(held.old_links.begin(), held.old_links.end(), link.peer) !=
            held.old_links.end()) {
      continue;
    }
    const auto other = members.find(link.peer);
    if (other == members.end()) continue;
    const auto& back = other->second.links;
    if (std::any_of(back.begin(), back.end(),
                    [&](const GmLink& l) { return l.peer == peer && !l.held; })) {
      return true;
    }
  }
  return false;
}

void MembershipCore::ReleaseHeld(const Now& now, Effects& out) {
  held_checked_generation_ = global_.generation();
  bool released = false;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.until <= now.mono || hyparview_.IsActive(it->first) ||
        HasNewLink(it->first, it->second)) {
      it = held_.erase(it);
      released = true;
    } else {
      ++it;
    }
  }
  if (released) PublishLater(now, out);
  if (!held_.empty()) {
    Instant next = held_.begin()->second.until;
    for (const auto& [peer, held] : held_) next = std::min(next, held.until);
    out.SetTimer(Timer(ProbeTimer::kHoldExpiry),
                 next);
  }
}

void MembershipCore::SyncMonitored(const Now& now, Effects& out) {
  for (auto it = monitored_.begin(); it != monitored_.end();) {
    if (hyparview_.IsActive(*it) && connected_.contains(*it)) {
      ++it;
    } else {
      detector_.Forget(*it, out);
      it = monitored_.erase(it);
    }
  }
  for (const NodeId& peer : hyparview_.active()) {
    if (connected_.contains(peer) && monitored_.insert(peer).second) {
      detector_.Monitor(now, peer, out);
    }
  }
}

void MembershipCore::PublishSoon(const Now& now, Effects& out) {
  publish_pending_ = false;
  if (RecordPeers().empty() && !published_.empty()) {
    out.SetTimer(Timer(ProbeTimer::kPublishEmpty),
                 now.mono + config_.empty_view_grace);
    return;
  }
  Publish(now, out);
}

std::vector<NodeId> MembershipCore::RecordPeers() const {
  std::vector<NodeId> peers = hyparview_.active();
  for (const auto& [peer, held] : held_) {
    if (!hyparview_.IsActive(peer)) peers.push_back(peer);
  }
  std::sort(peers.begin(), peers.end());
  return peers;
}

void MembershipCore::Publish(const Now& now, Effects& out) {
  // A new record when a peer comes or goes, or a link turns held; round trips ride along.
  std::vector<std::pair<NodeId, bool>> shape;
  std::vector<GmLink> links;
  for (const NodeId& peer : RecordPeers()) {
    const bool held = !hyparview_.IsActive(peer);
    const auto rtt = detector_.Rtt(peer);
    const auto rtt_us = rtt ? std::chrono::duration_cast<std::chrono::microseconds>(*rtt).count()
                            : int64_t{0};
    links.push_back(
        {peer, static_cast<uint32_t>(std::clamp<int64_t>(rtt_us, 0, UINT32_MAX)), held});
    shape.emplace_back(peer, held);
  }
  if (shape == published_) return;
  published_ = std::move(shape);
  global_.SetLocalLinks(now, std::move(links), hyparview_.active(), out);
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
  if (!unreachable.empty()) {
    out.Probe(kProbeMembershipDepartitionProbe);
    hyparview_.RequestNeighbor(now, rng_.Pick(unreachable), out);
  }
  const Duration half = config_.full_probe_period / 2;
  const auto share = half * static_cast<int64_t>(unreachable.size() + 1) /
                     static_cast<int64_t>(std::max<size_t>(reachable.size(), 1));
  const Duration base = std::clamp<Duration>(share, config_.min_probe_interval, half);
  out.SetTimer(Timer(ProbeTimer::kDepartition),
               now.mono + rng_.UniformDuration(base, 2 * base));
}

void MembershipCore::CheckInvariants() const { hyparview_.CheckInvariants(); }

CoreFactory MembershipCoreFactory(MembershipConfig config) {
  return [config = std::move(config)](const CoreContext& context) -> std::unique_ptr<Core> {
    return std::make_unique<MembershipCore>(context, config);
  };
}

}  // namespace lashup::membership

#include "membership/global_membership.h"

#include <algorithm>
#include <utility>

#include "core/coverage_probes.h"

namespace lashup::membership {
namespace {

TimerId Timer(GmTimer kind) { return {Component::kMembership, static_cast<uint32_t>(kind), 0}; }

void SortLinks(std::vector<GmLink>& links) {
  std::sort(links.begin(), links.end(),
            [](const GmLink& a, const GmLink& b) { return a.peer < b.peer; });
  links.erase(std::unique(links.begin(), links.end(),
                          [](const GmLink& a, const GmLink& b) { return a.peer == b.peer; }),
              links.end());
}

}  // namespace

GlobalMembership::GlobalMembership(NodeId self, GlobalMembershipConfig config)
    : self_(std::move(self)), config_(config) {
  members_[self_] = Member{};
}

void GlobalMembership::Start(const Now& now, uint64_t epoch, Effects& out) {
  members_[self_] = Member{GmVersion{epoch, 1}, {}, now.mono};
  ++generation_;
  changes_.added.push_back(self_);
  out.SetTimer(Timer(GmTimer::kRefresh), now.mono + config_.refresh_interval);
  out.SetTimer(Timer(GmTimer::kForget), now.mono + config_.forget_check_interval);
}

GmRecord GlobalMembership::RecordOf(const NodeId& node, const Member& member) const {
  return GmRecord{node, member.version, member.links};
}

void GlobalMembership::BumpSelf(const Now& now, const std::vector<NodeId>& neighbours,
                                Effects& out) {
  Member& me = members_[self_];
  ++me.version.counter;
  me.last_heard = now.mono;
  ++generation_;
  changes_.changed.push_back(self_);
  Queue(self_, nullptr);
  Flood(now, neighbours, out);
}

void GlobalMembership::SetLocalLinks(const Now& now, std::vector<GmLink> links,
                                     const std::vector<NodeId>& neighbours, Effects& out) {
  SortLinks(links);
  Member& me = members_[self_];
  if (links == me.links) return;
  me.links = std::move(links);
  BumpSelf(now, neighbours, out);
}

void GlobalMembership::OnLinkUp(const Now& now, const NodeId& peer, Effects& out) {
  GmDigest digest;
  digest.entries.reserve(members_.size());
  for (const auto& [node, member] : members_) digest.entries.push_back({node, member.version});
  out.Send(peer, std::move(digest));
}

bool GlobalMembership::Apply(const Now& now, GmRecord record, Effects& out) {
  if (!record.node.valid()) return false;
  if (record.node == self_) return false;  // only this node writes its record (see OnMessage)
  SortLinks(record.links);
  auto it = members_.find(record.node);
  if (it == members_.end()) {
    members_.emplace(record.node, Member{record.version, std::move(record.links), now.mono});
    changes_.added.push_back(record.node);
    ++generation_;
    return true;
  }
  if (!(it->second.version < record.version)) return false;
  if (it->second.version.epoch < record.version.epoch) out.Probe(kProbeGmRestartSeen);
  for (const GmLink& old : it->second.links) {
    const bool kept = std::binary_search(
        record.links.begin(), record.links.end(), old,
        [](const GmLink& a, const GmLink& b) { return a.peer < b.peer; });
    if (!kept) retired_.push_back(old.peer);
  }
  it->second = Member{record.version, std::move(record.links), now.mono};
  changes_.changed.push_back(record.node);
  ++generation_;
  return true;
}

bool GlobalMembership::OnMessage(const Now& now, const NodeId& from, const Message& message,
                                 const std::vector<NodeId>& neighbours, Effects& out) {
  if (const auto* update = std::get_if<GmUpdate>(&message)) {
    bool fresh = false;
    bool self_outdated = false;
    for (const GmRecord& record : update->records) {
      if (record.node == self_) {
        // Someone holds a version of us newer than ours (we lost our epoch): move past it.
        Member& me = members_[self_];
        if (me.version < record.version) {
          out.Probe(kProbeGmSelfOutdated);
          me.version = record.version;
          self_outdated = true;
        }
        continue;
      }
      if (Apply(now, record, out)) {
        Queue(record.node, &from);
        fresh = true;
      } else if (auto it = queued_.find(record.node);
                 it != queued_.end() && it->second.version == record.version) {
        it->second.holders.push_back(from);  // a second copy: that sender has it too
      }
    }
    if (fresh) Flood(now, neighbours, out);
    if (self_outdated) BumpSelf(now, neighbours, out);
    return true;
  }
  if (const auto* digest = std::get_if<GmDigest>(&message)) {
    // Answer with every record the sender lacks or holds older.
    std::map<NodeId, GmVersion> theirs;
    for (const GmDigestEntry& e : digest->entries) theirs[e.node] = e.version;
    GmUpdate reply;
    for (const auto& [node, member] : members_) {
      auto it = theirs.find(node);
      if (it == theirs.end() || it->second < member.version) {
        reply.records.push_back(RecordOf(node, member));
      }
    }
    if (!reply.records.empty()) out.Send(from, std::move(reply));
    return true;
  }
  return false;
}

void GlobalMembership::Queue(const NodeId& node, const NodeId* from) {
  const GmVersion version = members_.at(node).version;
  Queued& queued = queued_[node];
  if (queued.version != version) queued = Queued{version, {}};
  if (from != nullptr) queued.holders.push_back(*from);
}

void GlobalMembership::Flood(const Now& now, const std::vector<NodeId>& neighbours,
                             Effects& out) {
  if (flood_armed_ || queued_.empty()) return;
  if (last_flood_ && now.mono - *last_flood_ < config_.flood_interval) {
    flood_armed_ = true;
    out.SetTimer(Timer(GmTimer::kFlood), *last_flood_ + config_.flood_interval);
    return;
  }
  FloodNow(now, neighbours, out);
}

void GlobalMembership::FloodNow(const Now& now, const std::vector<NodeId>& neighbours,
                                Effects& out) {
  last_flood_ = now.mono;
  std::map<NodeId, Queued> queued = std::exchange(queued_, {});
  for (const NodeId& peer : neighbours) {
    GmUpdate update;
    for (const auto& [node, q] : queued) {
      auto it = members_.find(node);
      if (it == members_.end() || it->second.version != q.version) continue;  // forgotten
      if (std::find(q.holders.begin(), q.holders.end(), peer) != q.holders.end()) continue;
      update.records.push_back(RecordOf(node, it->second));
    }
    if (!update.records.empty()) out.Send(peer, std::move(update));
  }
}

void GlobalMembership::OnTimer(const Now& now, const TimerId& timer,
                               const std::vector<NodeId>& neighbours, Effects& out) {
  switch (static_cast<GmTimer>(timer.kind)) {
    case GmTimer::kRefresh:
      BumpSelf(now, neighbours, out);
      out.SetTimer(Timer(GmTimer::kRefresh), now.mono + config_.refresh_interval);
      return;
    case GmTimer::kFlood:
      flood_armed_ = false;
      FloodNow(now, neighbours, out);
      return;
    case GmTimer::kForget:
      for (auto it = members_.begin(); it != members_.end();) {
        if (it->first != self_ && now.mono - it->second.last_heard >= config_.forget_after) {
          out.Probe(kProbeGmMemberForgotten);
          changes_.removed.push_back(it->first);
          ++generation_;
          it = members_.erase(it);
        } else {
          ++it;
        }
      }
      out.SetTimer(Timer(GmTimer::kForget), now.mono + config_.forget_check_interval);
      return;
  }
}

std::set<NodeId> GlobalMembership::Reachable() const {
  std::set<NodeId> seen{self_};
  std::vector<const NodeId*> stack{&self_};
  while (!stack.empty()) {
    const NodeId& node = *stack.back();
    stack.pop_back();
    auto it = members_.find(node);
    if (it == members_.end()) continue;
    for (const GmLink& link : it->second.links) {
      const auto [inserted, fresh] = seen.insert(link.peer);
      if (fresh) stack.push_back(&*inserted);
    }
  }
  return seen;
}

MemberChanges GlobalMembership::TakeChanges() { return std::exchange(changes_, {}); }

std::vector<NodeId> GlobalMembership::TakeRetired() { return std::exchange(retired_, {}); }

size_t GlobalMembership::MemoryBytes() const {
  // A std::map node (about 48 bytes of tree bookkeeping) per member, plus each id's heap bytes
  // beyond the inline buffer, plus each link.
  size_t bytes = 0;
  const auto id_bytes = [](const NodeId& id) {
    return sizeof(NodeId) + (id.str().size() > 15 ? id.str().capacity() + 1 : 0);
  };
  for (const auto& [node, member] : members_) {
    bytes += 48 + id_bytes(node) + sizeof(Member);
    bytes += member.links.capacity() * sizeof(GmLink);
    for (const GmLink& link : member.links) bytes += id_bytes(link.peer) - sizeof(NodeId);
  }
  return bytes;
}

}  // namespace lashup::membership

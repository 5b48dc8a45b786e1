#include "routing/multicast.h"

#include <algorithm>
#include <utility>

#include "core/coverage_probes.h"

namespace lashup::routing {
namespace {

// FNV-1a: a stable hash of a copy's (origin, incarnation, seq, root), for the forward memory.
uint64_t Fnv(uint64_t h, const void* data, size_t size) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; ++i) h = (h ^ bytes[i]) * 0x100000001b3ULL;
  return h;
}

uint64_t CopyKey(const McPacket& p) {
  uint64_t h = 0xcbf29ce484222325ULL;
  h = Fnv(h, p.origin.str().data(), p.origin.str().size() + 1);  // with the terminating NUL
  h = Fnv(h, &p.incarnation, sizeof(p.incarnation));
  h = Fnv(h, &p.seq, sizeof(p.seq));
  return Fnv(h, p.root.str().data(), p.root.str().size());
}

TimerId RetransmitTimer(uint64_t link_id) {
  return {Component::kMulticast, static_cast<uint32_t>(MulticastTimer::kRetransmit), link_id};
}

}  // namespace

Multicast::Multicast(NodeId self, MulticastConfig config, uint64_t seed)
    : self_(std::move(self)), config_(config), rng_(seed) {}

void Multicast::Start(uint64_t incarnation) {
  started_ = true;
  incarnation_ = incarnation;
}

Result<uint64_t> Multicast::Send(const Now& now, const std::string& topic,
                                 std::vector<uint8_t> payload, Router& router, Effects& out) {
  if (!started_) return FailedPreconditionError("multicast before the node started");
  if (topic.empty() || topic.size() > kMaxMcTopicBytes) {
    return InvalidArgumentError("multicast topic of " + std::to_string(topic.size()) +
                                " bytes; want 1.." + std::to_string(kMaxMcTopicBytes));
  }
  if (payload.size() > config_.max_payload_bytes) {
    return InvalidArgumentError("multicast payload of " + std::to_string(payload.size()) +
                                " bytes; the limit is " +
                                std::to_string(config_.max_payload_bytes));
  }
  McPacket packet;
  packet.origin = self_;
  packet.incarnation = incarnation_;
  packet.seq = next_seq_++;
  packet.topic = topic;
  packet.ttl = config_.ttl;
  packet.payload = std::move(payload);
  ++stats_.sent;
  // The origin forwards in every tree itself (it is in each), and hands each extra tree to its
  // root, which forwards to the rest of its children (skipping the origin, which has it).
  std::vector<NodeId> roots = ExtraRoots(router);
  roots.insert(roots.begin(), self_);
  for (const NodeId& root : roots) {
    packet.root = root;
    if (root != self_) {
      out.Probe(kProbeMcExtraTree);
      SendOnLink(now, root, packet, router, out);
    }
    Forward(now, nullptr, packet, router, out);
  }
  return packet.seq;
}

std::vector<NodeId> Multicast::ExtraRoots(Router& router) {
  std::vector<NodeId> candidates;
  for (const NodeId& peer : router.OpenLinks()) {
    if (connected_.contains(peer)) candidates.push_back(peer);
  }
  rng_.Shuffle(candidates);
  if (candidates.size() > config_.extra_trees) candidates.resize(config_.extra_trees);
  return candidates;
}

bool Multicast::OnMessage(const Now& now, const NodeId& from, const Message& message,
                          Router& router, Effects& out) {
  if (const auto* packet = std::get_if<McPacket>(&message)) {
    OnPacket(now, from, *packet, router, out);
    return true;
  }
  if (const auto* ack = std::get_if<McAck>(&message)) {
    OnAck(now, from, *ack);
    return true;
  }
  return false;
}

void Multicast::OnPacket(const Now& now, const NodeId& from, const McPacket& packet,
                         Router& router, Effects& out) {
  // Acknowledge every copy, duplicates too: the ack of the first may have been lost.
  if (packet.hop_seq != 0) {
    out.Send(from, McAck{{packet.hop_seq}});
    ++stats_.acks_sent;
  }
  if (packet.origin != self_) {
    DeliveryWindow* window = WindowOf(packet.origin, router);
    if (window == nullptr) {
      out.Probe(kProbeMcOriginRefused);
      ++stats_.origins_refused;
      return;
    }
    switch (window->Accept(packet.incarnation, packet.seq)) {
      case DeliveryWindow::Verdict::kNew:
        if (topics_.contains(packet.topic)) {
          ++stats_.delivered;
          out.Emit(McDelivered{packet.origin, packet.incarnation, packet.seq, packet.topic,
                               packet.payload});
        } else {
          ++stats_.unsubscribed;
        }
        break;
      case DeliveryWindow::Verdict::kDuplicate:
        out.Probe(kProbeMcDuplicateDropped);
        ++stats_.duplicates;
        break;
      case DeliveryWindow::Verdict::kTooOld:
      case DeliveryWindow::Verdict::kOldIncarnation:
        out.Probe(kProbeMcStaleDropped);
        ++stats_.too_old;
        return;  // so old that forwarding it would only spread duplicates
    }
  }
  if (packet.ttl == 0) {
    out.Probe(kProbeMcTtlExpired);
    ++stats_.ttl_expired;
    return;
  }
  McPacket next = packet;
  --next.ttl;
  Forward(now, &from, std::move(next), router, out);
}

DeliveryWindow* Multicast::WindowOf(const NodeId& origin, const Router& router) {
  if (auto it = windows_.find(origin); it != windows_.end()) return &it->second;
  if (windows_.size() >= config_.max_origins) {
    std::erase_if(windows_, [&](const auto& entry) { return !router.graph().Find(entry.first); });
    if (windows_.size() >= config_.max_origins) return nullptr;
  }
  return &windows_[origin];
}

bool Multicast::MarkForwarded(const McPacket& packet) {
  const uint64_t key = CopyKey(packet);
  if (!forwarded_.insert(key).second) return false;
  forwarded_order_.push_back(key);
  if (forwarded_order_.size() > config_.forward_memory) {
    forwarded_.erase(forwarded_order_.front());
    forwarded_order_.pop_front();
  }
  return true;
}

std::optional<std::vector<NodeId>> Multicast::ChildrenIn(const NodeId& root, Router& router) {
  const ShortestPathTree* tree = router.Tree(root);
  const std::optional<Vertex> self = router.graph().Find(self_);
  if (tree == nullptr || !self || !tree->Reaches(*self)) return std::nullopt;
  return router.Children(root, self_);  // sorted: the send order must not hang on numbering
}

void Multicast::Forward(const Now& now, const NodeId* from, McPacket packet, Router& router,
                        Effects& out) {
  if (!MarkForwarded(packet)) return;
  std::optional<std::vector<NodeId>> children = ChildrenIn(packet.root, router);
  if (!children) {
    // This node's graph does not place it in that tree (yet): the graphs disagree here, so
    // no one can tell whose children are left. Every neighbour gets the copy; those whose
    // graphs place them in the tree forward along it, the others do the same. Each forwards
    // each (message, tree) once, so this spreads only as far as the disagreement does.
    out.Probe(kProbeMcOffTreeFlood);
    ++stats_.off_tree;
    for (const NodeId& peer : connected_) {
      if ((from != nullptr && peer == *from) || peer == packet.origin) continue;
      ++stats_.forwarded;
      SendOnLink(now, peer, packet, router, out);
    }
    return;
  }
  // Whoever sent us this copy has it already (a parent, or the origin handing a tree to its
  // root); the origin forwarded in every tree itself.
  std::erase_if(*children, [&](const NodeId& child) {
    return (from != nullptr && child == *from) || child == packet.origin;
  });
  SendToChildren(now, *children, packet, router, out);
  Remember(now, std::move(packet), std::move(*children), from);
}

void Multicast::SendToChildren(const Now& now, const std::vector<NodeId>& children,
                               const McPacket& packet, Router& router, Effects& out) {
  for (const NodeId& child : children) {
    if (!connected_.contains(child)) {
      // Its link is not up (yet, or any more): one copy over a short-lived connection, and
      // its children too, in case it is gone.
      ++stats_.unconnected_children;
      McPacket copy = packet;
      copy.hop_seq = 0;
      out.Send(child, std::move(copy), SendMode::kConnectFirst);
      Bypass(now, child, packet, router, out);
      continue;
    }
    ++stats_.forwarded;
    SendOnLink(now, child, packet, router, out);
  }
}

void Multicast::Remember(const Now& now, McPacket packet, std::vector<NodeId> sent_to,
                         const NodeId* from) {
  if (config_.repair_window <= Duration::zero()) return;
  if (from != nullptr) sent_to.push_back(*from);
  recent_bytes_ += packet.payload.size();
  recent_.push_back({now.mono + config_.repair_window, std::move(packet), std::move(sent_to)});
  while (!recent_.empty() && (recent_.size() > config_.repair_max_messages ||
                              recent_bytes_ > config_.repair_max_bytes)) {
    recent_bytes_ -= recent_.front().packet.payload.size();
    recent_.pop_front();
  }
}

void Multicast::OnGraphChanged(const Now& now, Router& router, Effects& out) {
  while (!recent_.empty() && recent_.front().until <= now.mono) {
    recent_bytes_ -= recent_.front().packet.payload.size();
    recent_.pop_front();
  }
  for (Recent& recent : recent_) {
    // Cheap unless the change altered this root's tree: the router keeps unaltered ones.
    std::optional<std::vector<NodeId>> children = ChildrenIn(recent.packet.root, router);
    if (!children) continue;
    std::vector<NodeId> fresh;
    for (const NodeId& child : *children) {
      if (child != recent.packet.origin &&
          std::find(recent.sent_to.begin(), recent.sent_to.end(), child) == recent.sent_to.end()) {
        fresh.push_back(child);
      }
    }
    if (fresh.empty()) continue;
    // A child this node's tree did not have when the copy went out: its old parent's graph
    // may already have moved it here, and then no one else sends it this copy.
    out.Probe(kProbeMcResentOnGraphChange);
    stats_.resent_on_change += fresh.size();
    SendToChildren(now, fresh, recent.packet, router, out);
    recent.sent_to.insert(recent.sent_to.end(), fresh.begin(), fresh.end());
  }
}

void Multicast::SendOnLink(const Now& now, const NodeId& peer, McPacket packet, Router& router,
                           Effects& out) {
  auto it = links_.find(peer);
  if (it == links_.end()) {
    // Each link instance numbers its copies in its own range (2^32 wide), so a late ack from
    // an earlier connection to the same peer cannot confirm a copy of this one.
    const uint64_t id = next_link_id_++;
    it = links_.emplace(peer, Link{id, LinkOutbox(config_.retransmit, (id << 32) | 1),
                                   std::nullopt})
             .first;
    link_by_id_.emplace(id, peer);
  }
  Link& link = it->second;
  std::optional<McPacket> evicted = link.outbox.Send(now.mono, packet);
  out.Send(peer, std::move(packet));
  ArmTimer(link, out);
  if (evicted) {
    out.Probe(kProbeMcCopyGivenUp);
    ++stats_.given_up;
    Bypass(now, peer, *evicted, router, out);
  }
}

void Multicast::Bypass(const Now& now, const NodeId& child, const McPacket& packet,
                       Router& router, Effects& out) {
  for (const NodeId& g : router.Children(packet.root, child)) {
    if (g == self_ || g == packet.origin) continue;
    ++stats_.bypassed;
    if (connected_.contains(g)) {
      SendOnLink(now, g, packet, router, out);
    } else {
      // Not a neighbour: one copy over a short-lived connection, without a hop ack (the ack
      // would need the connection to stay).
      McPacket copy = packet;
      copy.hop_seq = 0;
      out.Send(g, std::move(copy), SendMode::kConnectFirst);
    }
  }
}

void Multicast::ArmTimer(Link& link, Effects& out) {
  const std::optional<Instant> due = link.outbox.NextDue();
  if (!due) {
    if (link.timer_at) out.CancelTimer(RetransmitTimer(link.id));
    link.timer_at.reset();
    return;
  }
  if (link.timer_at && *link.timer_at <= *due) return;  // it fires first; the handler re-arms
  link.timer_at = *due;
  out.SetTimer(RetransmitTimer(link.id), *due);
}

void Multicast::OnAck(const Now& now, const NodeId& from, const McAck& ack) {
  auto it = links_.find(from);
  if (it == links_.end()) return;
  for (uint64_t hop_seq : ack.hop_seqs) it->second.outbox.Ack(now.mono, hop_seq);
  // The timer stays armed; when it fires early it finds nothing due and re-arms.
}

void Multicast::OnTimer(const Now& now, const TimerId& timer, Router& router, Effects& out) {
  if (timer.kind != static_cast<uint32_t>(MulticastTimer::kRetransmit)) return;
  auto id = link_by_id_.find(timer.key);
  if (id == link_by_id_.end()) return;
  const NodeId peer = id->second;
  Link& link = links_.at(peer);
  link.timer_at.reset();
  std::vector<McPacket> given_up;
  for (McPacket& packet : link.outbox.Due(now.mono, given_up)) {
    ++stats_.retransmitted;
    out.Send(peer, std::move(packet));
  }
  ArmTimer(link, out);
  stats_.given_up += given_up.size();
  for (const McPacket& packet : given_up) {
    out.Probe(kProbeMcCopyGivenUp);
    Bypass(now, peer, packet, router, out);
  }
}

void Multicast::OnConnection(const Now& now, const NodeId& peer, LinkState state,
                             Router& router, Effects& out) {
  if (state == LinkState::kUp) {
    connected_.insert(peer);
    return;
  }
  connected_.erase(peer);
  // Copies waiting for this peer's ack go around it: a new connection would start a new
  // numbering, and the peer may be gone for good.
  auto it = links_.find(peer);
  if (it == links_.end()) return;
  std::vector<McPacket> waiting = it->second.outbox.TakeAll();
  if (it->second.timer_at) out.CancelTimer(RetransmitTimer(it->second.id));
  link_by_id_.erase(it->second.id);
  links_.erase(it);
  stats_.given_up += waiting.size();
  for (const McPacket& packet : waiting) {
    out.Probe(kProbeMcCopyGivenUp);
    Bypass(now, peer, packet, router, out);
  }
}

size_t Multicast::unacked() const {
  size_t n = 0;
  for (const auto& [peer, link] : links_) n += link.outbox.unacked();
  return n;
}

}  // namespace lashup::routing

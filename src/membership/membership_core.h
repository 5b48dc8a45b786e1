// MembershipCore: the membership protocols of one node as a Core (src/core/core.h), for the
// simulator and, composed into the node core, for real nodes.
//
// Contract: deterministic and sans-IO like every core. It composes HyParView (the overlay) and
// GlobalMembership (every member's adjacency), feeds view changes into the local record, starts
// a digest exchange on every link that comes up, and runs the departition prober: now and then
// it asks a member or contact node that the table says is unreachable to become a neighbour, so
// that components formed at boot or by a healed partition merge without help. The failure
// detector monitors every active neighbour; a peer it declares failed leaves the active view
// (HyParView repairs), and a peer that another node's record drops is probed at once. The epoch
// is kept in storage (Column::kMeta, "membership/epoch") and grows at every start.
// Thread-compatible: one driver thread calls it.
#ifndef LASHUP_MEMBERSHIP_MEMBERSHIP_CORE_H_
#define LASHUP_MEMBERSHIP_MEMBERSHIP_CORE_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <set>
#include <vector>

#include "core/core.h"
#include "core/rng.h"
#include "membership/failure_detector.h"
#include "membership/global_membership.h"
#include "membership/hyparview.h"

namespace lashup::membership {

struct MembershipConfig {
  // Presets, like memberlist's: a data-centre LAN (the defaults), a WAN (slower, lossier links:
  // longer timeouts and intervals), and a cluster on one machine (loopback: shorter ones).
  // docs/membership.md lists the values.
  static MembershipConfig Lan();
  static MembershipConfig Wan();
  static MembershipConfig Local();

  std::vector<NodeId> contacts;
  HyParViewConfig hyparview;
  GlobalMembershipConfig global;
  FailureDetectorConfig failure_detector;
  // Departition prober: the first probe after a random delay in [first_probe, 2 * first_probe];
  // then every clamp(full_probe_period / 2 * (unreachable + 1) / reachable, min_probe_interval,
  // full_probe_period / 2), times a random factor in [1, 2): the reachable nodes together try
  // each unreachable one about once per full period, and no node probes more often than the
  // minimum interval.
  Duration first_probe = std::chrono::seconds(3);
  Duration min_probe_interval = std::chrono::seconds(6);
  // One minute (the original used ten): a healed partition must merge within seconds, and the
  // cost stays bounded by min_probe_interval per node, only while something is unreachable.
  Duration full_probe_period = std::chrono::minutes(1);
  // The views are saved (synced) at most this long after they change, for a fast rejoin after
  // a restart; coalescing keeps a burst of changes to one write.
  Duration save_views_delay = std::chrono::seconds(2);
  // A node that loses every neighbour at once (all its links crossed a cut between other
  // nodes, say) keeps announcing its old links this long while it reconnects, rather than
  // flashing unreachable across the cluster.
  Duration empty_view_grace = std::chrono::seconds(1);
  // A neighbour whose link broke while others still reach it (an asymmetric cut) stays in this
  // node's record until it has a new link (one both ends list, to a node it was not linked to
  // when the hold began), or this long: every node that lost its links to it at once would
  // otherwise make it unreachable cluster-wide until it has new neighbours. A dead or hung peer
  // is dropped at once, as before. (Only the stale records of its other old neighbours could
  // vouch for it earlier, and they are breaking too.)
  Duration hold_broken_link = std::chrono::seconds(10);
  // Changes of the active view within this window go out as one new record: a node's view
  // changes many times within milliseconds while a cluster forms, and each record floods the
  // whole cluster.
  Duration publish_delay = std::chrono::milliseconds(50);
};

enum class ProbeTimer : uint32_t {
  kDepartition = 100,
  kSaveViews = 101,
  kPublishEmpty = 102,
  kPublish = 103,
  kHoldExpiry = 104,
};

// Messages by kind (MessageKind names), for metrics.
struct MessageCounters {
  std::map<std::string, uint64_t, std::less<>> sent;
  std::map<std::string, uint64_t, std::less<>> received;
};

class MembershipCore final : public Core {
 public:
  MembershipCore(const CoreContext& context, MembershipConfig config);

  void Start(const Now& now, Effects& out) override;
  void OnMessage(const Now& now, const NodeId& from, const Message& message,
                 Effects& out) override;
  void OnTimer(const Now& now, TimerId timer, Effects& out) override;
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out) override;
  void CheckInvariants() const override;

  const HyParView& hyparview() const { return hyparview_; }
  const GlobalMembership& global() const { return global_; }
  const FailureDetector& failure_detector() const { return detector_; }
  // How many times the failure detector declared a neighbour failed.
  uint64_t peers_declared_failed() const { return peers_declared_failed_; }
  // How many links the failure detector found broken while their peer lived.
  uint64_t links_declared_broken() const { return links_declared_broken_; }
  // A peer no longer active whose link this node's record still lists (see hold_broken_link).
  struct Held {
    Instant until;
    std::vector<NodeId> old_links;  // the peer's links when the hold began (from the table)
  };
  const std::map<NodeId, Held>& held() const { return held_; }
  const MessageCounters& counters() const { return counters_; }

  // Replaces the contact nodes (persisted, used when the views run dry and by the prober).
  void SetContacts(const Now& now, std::vector<NodeId> contacts, Effects& out);
  uint64_t epoch() const { return epoch_; }

 private:
  // After every step that may change the views: publish them in the local record.
  void SyncViews(const Now& now, Effects& out);
  // Watches the connected active neighbours, and only them.
  void SyncMonitored(const Now& now, Effects& out);
  // Keeps the link to `peer`, which lives but can no longer be reached directly, in the record.
  void Hold(const Now& now, const NodeId& peer, Effects& out);
  // Releases held peers that have a new link (one they did not have when the hold began, listed
  // on both sides), that expired, or that are active again.
  void ReleaseHeld(const Now& now, Effects& out);
  bool HasNewLink(const NodeId& peer, const Held& held) const;
  // A new record within publish_delay.
  void PublishLater(const Now& now, Effects& out);
  // The peers the local record should list: the active view and the held peers.
  std::vector<NodeId> RecordPeers() const;
  // Emits member events, persists changed views and counts the step's sends.
  void Finish(const Now& now, size_t net_before, Effects& out);
  void Persist(Effects& out);
  // The contact nodes (but this one) help the failure detector's indirect probes.
  void SetVantagePoints();
  void Probe(const Now& now, Effects& out);
  void Publish(const Now& now, Effects& out);
  // The coalescing window ended: publish, or start the grace of an emptied view.
  void PublishSoon(const Now& now, Effects& out);

  MembershipConfig config_;
  Rng rng_;
  std::optional<uint64_t> recovered_epoch_;
  uint64_t epoch_ = 0;
  HyParView hyparview_;
  GlobalMembership global_;
  FailureDetector detector_;
  const NodeId self_;
  std::map<NodeId, Held> held_;
  uint64_t held_checked_generation_ = 0;
  uint64_t links_declared_broken_ = 0;
  // Peers whose connection is up, and the active ones among them that the detector watches:
  // a ping sent before the connection is up would be lost and count as a miss.
  std::set<NodeId> connected_;
  std::set<NodeId> monitored_;
  uint64_t peers_declared_failed_ = 0;
  MessageCounters counters_;
  std::vector<NodeId> recovered_views_;  // active then passive, as the last run saved them
  std::optional<std::vector<NodeId>> recovered_contacts_;
  bool views_dirty_ = false;
  // The peers the local record last announced, sorted, each with whether its link was held.
  std::vector<std::pair<NodeId, bool>> published_;
  bool save_pending_ = false;
  bool publish_pending_ = false;
};

// A factory for SimWorld::AddNode and the drivers.
CoreFactory MembershipCoreFactory(MembershipConfig config);

}  // namespace lashup::membership

#endif  // LASHUP_MEMBERSHIP_MEMBERSHIP_CORE_H_

// HyParView: the membership overlay (Leitão, Pereira, Rodrigues, DSN 2007), as a sans-IO
// component of the membership core.
//
// Contract: each node keeps a small *active view* of neighbours it holds open, monitored links
// with, and a larger *passive view* of nodes it knows to be members, used to replace active
// neighbours that fail. Links are symmetric: a node adds a peer to its active view only through
// an exchange the peer takes part in (join, neighbor request, the end of a forward-join walk),
// and drops one with a Disconnect message. Departures from the paper and from the original
// lashup are in docs/membership.md.
//
// The component is deterministic: randomness from the Rng it is given, time from `now`. It
// writes its wishes into `Effects` (sends, Connect/Disconnect of long-lived links, timers under
// Component::kHyParView) and reports view changes through TakeViewsChanged(). It is driven by
// the membership core, one call at a time.
#ifndef LASHUP_MEMBERSHIP_HYPARVIEW_H_
#define LASHUP_MEMBERSHIP_HYPARVIEW_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "core/core.h"
#include "core/effects.h"
#include "core/message.h"
#include "core/rng.h"
#include "lashup/types.h"

namespace lashup::membership {

struct HyParViewConfig {
  size_t active_size = 7;
  size_t passive_size = 42;
  uint32_t active_walk = 6;   // ARWL: hops of a forward-join walk
  uint32_t passive_walk = 3;  // PRWL: the hop at which the walk puts the joiner in the passive view
  // Shuffle: every `shuffle_interval` (jittered by half) a walk of `shuffle_walk` hops carries
  // this node plus `shuffle_active` active and `shuffle_passive` passive members.
  Duration shuffle_interval = std::chrono::seconds(10);
  uint32_t shuffle_walk = 5;
  size_t shuffle_active = 3;
  size_t shuffle_passive = 4;
  // Joining: wait this long (jittered) for an answer before asking another contact.
  Duration join_timeout = std::chrono::seconds(1);
  // A contact node accepts at most this many joins per second and redirects the rest.
  uint32_t joins_per_second = 20;
  // Replacing a lost active neighbour: the first request goes out after a random delay in
  // [repair_delay_min, repair_delay_max] (so the neighbours of a failed node do not all ask the
  // same passive members at once); one request is in flight at a time, each waits up to
  // `neighbor_timeout` for its answer.
  Duration repair_delay_min = std::chrono::milliseconds(10);
  Duration repair_delay_max = std::chrono::milliseconds(200);
  Duration neighbor_timeout = std::chrono::seconds(1);
  // While the active view is not full, ask again after about `repair_interval`; once it is at
  // least half full, the interval doubles after each round that found no room (full neighbours
  // refuse low-priority requests) up to `repair_interval_max`. Losing a neighbour starts again
  // from the shortest.
  Duration repair_interval = std::chrono::seconds(2);
  Duration repair_interval_max = std::chrono::seconds(60);
};

// Timer kinds of Component::kHyParView.
enum class HvTimer : uint32_t { kJoin = 1, kRepair = 2, kNeighborTimeout = 3, kShuffle = 4 };

class HyParView {
 public:
  HyParView(NodeId self, HyParViewConfig config, Rng rng);

  // Starts with `contacts` (self is ignored) and, on a restart, the views a previous run saved:
  // `known` goes to the passive view and is asked first.
  void Start(const Now& now, std::vector<NodeId> contacts, std::vector<NodeId> known,
             Effects& out);
  // Handles the Hv* messages; false for any other message.
  bool OnMessage(const Now& now, const NodeId& from, const Message& message, Effects& out);
  // Handles Component::kHyParView timers.
  void OnTimer(const Now& now, const TimerId& timer, Effects& out);
  // A long-lived link went down: an active neighbour is lost (its node may have crashed).
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out);
  // The failure detector declared `peer` failed.
  void OnPeerFailed(const Now& now, const NodeId& peer, Effects& out);
  // Asks `peer` to become an active neighbour with high priority (the departition prober).
  void RequestNeighbor(const Now& now, const NodeId& peer, Effects& out);
  // Contact nodes may change at run time; they are used when the views run dry.
  void SetContacts(std::vector<NodeId> contacts);
  // Nodes known some other way (the global membership table) fill free passive slots, so a node
  // whose walks and shuffles brought few candidates can still fill its active view. Starts a
  // repair if the active view has room.
  void OfferPassive(const Now& now, const std::vector<NodeId>& nodes, Effects& out);
  // How many links `node` has, as far as this node knows (its record in the global table). A
  // full view evicts a random neighbour among those with two or more, so a node with a single
  // link is not cut off.
  void SetDegreeHint(std::function<size_t(const NodeId&)> degree) { degree_ = std::move(degree); }

  const std::vector<NodeId>& active() const { return active_; }
  const std::vector<NodeId>& passive() const { return passive_; }
  const std::vector<NodeId>& contacts() const { return contacts_; }
  bool IsActive(const NodeId& peer) const;
  // True once since the last call if either view changed.
  bool TakeViewsChanged();
  // Aborts on a broken invariant: views disjoint, self in neither, sizes bounded, no duplicates.
  void CheckInvariants() const;

 private:
  struct Pending {
    NodeId peer;
    bool high_priority = false;
  };

  void OnJoin(const Now& now, const NodeId& from, Effects& out);
  void OnJoinReply(const Now& now, const NodeId& from, const HvJoinReply& reply, Effects& out);
  void OnForwardJoin(const Now& now, const NodeId& from, const HvForwardJoin& walk, Effects& out);
  void OnNeighbor(const Now& now, const NodeId& from, const HvNeighbor& request, Effects& out);
  void OnNeighborReply(const Now& now, const NodeId& from, const HvNeighborReply& reply,
                       Effects& out);
  void OnDisconnect(const Now& now, const NodeId& from, Effects& out);
  void OnShuffle(const Now& now, const NodeId& from, const HvShuffle& shuffle, Effects& out);
  void OnShuffleReply(const HvShuffleReply& reply);

  void SendJoin(const Now& now, const NodeId& contact, Effects& out);
  void RetryJoin(const Now& now, Effects& out);
  void Repair(const Now& now, Effects& out);
  void ScheduleRepair(const Now& now, Duration min_delay, Duration max_delay, Effects& out,
                      bool bring_forward = false);
  // The next periodic repair round, after the doubled interval.
  void BackOffRepair(const Now& now, Effects& out);
  void Shuffle(const Now& now, Effects& out);

  // Adds `peer` to the active view (evicting a neighbour when full) and asks for its link.
  void AddActive(const NodeId& peer, Effects& out);
  NodeId PickVictim();
  // Removes `peer` from the active view into the passive one; tells it when `notify`.
  void DropActive(const Now& now, const NodeId& peer, bool notify, Effects& out);
  void AddPassive(const NodeId& node, const std::vector<NodeId>* evict_first = nullptr);
  void MergePassive(const std::vector<NodeId>& nodes, const std::vector<NodeId>* evict_first);
  void RemovePassive(const NodeId& node);
  std::vector<NodeId> Sample(const std::vector<NodeId>& from, size_t k, const NodeId* skip);
  bool IsPassive(const NodeId& node) const;
  bool full() const { return active_.size() >= config_.active_size; }
  TimerId Timer(HvTimer kind) const { return {Component::kHyParView, static_cast<uint32_t>(kind), 0}; }

  const NodeId self_;
  const HyParViewConfig config_;
  Rng rng_;
  std::vector<NodeId> active_;
  std::vector<NodeId> passive_;
  std::vector<NodeId> contacts_;
  std::vector<NodeId> known_first_;  // saved views to try first after a restart
  std::optional<Pending> pending_;   // the neighbor request in flight
  bool repair_scheduled_ = false;
  Instant repair_at_;  // when the scheduled repair round fires
  Duration repair_backoff_{0};  // the current periodic repair interval
  static constexpr int kQuickRetries = 3;
  static constexpr size_t kAloneExtraRequests = 2;
  int refusals_in_row_ = 0;
  std::deque<Instant> recent_joins_;  // joins this node accepted in the last second
  std::vector<NodeId> last_shuffle_sent_;
  bool views_changed_ = false;
  std::function<size_t(const NodeId&)> degree_;
};

}  // namespace lashup::membership

#endif  // LASHUP_MEMBERSHIP_HYPARVIEW_H_

// GlobalMembership: every node's table of every member and its adjacency, built by gossip.
//
// Contract: each node owns one record, its active view as a list of links (with measured round
// trips), stamped with a version (epoch, counter): the epoch is persisted by the caller and grows
// at every start, the counter grows with every change. Newer versions win. A record that is new
// to a node is flooded to its active neighbours (but not back to where it came from), so a change
// reaches every node of the component in about its diameter of hops; duplicates stop at the
// version check. When a link comes up, each side sends a digest of the versions it holds and the
// other answers with what is newer or missing, so a node joining or a healed partition catches up
// in one exchange. Members not heard from for `forget_after` are dropped.
//
// Sans-IO and deterministic; driven by the membership core, which passes the current active
// neighbours into each call that may send.
#ifndef LASHUP_MEMBERSHIP_GLOBAL_MEMBERSHIP_H_
#define LASHUP_MEMBERSHIP_GLOBAL_MEMBERSHIP_H_

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/core.h"
#include "core/effects.h"
#include "core/message.h"
#include "lashup/types.h"

namespace lashup::membership {

struct GlobalMembershipConfig {
  // Each node re-announces its record this often, so others know it is still there.
  Duration refresh_interval = std::chrono::minutes(5);
  // Members not heard from (no newer record) for this long are forgotten.
  Duration forget_after = std::chrono::hours(24);
  Duration forget_check_interval = std::chrono::minutes(10);
  // Fresh records go out at once when none went out within this interval; otherwise they wait
  // for its end and leave together, one message per neighbour. A boot or a healed partition
  // makes thousands of records in a second: batched, they cost a few messages per neighbour
  // instead of one each, and a version superseded while waiting is never sent.
  Duration flood_interval = std::chrono::milliseconds(10);
};

enum class GmTimer : uint32_t { kRefresh = 1, kForget = 2, kFlood = 3 };

struct Member {
  GmVersion version;
  std::vector<GmLink> links;  // sorted by peer
  Instant last_heard;
};

// What changed in the table since the last TakeChanges().
struct MemberChanges {
  std::vector<NodeId> added;
  std::vector<NodeId> changed;
  std::vector<NodeId> removed;
  bool empty() const { return added.empty() && changed.empty() && removed.empty(); }
};

class GlobalMembership {
 public:
  GlobalMembership(NodeId self, GlobalMembershipConfig config);

  // `epoch` is this run's, larger than any earlier run's (the caller persists it).
  void Start(const Now& now, uint64_t epoch, Effects& out);
  // This node's links changed: a new version of its record goes to `neighbours`.
  void SetLocalLinks(const Now& now, std::vector<GmLink> links,
                     const std::vector<NodeId>& neighbours, Effects& out);
  // A link to `peer` came up: send it our digest.
  void OnLinkUp(const Now& now, const NodeId& peer, Effects& out);
  // Handles GmUpdate and GmDigest; false for other messages.
  bool OnMessage(const Now& now, const NodeId& from, const Message& message,
                 const std::vector<NodeId>& neighbours, Effects& out);
  void OnTimer(const Now& now, const TimerId& timer, const std::vector<NodeId>& neighbours,
               Effects& out);

  const std::map<NodeId, Member>& members() const { return members_; }
  // Members reachable from this node along the links of the table (directed), self included.
  std::set<NodeId> Reachable() const;
  MemberChanges TakeChanges();
  // Grows with every change to the table (a record stored, added or forgotten): a caller that
  // derives something from the table (reachability, routes) recomputes only when it moved.
  uint64_t generation() const { return generation_; }
  // Peers that newer records dropped from their members' links since the last call (the other
  // neighbours of such a peer check it at once).
  std::vector<NodeId> TakeRetired();
  // Bytes the table takes in memory, roughly (node ids, links, bookkeeping).
  size_t MemoryBytes() const;

 private:
  // Stores `record` if newer; true if it did. `out` only takes coverage probes.
  bool Apply(const Now& now, GmRecord record, Effects& out);
  // Queues `node`'s current record for the neighbours, except `from` (which sent it).
  void Queue(const NodeId& node, const NodeId* from);
  // Sends the queued records now, or arms the flood timer if the interval has not passed.
  void Flood(const Now& now, const std::vector<NodeId>& neighbours, Effects& out);
  void FloodNow(const Now& now, const std::vector<NodeId>& neighbours, Effects& out);
  GmRecord RecordOf(const NodeId& node, const Member& member) const;
  void BumpSelf(const Now& now, const std::vector<NodeId>& neighbours, Effects& out);

  const NodeId self_;
  const GlobalMembershipConfig config_;
  std::map<NodeId, Member> members_;
  MemberChanges changes_;
  std::vector<NodeId> retired_;
  uint64_t generation_ = 0;
  // Records waiting for the next flood: the version queued and the neighbours that sent us that
  // very version (they need not get it back).
  struct Queued {
    GmVersion version;
    std::vector<NodeId> holders;
  };
  std::map<NodeId, Queued> queued_;
  std::optional<Instant> last_flood_;
  bool flood_armed_ = false;
};

}  // namespace lashup::membership

#endif  // LASHUP_MEMBERSHIP_GLOBAL_MEMBERSHIP_H_

// AntiEntropy: repairs whatever deltas missed, by comparing KV digests with neighbours.
//
// Contract: a round with a neighbour walks both Merkle digests (merkle_digest.h) down to the
// buckets where they differ, lists those buckets' keys (key hash, state hash) and ships the full
// states that differ, both ways; joining is idempotent, so a state shipped twice or across a
// concurrent update does no harm. The messages (core/kv_messages.h) alternate between the two
// nodes: KvAeTree at levels 1, 2 and 3, then KvAeKeys, then KvAeStates (this node's differing
// states, and `want` for keys it lacks) and the answer: the wanted states and the joined state
// of every key where the join shows the first sender lacked something; a node says nothing when it finds no difference, so a round between
// nodes in sync costs one message of 16 hashes. The bytes follow the divergence: each differing
// key costs its path through the tree and its bucket's key list, never the whole key space.
// One round handles at most `max_keys_per_round` listed keys and ships at most
// `max_state_bytes_per_round` each way; a truncated round is followed at once by another, so a
// node that missed everything still catches up without overrunning a link's send queue. States
// go out in messages of at most `max_state_bytes_per_message` (a larger state goes alone).
// A node repairs with one peer at a time (repair_lease): rounds with others wait, so a node
// that comes back empty is not filled by every neighbour at once.
// Rounds start: with a neighbour whose link comes up; with one random neighbour every
// `interval` unless deltas are still arriving (the caller passes no neighbours then, see
// quiet_period); and `gap_delay` after a delta gap is reported (RequestSoon).
// Input from the network is checked (levels, indices, sort orders, keys, states); anything
// malformed is counted and dropped. Sans-IO and deterministic. Not thread-safe.
#ifndef LASHUP_KV_ANTI_ENTROPY_H_
#define LASHUP_KV_ANTI_ENTROPY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/effects.h"
#include "core/message.h"
#include "core/rng.h"
#include "kv/kv_store.h"

namespace lashup::kv {

struct AntiEntropyConfig {
  Duration interval = std::chrono::seconds(2);
  // A periodic round is skipped while deltas are changing this node's keys (one changed less
  // than this ago): it would find the deltas still under way and ship whole states for them.
  // Rounds on link-up and after gaps are never skipped.
  Duration quiet_period = std::chrono::milliseconds(500);
  Duration gap_delay = std::chrono::milliseconds(300);
  size_t max_keys_per_round = 8192;
  size_t max_state_bytes_per_message = size_t{1} << 20;
  // States one node sends in one step of a round (its list, or its answer), well below the
  // transport's send queue (16 MiB): what does not fit waits for the next round.
  size_t max_state_bytes_per_round = size_t{8} << 20;
  // One repair at a time: once a round with a peer finds a difference, this node works with
  // that peer only until the repair completes (its answer is sent or received) or, if the peer
  // goes quiet, until no message of theirs has come for this long. Other peers'
  // rounds go unanswered and none is started with them, so a node that comes back empty is
  // filled by one neighbour instead of by each whose link comes up.
  Duration repair_lease = std::chrono::seconds(1);
  // Test-only sabotage (lashup-chaos --sabotage no-anti-entropy): no round ever starts, so
  // deltas lost to faults stay lost. It exists to prove the chaos KV checker can fail; never
  // set it anywhere else.
  bool disabled_for_testing = false;
};

struct AntiEntropyStats {
  uint64_t rounds_started = 0;
  uint64_t in_sync = 0;           // tree messages that found no difference
  uint64_t buckets_differing = 0;
  uint64_t states_sent = 0;
  uint64_t states_received = 0;
  uint64_t keys_repaired = 0;     // received states that changed a key
  uint64_t truncated_rounds = 0;
  uint64_t deferred = 0;          // rounds not started or not answered during another repair
  uint64_t malformed = 0;
};

enum class AntiEntropyTimer : uint32_t { kPeriodic = 1, kSoon = 2 };

class AntiEntropy {
 public:
  AntiEntropy(AntiEntropyConfig config, uint64_t seed);

  void Start(const Now& now, Effects& out);
  // `neighbours`: the peers a round may pick from (connected active neighbours).
  void OnTimer(const Now& now, const TimerId& timer, const std::vector<NodeId>& neighbours,
               const KvStore& store, Effects& out);
  // Handles the KvAe* messages; false for others.
  bool OnMessage(Instant now, const NodeId& from, const Message& message, KvStore& store,
                 Effects& out);
  // Not while repairing with another peer (see repair_lease).
  void StartRound(Instant now, const NodeId& peer, const KvStore& store, Effects& out);
  // A round with a random neighbour `gap_delay` from now, unless one is already due sooner.
  void RequestSoon(const Now& now, Effects& out);

  const AntiEntropyStats& stats() const { return stats_; }

 private:
  void OnTree(Instant now, const NodeId& from, const KvAeTree& m, const KvStore& store,
              Effects& out);
  void OnKeys(Instant now, const NodeId& from, const KvAeKeys& m, const KvStore& store,
              Effects& out);
  void OnStates(Instant now, const NodeId& from, const KvAeStates& m, KvStore& store,
                Effects& out);
  // True while repairing with a peer other than `peer`.
  bool RepairingWithOther(Instant now, const NodeId& peer) const;
  void Repairing(Instant now, const NodeId& peer);
  // The repair with `peer` is complete: other peers may start theirs at once.
  void EndRepair(const NodeId& peer);
  void SendKeys(const NodeId& to, uint64_t session, const std::vector<uint32_t>& buckets,
                const KvStore& store, Effects& out);
  // Sends the states in chunks, the last message carrying `want`, up to
  // max_state_bytes_per_round in all; false if some states did not fit.
  bool SendStates(const NodeId& to, uint64_t session,
                  const std::vector<KvStore::Entries::const_iterator>& entries,
                  std::vector<uint64_t> want, bool answer, bool more, Effects& out);
  bool ValidKeys(const KvAeKeys& m) const;

  const AntiEntropyConfig config_;
  Rng rng_;
  bool soon_armed_ = false;
  // Rounds to continue when the wanted states of `session` have come back from the peer.
  std::map<NodeId, uint64_t> continue_after_;
  // Keys whose join came out different from the state a peer sent: they go back to it with the
  // answer, after the last message of its list.
  std::map<NodeId, std::set<std::string>> send_back_;
  std::optional<NodeId> repair_peer_;
  Instant repair_until_{};
  AntiEntropyStats stats_;
};

}  // namespace lashup::kv

#endif  // LASHUP_KV_ANTI_ENTROPY_H_

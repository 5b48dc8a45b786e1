// KvCore: the KV store of one node as a protocol component: local updates, delta replication
// over multicast, gap detection and anti-entropy. NodeCore composes it with membership,
// routing and multicast (it never calls them: it hands NodeCore the delta payloads to multicast
// and takes the neighbours it may talk to as arguments).
//
// Contract:
// - `Update` / `Delete` (kv_store.h) return the new value and a payload that NodeCore sends on
//   kKvTopic; the payload numbers the delta (per incarnation, from 1, no gaps).
// - `OnDelivered` joins a delta from another node. A malformed payload is counted and dropped.
//   A delta that runs ahead of its origin's numbering is a possible gap: if it is still open
//   `gap_delay` later, an anti-entropy round repairs it; so does the periodic round, which also
//   covers deltas whose multicast gave up. Nothing received is ever dropped for lack of room.
// - Anti-entropy rounds start on link-up, periodically (once no delta changed a key for
//   quiet_period, or after four skipped rounds) and after gaps (anti_entropy.h).
// - A delta whose key breaks this node's key limits is refused like a malformed one, the same
//   rule anti-entropy applies.
// - Unsynced remote changes are synced within remote_sync_interval.
// Sans-IO and deterministic. Not thread-safe.
#ifndef LASHUP_KV_KV_CORE_H_
#define LASHUP_KV_KV_CORE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "core/core.h"
#include "kv/anti_entropy.h"
#include "kv/kv_store.h"
#include "kv/origin_tracker.h"

namespace lashup::kv {

// The multicast topic of KV deltas.
inline constexpr char kKvTopic[] = "lashup/kv";

struct KvConfig {
  KvStoreConfig store;
  AntiEntropyConfig anti_entropy;
  // Local updates fail with kResourceExhausted while more multicast copies than this wait for
  // acknowledgement: the network is not keeping up, and the writer should slow down.
  size_t max_unacked_copies = 16384;
  // Remote changes are written unsynced (KvStoreConfig::remote_durability); a sync follows
  // within this time, so a machine crash loses at most this much of them (and anti-entropy
  // brings that back).
  Duration remote_sync_interval = std::chrono::seconds(1);
};

enum class KvTimer : uint32_t { kSync = 1 };

struct KvCoreStats {
  uint64_t deltas_sent = 0;
  uint64_t deltas_received = 0;
  uint64_t deltas_malformed = 0;
  uint64_t gaps_seen = 0;
  uint64_t gap_rounds = 0;
  uint64_t refused_busy = 0;  // local updates refused with kResourceExhausted
};

class KvCore {
 public:
  struct Outcome {
    crdt::MapValue value;
    std::vector<uint8_t> payload;  // to multicast on kKvTopic
  };

  KvCore(const CoreContext& context, KvConfig config);

  void Start(const Now& now, Effects& out);
  // `unacked_copies`: the multicast's current backlog, for back-pressure.
  Result<Outcome> Update(const Now& now, const KeyPath& key, const std::vector<crdt::MapOp>& ops,
                         const std::optional<crdt::VersionVector>& expected,
                         size_t unacked_copies, Effects& out);
  Result<Outcome> Delete(const Now& now, const KeyPath& key,
                         const std::optional<crdt::VersionVector>& observed,
                         size_t unacked_copies, Effects& out);
  void OnDelivered(const Now& now, const McDelivered& delivered, Effects& out);
  bool OnMessage(const Now& now, const NodeId& from, const Message& message, Effects& out);
  void OnTimer(const Now& now, const TimerId& timer, const std::vector<NodeId>& neighbours,
               Effects& out);
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out);
  void ForgetOrigin(const NodeId& origin) { tracker_.Forget(origin); }

  const KvStore& store() const { return store_; }
  KvStore& mutable_store() { return store_; }
  const AntiEntropy& anti_entropy() const { return anti_entropy_; }
  const KvCoreStats& stats() const { return stats_; }

 private:
  Result<Outcome> Ship(Result<KvStore::UpdateResult> result, const KeyPath& key);
  Status CheckBacklog(size_t unacked_copies);
  // A key changed now: periodic rounds wait, and unsynced remote changes get a sync soon.
  void Changed(const Now& now, bool remote, Effects& out);

  const NodeId self_;
  const uint64_t seed_;
  const KvConfig config_;
  KvStore store_;
  AntiEntropy anti_entropy_;
  OriginTracker tracker_;
  uint64_t next_seq_ = 1;
  std::optional<Instant> last_change_;
  static constexpr int kMaxQuietSkips = 4;
  int skipped_rounds_ = 0;
  bool sync_armed_ = false;
  KvCoreStats stats_;
};

}  // namespace lashup::kv

#endif  // LASHUP_KV_KV_CORE_H_

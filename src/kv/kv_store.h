// KvStore: the KV store's state on one node: every key's CRDT map, its digest, its persistence.
//
// Contract:
// - A key (key_path.h) holds a crdt::Map. `Update` applies an operation list to it atomically
//   (all or nothing, crdt/map.h), persists the new state (value and causal context in one Put,
//   so one write batch) with `local_durability`, and returns the new value and the delta to
//   ship. With `expected`, it is a compare-and-set on the key's version vector (the summary of
//   its causal context, as `Raw` returns it): any other vector fails with kAborted and changes
//   nothing; a key without fields is at the empty vector. An op list that changes nothing
//   writes nothing. `Delete` removes every field the caller observed (the given vector, or
//   everything the key holds now); updates the caller had not seen survive, as the map's rules
//   say. `max_value_bytes` refuses updates that grow a key beyond it, not ones that shrink it.
// - `Join` merges a state or delta from another node (already decoded, so already validated)
//   and persists with `remote_durability` if anything changed.
// - A key whose map has no fields is absent for `Value`, `Raw` and `Keys`, but its causal
//   context stays (a tombstone): forgetting it would let old dots come back through a join.
// - Every change updates the Merkle digest (anti-entropy's view) and reports the new value to
//   the subscriptions whose prefix matches (a KvChanged event); a new subscription first gets
//   every matching key (snapshot events).
// - Dots: all local updates use this node's actor id (`Start`). It is kept across restarts only
//   if local writes are synced and every stored key loaded; otherwise (and on an empty store)
//   the node takes a fresh random actor, so its new dots can never collide with dots it made
//   before and the cluster has seen. An actor is stored only while local writes are synced.
// Everything lives in memory (loaded once from `recovered`); storage is written through.
// Sans-IO and deterministic. Not thread-safe.
#ifndef LASHUP_KV_KV_STORE_H_
#define LASHUP_KV_KV_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/effects.h"
#include "core/persistence.h"
#include "crdt/encoding.h"
#include "kv/key_path.h"
#include "kv/merkle_digest.h"
#include "lashup/crdt/hybrid_clock.h"
#include "lashup/crdt/map.h"
#include "lashup/crdt/version_vector.h"
#include "lashup/status.h"

namespace lashup::kv {

struct KvStoreConfig {
  KeyLimits key_limits;
  // Largest encoded state (value and causal context) a local update may leave.
  size_t max_value_bytes = size_t{1} << 20;
  Durability local_durability = Durability::kSync;
  // Remote states are still on the nodes that sent them: a crash that loses them here is
  // repaired by anti-entropy.
  Durability remote_durability = Durability::kBuffered;
  // For states and deltas from other nodes.
  crdt::DecodeLimits decode_limits{.max_bytes = size_t{4} << 20};
};

// A key's value with its version vector, for read-modify-write and compare-and-set.
struct RawValue {
  crdt::MapValue value;
  crdt::VersionVector version;
};

struct KvStoreStats {
  uint64_t local_updates = 0;
  uint64_t remote_joins = 0;      // joins that changed a key
  uint64_t remote_no_change = 0;  // joins of what this node already had
  uint64_t load_failures = 0;     // stored keys that did not decode at load
};

class KvStore {
 public:
  struct Entry {
    crdt::Map map;
    uint64_t key_hash = 0;
    uint64_t state_hash = 0;
    size_t state_bytes = 0;
  };
  using Entries = std::map<std::string, Entry, std::less<>>;  // by encoded key

  struct UpdateResult {
    crdt::MapValue value;
    std::string delta;     // crdt::Encode of the delta; empty when nothing changed
    bool changed = false;  // false: the ops changed nothing, nothing was written
  };

  KvStore(const StorageReader* recovered, KvStoreConfig config);

  // Chooses the actor (see the contract); `entropy` seeds a fresh one.
  void Start(uint64_t entropy, Effects& out);
  bool started() const { return started_; }
  crdt::ActorId actor() const { return actor_; }

  Result<UpdateResult> Update(const Now& now, const KeyPath& key,
                              const std::vector<crdt::MapOp>& ops,
                              const std::optional<crdt::VersionVector>& expected, Effects& out);
  Result<UpdateResult> Delete(const Now& now, const KeyPath& key,
                              const std::optional<crdt::VersionVector>& observed, Effects& out);
  // kNotFound when the key has no fields.
  Result<crdt::MapValue> Value(const KeyPath& key) const;
  Result<RawValue> Raw(const KeyPath& key) const;
  // Keys with fields under `prefix` (empty: all), in key order.
  Result<std::vector<KeyPath>> Keys(const KeyPath& prefix) const;

  // Joins `state` into the key; true if that changed it.
  bool Join(const std::string& encoded_key, crdt::Map state, Effects& out);

  Result<uint64_t> Subscribe(const KeyPath& prefix, Effects& out);
  void Unsubscribe(uint64_t id) { subscriptions_.erase(id); }

  const MerkleDigest& digest() const { return digest_; }
  // The entries whose key hash falls in `bucket`, by key hash.
  std::vector<Entries::const_iterator> InBucket(uint32_t bucket) const;
  // The entries with this key hash (several only after a 64-bit collision).
  std::vector<Entries::const_iterator> WithKeyHash(uint64_t key_hash) const;
  const Entries& entries() const { return entries_; }
  const KvStoreConfig& config() const { return config_; }
  const KvStoreStats& stats() const { return stats_; }

 private:
  void Load(const StorageReader& recovered);
  Entries::iterator FindOrAdd(const std::string& encoded_key);
  // Records a changed entry: digest, storage, subscriptions.
  void Commit(Entries::iterator it, std::string state, Durability durability, Effects& out);
  Result<UpdateResult> ApplyOps(const Now& now, Entries::iterator it,
                                const std::vector<crdt::MapOp>& ops, Effects& out);
  void Notify(const std::string& encoded_key, const Entry& entry, Effects& out) const;

  const KvStoreConfig config_;
  bool started_ = false;
  bool keep_actor_ = false;  // the stored actor may be reused (see the contract)
  std::optional<crdt::ActorId> stored_actor_;
  crdt::ActorId actor_;
  crdt::HybridClock clock_;
  Entries entries_;
  std::multimap<uint64_t, Entries::iterator> by_hash_;
  MerkleDigest digest_;
  std::map<uint64_t, std::string> subscriptions_;  // id -> encoded prefix
  uint64_t next_subscription_ = 1;
  KvStoreStats stats_;
};

// Where the store keeps its actor id (Column::kMeta).
inline constexpr char kActorKey[] = "kv/actor";

}  // namespace lashup::kv

#endif  // LASHUP_KV_KV_STORE_H_

#include "kv/kv_store.h"

#include <cstring>
#include <utility>

#include "core/coverage_probes.h"
#include "core/rng.h"

namespace lashup::kv {
namespace {

std::string ActorBytes(crdt::ActorId actor) {
  std::string out(8, '\0');
  const uint64_t v = actor.value();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

std::optional<crdt::ActorId> ParseActor(const std::string& bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  if (v == 0) return std::nullopt;
  return crdt::ActorId(v);
}

bool HasPrefix(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

KvStore::KvStore(const StorageReader* recovered, KvStoreConfig config)
    : config_(std::move(config)) {
  if (recovered != nullptr) Load(*recovered);
}

void KvStore::Load(const StorageReader& recovered) {
  if (auto bytes = recovered.Get(Column::kMeta, kActorKey)) stored_actor_ = ParseActor(*bytes);
  for (auto& [key, state] : recovered.Scan(Column::kKv, "")) {
    // Our own bytes: no size limit beyond the decoder's own checks.
    Result<crdt::Map> map = crdt::DecodeMap(state, crdt::DecodeLimits{
                                                       .max_bytes = state.size(),
                                                       .max_entries = state.size()});
    if (!map.ok() || !DecodeKey(key).ok()) {
      // Its dots may be this actor's: a fresh actor keeps new ones unique. Anti-entropy brings
      // the key back from the other nodes.
      ++stats_.load_failures;
      continue;
    }
    auto it = FindOrAdd(key);
    it->second.map = std::move(map).value();
    it->second.state_hash = Hash64(state);
    it->second.state_bytes = state.size();
    digest_.Add(it->second.key_hash, MerkleDigest::Term(it->second.key_hash, it->second.state_hash));
  }
  keep_actor_ = stored_actor_.has_value() && stats_.load_failures == 0 &&
                config_.local_durability == Durability::kSync;
}

void KvStore::Start(uint64_t entropy, Effects& out) {
  if (keep_actor_) {
    actor_ = *stored_actor_;
  } else {
    uint64_t value = Mix64(entropy);
    if (value == 0) value = 1;
    actor_ = crdt::ActorId(value);
    // Not a first start: storage held an earlier run's actor or keys.
    if (stored_actor_.has_value() || !entries_.empty() || stats_.load_failures > 0) {
      out.Probe(kProbeKvActorReplaced);
    }
    // Kept only when local writes are synced: an actor whose unsynced dots a crash may lose
    // must never be picked up again, even by a later start with synced writes.
    WriteBatch batch;
    if (config_.local_durability == Durability::kSync) {
      batch.Put(Column::kMeta, kActorKey, ActorBytes(actor_));
    } else {
      batch.Delete(Column::kMeta, kActorKey);
    }
    out.Persist(std::move(batch), Durability::kSync);
  }
  started_ = true;
}

KvStore::Entries::iterator KvStore::FindOrAdd(const std::string& encoded_key) {
  auto [it, inserted] = entries_.try_emplace(encoded_key);
  if (inserted) {
    it->second.key_hash = Hash64(encoded_key);
    by_hash_.emplace(it->second.key_hash, it);
  }
  return it;
}

void KvStore::Commit(Entries::iterator it, std::string state, Durability durability,
                     Effects& out) {
  Entry& entry = it->second;
  const uint64_t state_hash = Hash64(state);
  if (entry.state_bytes != 0) {
    digest_.Remove(entry.key_hash, MerkleDigest::Term(entry.key_hash, entry.state_hash));
  }
  entry.state_hash = state_hash;
  entry.state_bytes = state.size();
  digest_.Add(entry.key_hash, MerkleDigest::Term(entry.key_hash, state_hash));
  WriteBatch batch;
  batch.Put(Column::kKv, it->first, std::move(state));
  out.Persist(std::move(batch), durability);
  Notify(it->first, entry, out);
}

void KvStore::Notify(const std::string& encoded_key, const Entry& entry, Effects& out) const {
  std::vector<uint64_t> matching;
  for (const auto& [id, prefix] : subscriptions_) {
    if (HasPrefix(encoded_key, prefix)) matching.push_back(id);
  }
  if (matching.empty()) return;
  KvChanged event;
  event.subscriptions = std::move(matching);
  event.key = DecodeKey(encoded_key).value();
  event.value = entry.map.value();
  out.Emit(std::move(event));
}

Result<KvStore::UpdateResult> KvStore::ApplyOps(const Now& now, Entries::iterator it,
                                                const std::vector<crdt::MapOp>& ops,
                                                Effects& out) {
  // On a copy: a result over max_value_bytes must leave the key as it was.
  crdt::Map candidate = it->second.map;
  const crdt::ApplyOptions options{.actor = actor_, .clock = &clock_, .now = now.wall};
  LASHUP_ASSIGN_OR_RETURN(crdt::Map delta, candidate.Apply(ops, options));
  if (delta.IsBottom()) {
    // Nothing changed (say, a remove under a context that covers nothing here).
    return UpdateResult{it->second.map.value(), {}, /*changed=*/false};
  }
  std::string state = crdt::Encode(candidate);
  // Only growth is refused: an update that shrinks an oversized key (after concurrent growth
  // elsewhere) must still go through.
  if (state.size() > config_.max_value_bytes && state.size() > it->second.state_bytes) {
    return FailedPreconditionError("the update would make the value " +
                                   std::to_string(state.size()) + " bytes encoded; at most " +
                                   std::to_string(config_.max_value_bytes) +
                                   " allowed (remove fields or elements first)");
  }
  it->second.map = std::move(candidate);
  ++stats_.local_updates;
  UpdateResult result{it->second.map.value(), crdt::Encode(delta), /*changed=*/true};
  Commit(it, std::move(state), config_.local_durability, out);
  return result;
}

Result<KvStore::UpdateResult> KvStore::Update(const Now& now, const KeyPath& key,
                                              const std::vector<crdt::MapOp>& ops,
                                              const std::optional<crdt::VersionVector>& expected,
                                              Effects& out) {
  if (!started_) return FailedPreconditionError("the KV store has not started");
  LASHUP_RETURN_IF_ERROR(ValidateKey(key, config_.key_limits));
  if (ops.empty()) return InvalidArgumentError("an update needs at least one operation");
  const std::string encoded = EncodeKey(key);
  auto found = entries_.find(encoded);
  if (expected.has_value()) {
    // A key without fields (never written, or deleted) is at the empty version, as Raw's
    // kNotFound suggests.
    const crdt::VersionVector current = found == entries_.end() || found->second.map.empty()
                                            ? crdt::VersionVector()
                                            : found->second.map.context().Summary();
    if (current != *expected) {
      out.Probe(kProbeKvUpdateIfConflict);
      return AbortedError("key " + KeyToString(key) + " is at version " + current.ToString() +
                          ", not the expected " + expected->ToString() +
                          " (read it again and retry)");
    }
  }
  const bool is_new = found == entries_.end();
  auto it = is_new ? FindOrAdd(encoded) : found;
  Result<UpdateResult> result = ApplyOps(now, it, ops, out);
  if (is_new && (!result.ok() || !result->changed)) {
    auto [lo, hi] = by_hash_.equal_range(it->second.key_hash);
    for (auto h = lo; h != hi; ++h) {
      if (h->second == it) {
        by_hash_.erase(h);
        break;
      }
    }
    entries_.erase(it);
  }
  return result;
}

Result<KvStore::UpdateResult> KvStore::Delete(const Now& now, const KeyPath& key,
                                              const std::optional<crdt::VersionVector>& observed,
                                              Effects& out) {
  if (!started_) return FailedPreconditionError("the KV store has not started");
  LASHUP_RETURN_IF_ERROR(ValidateKey(key, config_.key_limits));
  auto it = entries_.find(EncodeKey(key));
  if (it == entries_.end() || it->second.map.empty()) {
    return NotFoundError("key " + KeyToString(key) + " does not exist");
  }
  const crdt::CausalContext seen = observed.has_value() ? crdt::CausalContext(*observed)
                                                        : it->second.map.context();
  std::vector<crdt::MapOp> ops;
  for (const crdt::MapEntry& field : it->second.map.value().entries) {
    ops.push_back(crdt::ops::RemoveField(field.key.name, field.key.type, seen));
  }
  return ApplyOps(now, it, ops, out);
}

Result<crdt::MapValue> KvStore::Value(const KeyPath& key) const {
  LASHUP_ASSIGN_OR_RETURN(RawValue raw, Raw(key));
  return std::move(raw.value);
}

Result<RawValue> KvStore::Raw(const KeyPath& key) const {
  LASHUP_RETURN_IF_ERROR(ValidateKey(key, config_.key_limits));
  auto it = entries_.find(EncodeKey(key));
  if (it == entries_.end() || it->second.map.empty()) {
    return NotFoundError("key " + KeyToString(key) + " does not exist");
  }
  return RawValue{it->second.map.value(), it->second.map.context().Summary()};
}

Result<std::vector<KeyPath>> KvStore::Keys(const KeyPath& prefix) const {
  LASHUP_RETURN_IF_ERROR(ValidatePrefix(prefix, config_.key_limits));
  const std::string encoded = EncodeKey(prefix);
  std::vector<KeyPath> keys;
  for (auto it = entries_.lower_bound(encoded);
       it != entries_.end() && HasPrefix(it->first, encoded); ++it) {
    if (!it->second.map.empty()) keys.push_back(DecodeKey(it->first).value());
  }
  return keys;
}

bool KvStore::Join(const std::string& encoded_key, crdt::Map state, Effects& out) {
  const bool is_new = entries_.find(encoded_key) == entries_.end();
  if (is_new && state.IsBottom()) return false;
  auto it = FindOrAdd(encoded_key);
  it->second.map.Join(std::move(state));
  std::string bytes = crdt::Encode(it->second.map);
  if (!is_new && Hash64(bytes) == it->second.state_hash) {
    ++stats_.remote_no_change;
    return false;
  }
  ++stats_.remote_joins;
  Commit(it, std::move(bytes), config_.remote_durability, out);
  return true;
}

Result<uint64_t> KvStore::Subscribe(const KeyPath& prefix, Effects& out) {
  LASHUP_RETURN_IF_ERROR(ValidatePrefix(prefix, config_.key_limits));
  const uint64_t id = next_subscription_++;
  const std::string encoded = EncodeKey(prefix);
  subscriptions_.emplace(id, encoded);
  for (auto it = entries_.lower_bound(encoded);
       it != entries_.end() && HasPrefix(it->first, encoded); ++it) {
    if (it->second.map.empty()) continue;
    KvChanged event;
    event.subscriptions = {id};
    event.key = DecodeKey(it->first).value();
    event.value = it->second.map.value();
    event.snapshot = true;
    out.Emit(std::move(event));
  }
  return id;
}

std::vector<KvStore::Entries::const_iterator> KvStore::InBucket(uint32_t bucket) const {
  std::vector<Entries::const_iterator> out;
  const uint64_t lo = static_cast<uint64_t>(bucket) << 52;
  for (auto it = by_hash_.lower_bound(lo);
       it != by_hash_.end() && MerkleDigest::BucketOf(it->first) == bucket; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<KvStore::Entries::const_iterator> KvStore::WithKeyHash(uint64_t key_hash) const {
  std::vector<Entries::const_iterator> out;
  auto [lo, hi] = by_hash_.equal_range(key_hash);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

}  // namespace lashup::kv

// MerkleDigest: a fixed-shape hash tree over the keys of a KV store, for anti-entropy.
//
// Contract: every key contributes one 64-bit term, Term(key_hash, state_hash), to the leaf
// bucket its key hash falls in (the top 12 bits: 4,096 buckets). A node's hash is the sum
// (mod 2^64) of the terms below it, so adding, changing or removing a key costs one update per
// level (4 levels: the root, 16, 256 and 4,096 nodes). Two stores with the same keys in the same
// states have equal hashes everywhere; a difference shows up along the path to its bucket, so
// two replicas find their differing buckets by comparing 16 hashes per differing node, and the
// bytes they exchange follow the divergence, not the number of keys. Terms are mixed hashes, so
// different contents give equal sums only by a 2^-64 accident. Not thread-safe.
#ifndef LASHUP_KV_MERKLE_DIGEST_H_
#define LASHUP_KV_MERKLE_DIGEST_H_

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lashup::kv {

// A 64-bit hash of `bytes` (not cryptographic: peers are authenticated by mutual TLS).
uint64_t Hash64(std::string_view bytes);

class MerkleDigest {
 public:
  static constexpr uint32_t kFanout = 16;
  static constexpr uint32_t kLeafLevel = 3;
  static constexpr uint32_t kBuckets = 4096;  // kFanout ^ kLeafLevel

  MerkleDigest();

  static uint32_t BucketOf(uint64_t key_hash) { return static_cast<uint32_t>(key_hash >> 52); }
  static uint64_t Term(uint64_t key_hash, uint64_t state_hash);
  // Nodes at `level` (0 is the root).
  static uint32_t NodesAt(uint32_t level);

  void Add(uint64_t key_hash, uint64_t term);
  void Remove(uint64_t key_hash, uint64_t term);
  // Requires level <= kLeafLevel and index < NodesAt(level).
  uint64_t Hash(uint32_t level, uint32_t index) const { return levels_[level][index]; }

 private:
  void AddToPath(uint64_t key_hash, uint64_t amount);

  std::array<std::vector<uint64_t>, kLeafLevel + 1> levels_;
};

}  // namespace lashup::kv

#endif  // LASHUP_KV_MERKLE_DIGEST_H_

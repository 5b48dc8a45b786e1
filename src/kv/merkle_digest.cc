#include "kv/merkle_digest.h"

#include <cstring>

#include "core/rng.h"

namespace lashup::kv {

uint64_t Hash64(std::string_view bytes) {
  uint64_t h = 0x6c617368'75706b76ULL;  // "lashupkv"
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, bytes.data() + i, 8);
    h = Mix64(h ^ chunk);
  }
  uint64_t tail = 0;
  if (i < bytes.size()) std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  return Mix64(Mix64(h ^ tail) ^ bytes.size());
}

MerkleDigest::MerkleDigest() {
  for (uint32_t level = 0; level <= kLeafLevel; ++level) levels_[level].assign(NodesAt(level), 0);
}

uint64_t MerkleDigest::Term(uint64_t key_hash, uint64_t state_hash) {
  return Mix64(key_hash ^ Mix64(state_hash + 0x9e3779b97f4a7c15ULL));
}

uint32_t MerkleDigest::NodesAt(uint32_t level) {
  uint32_t n = 1;
  for (uint32_t i = 0; i < level; ++i) n *= kFanout;
  return n;
}

void MerkleDigest::Add(uint64_t key_hash, uint64_t term) { AddToPath(key_hash, term); }

void MerkleDigest::Remove(uint64_t key_hash, uint64_t term) { AddToPath(key_hash, 0 - term); }

void MerkleDigest::AddToPath(uint64_t key_hash, uint64_t amount) {
  uint32_t index = BucketOf(key_hash);
  for (uint32_t level = kLeafLevel + 1; level-- > 0;) {
    levels_[level][index] += amount;
    index /= kFanout;
  }
}

}  // namespace lashup::kv

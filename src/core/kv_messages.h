// The KV store's anti-entropy messages (src/kv/anti_entropy.h): two neighbours walk down their
// Merkle digests (kv/merkle_digest.h) to the buckets where they differ, list those buckets'
// keys, and ship the states that differ. Deltas of local updates travel as multicast payloads
// instead (kv/delta_payload.h). Plain structs, alternatives of `Message`; the wire form is in
// src/wire/lashup.capnp, and docs/kv.md says when each is sent.
#ifndef LASHUP_CORE_KV_MESSAGES_H_
#define LASHUP_CORE_KV_MESSAGES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lashup {

// The sender's digest hashes for `nodes` at `level` (1..3; 3 is the leaf buckets). The
// receiver answers with the next level's hashes under the nodes that differ, or at the leaf
// level with KvAeKeys for the differing buckets; it says nothing when none differ.
struct KvAeTree {
  uint64_t session = 0;
  uint32_t level = 0;
  std::vector<uint32_t> nodes;   // increasing
  std::vector<uint64_t> hashes;  // one per node
  friend bool operator==(const KvAeTree&, const KvAeTree&) = default;
};

// Every key the sender holds in `buckets`: its key hash and state hash (parallel lists sorted by
// key hash). `truncated`: more buckets differed than one message carries; another round follows.
struct KvAeKeys {
  uint64_t session = 0;
  std::vector<uint32_t> buckets;  // increasing
  std::vector<uint64_t> key_hashes;
  std::vector<uint64_t> state_hashes;
  bool truncated = false;
  friend bool operator==(const KvAeKeys&, const KvAeKeys&) = default;
};

// Full states (a key's encoded path and its encoded map, crdt/encoding.h) for the receiver to
// join, and the key hashes whose states the sender wants. A long list comes in several messages;
// `last` marks the final one, which carries `want`. The receiver of a list that is not itself an
// `answer` always answers (possibly with nothing): the wanted states, and its joined state of
// every key whose join came out different from what it was sent (it had something the sender
// lacked).
struct KvAeStates {
  uint64_t session = 0;
  std::vector<std::string> keys;
  std::vector<std::string> states;
  std::vector<uint64_t> want;
  bool last = true;
  bool answer = false;
  // On a list: the sender starts another round once the answer is in (its list or the keys
  // it was sent were cut short), so an answer cut short needs no round of its own.
  bool more = false;
  friend bool operator==(const KvAeStates&, const KvAeStates&) = default;
};

}  // namespace lashup

#endif  // LASHUP_CORE_KV_MESSAGES_H_

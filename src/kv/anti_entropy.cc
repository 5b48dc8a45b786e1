#include "kv/anti_entropy.h"

#include <algorithm>
#include <utility>

#include "core/coverage_probes.h"
#include "crdt/encoding.h"

namespace lashup::kv {
namespace {

constexpr TimerId kPeriodicTimer{Component::kAntiEntropy,
                                 static_cast<uint32_t>(AntiEntropyTimer::kPeriodic), 0};
constexpr TimerId kSoonTimer{Component::kAntiEntropy,
                             static_cast<uint32_t>(AntiEntropyTimer::kSoon), 0};

template <typename T>
bool StrictlyIncreasing(const std::vector<T>& values) {
  return std::adjacent_find(values.begin(), values.end(), std::greater_equal<T>()) ==
         values.end();
}

}  // namespace

AntiEntropy::AntiEntropy(AntiEntropyConfig config, uint64_t seed)
    : config_(config), rng_(seed) {}

void AntiEntropy::Start(const Now& now, Effects& out) {
  // Spread over the interval so that nodes started together do not run rounds in step.
  out.SetTimer(kPeriodicTimer, now.mono + Duration(rng_.Uniform(config_.interval.count()) + 1));
}

void AntiEntropy::RequestSoon(const Now& now, Effects& out) {
  if (soon_armed_) return;
  soon_armed_ = true;
  out.SetTimer(kSoonTimer, now.mono + config_.gap_delay);
}

void AntiEntropy::OnTimer(const Now& now, const TimerId& timer,
                          const std::vector<NodeId>& neighbours, const KvStore& store,
                          Effects& out) {
  if (timer == kPeriodicTimer) {
    out.SetTimer(kPeriodicTimer, now.mono + config_.interval);
  } else if (timer == kSoonTimer) {
    soon_armed_ = false;
  } else {
    return;
  }
  if (neighbours.empty()) return;
  StartRound(now.mono, neighbours[rng_.Uniform(neighbours.size())], store, out);
}

bool AntiEntropy::RepairingWithOther(Instant now, const NodeId& peer) const {
  return repair_peer_.has_value() && *repair_peer_ != peer && now < repair_until_;
}

void AntiEntropy::EndRepair(const NodeId& peer) {
  if (repair_peer_ == peer) repair_peer_.reset();
}

void AntiEntropy::Repairing(Instant now, const NodeId& peer) {
  repair_peer_ = peer;
  repair_until_ = now + config_.repair_lease;
}

void AntiEntropy::StartRound(Instant now, const NodeId& peer, const KvStore& store,
                             Effects& out) {
  if (config_.disabled_for_testing) return;
  if (RepairingWithOther(now, peer)) {
    ++stats_.deferred;
    return;
  }
  ++stats_.rounds_started;
  KvAeTree tree;
  tree.session = rng_.Next();
  tree.level = 1;
  for (uint32_t i = 0; i < MerkleDigest::kFanout; ++i) {
    tree.nodes.push_back(i);
    tree.hashes.push_back(store.digest().Hash(1, i));
  }
  out.Send(peer, std::move(tree));
}

bool AntiEntropy::OnMessage(Instant now, const NodeId& from, const Message& message,
                            KvStore& store, Effects& out) {
  const auto* tree = std::get_if<KvAeTree>(&message);
  const auto* keys = std::get_if<KvAeKeys>(&message);
  const auto* states = std::get_if<KvAeStates>(&message);
  if (tree == nullptr && keys == nullptr && states == nullptr) return false;
  // States are joined whoever sends them; a round's other steps wait for the repair under way.
  if (states == nullptr && RepairingWithOther(now, from)) {
    ++stats_.deferred;
    return true;
  }
  if (tree != nullptr) {
    OnTree(now, from, *tree, store, out);
  } else if (keys != nullptr) {
    OnKeys(now, from, *keys, store, out);
  } else {
    OnStates(now, from, *states, store, out);
  }
  return true;
}

void AntiEntropy::OnTree(Instant now, const NodeId& from, const KvAeTree& m,
                         const KvStore& store, Effects& out) {
  if (m.level < 1 || m.level > MerkleDigest::kLeafLevel || m.nodes.size() != m.hashes.size() ||
      !StrictlyIncreasing(m.nodes) ||
      (!m.nodes.empty() && m.nodes.back() >= MerkleDigest::NodesAt(m.level))) {
    ++stats_.malformed;
    return;
  }
  std::vector<uint32_t> differing;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    if (store.digest().Hash(m.level, m.nodes[i]) != m.hashes[i]) differing.push_back(m.nodes[i]);
  }
  if (differing.empty()) {
    ++stats_.in_sync;
    return;
  }
  Repairing(now, from);
  if (m.level == MerkleDigest::kLeafLevel) {
    SendKeys(from, m.session, differing, store, out);
    return;
  }
  KvAeTree next;
  next.session = m.session;
  next.level = m.level + 1;
  for (uint32_t node : differing) {
    for (uint32_t c = node * MerkleDigest::kFanout; c < (node + 1) * MerkleDigest::kFanout; ++c) {
      next.nodes.push_back(c);
      next.hashes.push_back(store.digest().Hash(next.level, c));
    }
  }
  out.Send(from, std::move(next));
}

void AntiEntropy::SendKeys(const NodeId& to, uint64_t session,
                           const std::vector<uint32_t>& buckets, const KvStore& store,
                           Effects& out) {
  KvAeKeys keys;
  keys.session = session;
  size_t listed = 0;  // an empty bucket counts as one: the other side may have many keys there
  for (uint32_t bucket : buckets) {
    const auto entries = store.InBucket(bucket);
    const size_t cost = std::max<size_t>(1, entries.size());
    if (!keys.buckets.empty() && listed + cost > config_.max_keys_per_round) {
      keys.truncated = true;
      break;
    }
    listed += cost;
    ++stats_.buckets_differing;
    keys.buckets.push_back(bucket);
    for (const auto& it : entries) {
      keys.key_hashes.push_back(it->second.key_hash);
      keys.state_hashes.push_back(it->second.state_hash);
    }
  }
  if (keys.truncated) {
    out.Probe(kProbeAeRoundTruncated);
    ++stats_.truncated_rounds;
  }
  out.Send(to, std::move(keys));
}

bool AntiEntropy::ValidKeys(const KvAeKeys& m) const {
  if (m.key_hashes.size() != m.state_hashes.size() || m.buckets.empty() ||
      !StrictlyIncreasing(m.buckets) || m.buckets.back() >= MerkleDigest::kBuckets ||
      !std::is_sorted(m.key_hashes.begin(), m.key_hashes.end())) {
    return false;
  }
  return std::all_of(m.key_hashes.begin(), m.key_hashes.end(), [&](uint64_t h) {
    return std::binary_search(m.buckets.begin(), m.buckets.end(), MerkleDigest::BucketOf(h));
  });
}

void AntiEntropy::OnKeys(Instant now, const NodeId& from, const KvAeKeys& m,
                         const KvStore& store, Effects& out) {
  if (!ValidKeys(m)) {
    ++stats_.malformed;
    return;
  }
  Repairing(now, from);
  // Theirs by key hash; several states under one hash only after a collision.
  std::multimap<uint64_t, uint64_t> theirs;
  for (size_t i = 0; i < m.key_hashes.size(); ++i) {
    theirs.emplace(m.key_hashes[i], m.state_hashes[i]);
  }
  // Keys that differ go from here; the peer sends back what its join shows this node lacks.
  std::vector<KvStore::Entries::const_iterator> send;
  for (uint32_t bucket : m.buckets) {
    for (const auto& it : store.InBucket(bucket)) {
      const auto [lo, hi] = theirs.equal_range(it->second.key_hash);
      const bool same = std::any_of(lo, hi, [&](const auto& p) {
        return p.second == it->second.state_hash;
      });
      if (!same) send.push_back(it);
    }
  }
  std::vector<uint64_t> want;
  for (uint64_t key_hash : m.key_hashes) {
    if (store.WithKeyHash(key_hash).empty() && (want.empty() || want.back() != key_hash)) {
      want.push_back(key_hash);
    }
  }
  const bool answer_due = !send.empty() || !want.empty();
  const bool all_sent = SendStates(from, m.session, send, std::move(want), /*answer=*/false,
                                   /*more=*/m.truncated, out);
  if (!m.truncated && all_sent) return;
  if (!all_sent) {
    out.Probe(kProbeAeRoundTruncated);
    ++stats_.truncated_rounds;
  }
  if (answer_due) {
    continue_after_[from] = m.session;
  } else {
    StartRound(now, from, store, out);
  }
}

bool AntiEntropy::SendStates(const NodeId& to, uint64_t session,
                             const std::vector<KvStore::Entries::const_iterator>& entries,
                             std::vector<uint64_t> want, bool answer, bool more, Effects& out) {
  KvAeStates message;
  message.session = session;
  message.answer = answer;
  size_t bytes = 0;
  size_t round_bytes = 0;
  bool all_sent = true;
  for (const auto& it : entries) {
    if (round_bytes > 0 &&
        round_bytes + it->second.state_bytes > config_.max_state_bytes_per_round) {
      all_sent = false;
      break;
    }
    round_bytes += it->second.state_bytes + it->first.size();
    std::string state = crdt::Encode(it->second.map);
    if (!message.keys.empty() && bytes + state.size() > config_.max_state_bytes_per_message) {
      message.last = false;
      out.Send(to, std::move(message));
      message = KvAeStates();
      message.session = session;
      message.answer = answer;
      bytes = 0;
    }
    bytes += state.size() + it->first.size();
    message.keys.push_back(it->first);
    message.states.push_back(std::move(state));
    ++stats_.states_sent;
  }
  message.last = true;
  message.want = std::move(want);
  message.more = more || !all_sent;
  // A list with nothing in it is not sent, but an answer always is: the asker may wait for it.
  if (!answer && message.keys.empty() && message.want.empty()) return all_sent;
  out.Send(to, std::move(message));
  return all_sent;
}

void AntiEntropy::OnStates(Instant now, const NodeId& from, const KvAeStates& m,
                           KvStore& store, Effects& out) {
  // A want list is at most what one round lists, strictly increasing.
  if (m.keys.size() != m.states.size() || m.want.size() > config_.max_keys_per_round * 4 ||
      !StrictlyIncreasing(m.want)) {
    ++stats_.malformed;
    return;
  }
  // States from another peer are joined and answered, but do not take over the repair.
  if ((!m.keys.empty() || !m.want.empty()) && !RepairingWithOther(now, from)) {
    Repairing(now, from);
  }
  std::set<std::string>& back = send_back_[from];
  for (size_t i = 0; i < m.keys.size(); ++i) {
    Result<KeyPath> key = DecodeKey(m.keys[i]);
    Result<crdt::Map> state = crdt::DecodeMap(m.states[i], store.config().decode_limits);
    if (!key.ok() || !state.ok() || !ValidateKey(*key, store.config().key_limits).ok()) {
      ++stats_.malformed;
      continue;
    }
    ++stats_.states_received;
    if (store.Join(m.keys[i], std::move(state).value(), out)) {
      out.Probe(kProbeAeKeyRepaired);
      ++stats_.keys_repaired;
    }
    // This node had something the sender lacks: the join differs from what came.
    auto mine = store.entries().find(m.keys[i]);
    if (!m.answer && mine != store.entries().end() &&
        mine->second.state_hash != Hash64(m.states[i])) {
      back.insert(m.keys[i]);
    }
  }
  if (!m.last) return;
  const std::set<std::string> keys_back = std::move(back);
  send_back_.erase(from);
  if (!m.answer) {
    std::vector<KvStore::Entries::const_iterator> answer;
    for (const std::string& key : keys_back) answer.push_back(store.entries().find(key));
    for (uint64_t key_hash : m.want) {
      for (const auto& it : store.WithKeyHash(key_hash)) answer.push_back(it);
    }
    // What did not fit goes in a round of its own, after this answer, unless the asker
    // starts one anyway. Otherwise this side's part of the repair is done.
    const bool all_sent =
        SendStates(from, m.session, answer, {}, /*answer=*/true, /*more=*/false, out);
    if (!all_sent) out.Probe(kProbeAeRoundTruncated);
    if (!all_sent && !m.more) {
      StartRound(now, from, store, out);
    } else if (all_sent && !m.more) {
      EndRepair(from);
    }
    return;
  }
  auto it = continue_after_.find(from);
  if (it != continue_after_.end() && it->second == m.session) {
    continue_after_.erase(it);
    StartRound(now, from, store, out);
    return;
  }
  EndRepair(from);  // the answer closed the repair
}

}  // namespace lashup::kv

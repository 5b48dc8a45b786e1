#include "kv/kv_core.h"

#include <string_view>
#include <utility>

#include "core/coverage_probes.h"
#include "kv/delta_payload.h"

namespace lashup::kv {

KvCore::KvCore(const CoreContext& context, KvConfig config)
    : self_(context.self),
      seed_(context.seed),
      config_(std::move(config)),
      store_(context.recovered, config_.store),
      anti_entropy_(config_.anti_entropy, Mix64(context.seed ^ 0x6b76616e7469ULL)) {}

void KvCore::Start(const Now& now, Effects& out) {
  // A fresh actor must differ from every earlier one of this node, also after a restart with
  // the same seed: the wall time and the name make it so.
  const uint64_t entropy =
      Mix64(seed_) ^ Mix64(static_cast<uint64_t>(ToNanos(now.wall))) ^ Hash64(self_.str());
  store_.Start(entropy, out);
  anti_entropy_.Start(now, out);
}

Status KvCore::CheckBacklog(size_t unacked_copies) {
  if (unacked_copies <= config_.max_unacked_copies) return Status::Ok();
  ++stats_.refused_busy;
  return ResourceExhaustedError(std::to_string(unacked_copies) +
                                " multicast copies await acknowledgement (limit " +
                                std::to_string(config_.max_unacked_copies) +
                                "); retry after a back-off");
}

Result<KvCore::Outcome> KvCore::Ship(Result<KvStore::UpdateResult> result, const KeyPath& key) {
  if (!result.ok()) return result.status();
  Outcome outcome;
  outcome.value = std::move(result->value);
  if (!result->changed) return outcome;  // nothing to ship (and no number used)
  outcome.payload = EncodeDeltaPayload(next_seq_++, EncodeKey(key), result->delta);
  ++stats_.deltas_sent;
  return outcome;
}

Result<KvCore::Outcome> KvCore::Update(const Now& now, const KeyPath& key,
                                       const std::vector<crdt::MapOp>& ops,
                                       const std::optional<crdt::VersionVector>& expected,
                                       size_t unacked_copies, Effects& out) {
  LASHUP_RETURN_IF_ERROR(CheckBacklog(unacked_copies));
  Result<KvStore::UpdateResult> result = store_.Update(now, key, ops, expected, out);
  if (result.ok() && result->changed) Changed(now, /*remote=*/false, out);
  return Ship(std::move(result), key);
}

Result<KvCore::Outcome> KvCore::Delete(const Now& now, const KeyPath& key,
                                       const std::optional<crdt::VersionVector>& observed,
                                       size_t unacked_copies, Effects& out) {
  LASHUP_RETURN_IF_ERROR(CheckBacklog(unacked_copies));
  Result<KvStore::UpdateResult> result = store_.Delete(now, key, observed, out);
  if (result.ok() && result->changed) Changed(now, /*remote=*/false, out);
  return Ship(std::move(result), key);
}

void KvCore::Changed(const Now& now, bool remote, Effects& out) {
  last_change_ = now.mono;
  if (!remote || sync_armed_ || config_.store.remote_durability == Durability::kSync) return;
  sync_armed_ = true;
  out.SetTimer(TimerId{Component::kKv, static_cast<uint32_t>(KvTimer::kSync), 0},
               now.mono + config_.remote_sync_interval);
}

void KvCore::OnDelivered(const Now& now, const McDelivered& delivered, Effects& out) {
  const std::string_view bytes(reinterpret_cast<const char*>(delivered.payload.data()),
                               delivered.payload.size());
  Result<DeltaPayload> payload = DecodeDeltaPayload(bytes, config_.store.decode_limits);
  // The same rule for keys as anti-entropy applies, so whatever arrives can also be repaired.
  if (payload.ok() && !ValidateKey(DecodeKey(payload->encoded_key).value(),
                                   config_.store.key_limits).ok()) {
    payload = InvalidArgumentError("key outside this node's limits");
  }
  if (!payload.ok()) {
    ++stats_.deltas_malformed;
    return;
  }
  ++stats_.deltas_received;
  if (tracker_.Record(delivered.origin, delivered.incarnation, payload->seq)) {
    out.Probe(kProbeKvDeltaGap);
    ++stats_.gaps_seen;
    anti_entropy_.RequestSoon(now, out);
  }
  if (store_.Join(payload->encoded_key, std::move(payload->delta), out)) {
    Changed(now, /*remote=*/true, out);
  } else {
    out.Probe(kProbeKvDeltaAlreadyKnown);
  }
}

bool KvCore::OnMessage(const Now& now, const NodeId& from, const Message& message,
                       Effects& out) {
  const uint64_t joins = store_.stats().remote_joins;
  if (!anti_entropy_.OnMessage(now.mono, from, message, store_, out)) return false;
  if (store_.stats().remote_joins != joins) Changed(now, /*remote=*/true, out);
  return true;
}

void KvCore::OnTimer(const Now& now, const TimerId& timer, const std::vector<NodeId>& neighbours,
                     Effects& out) {
  if (timer.component == Component::kKv) {
    if (timer.kind != static_cast<uint32_t>(KvTimer::kSync)) return;
    // A synced batch makes every earlier unsynced one durable too.
    sync_armed_ = false;
    WriteBatch batch;
    batch.Put(Column::kMeta, "kv/synced_at", std::to_string(ToNanos(now.wall)));
    out.Persist(std::move(batch), Durability::kSync);
    return;
  }
  if (timer.kind == static_cast<uint32_t>(AntiEntropyTimer::kPeriodic)) {
    // Skipped while deltas flow, but never more than kMaxQuietSkips times in a row: a delta
    // lost on its way from a writer that then went quiet must still be repaired.
    if (last_change_ && now.mono - *last_change_ < config_.anti_entropy.quiet_period &&
        skipped_rounds_ < kMaxQuietSkips) {
      ++skipped_rounds_;
      anti_entropy_.OnTimer(now, timer, {}, store_, out);  // re-arms only
      return;
    }
    skipped_rounds_ = 0;
  }
  if (timer.kind == static_cast<uint32_t>(AntiEntropyTimer::kSoon)) {
    // Reordering may have filled the gap meanwhile; a round is needed only if it did not.
    if (!tracker_.HasGaps()) {
      anti_entropy_.OnTimer(now, timer, {}, store_, out);
      return;
    }
    if (neighbours.empty()) {
      anti_entropy_.OnTimer(now, timer, {}, store_, out);
      anti_entropy_.RequestSoon(now, out);  // keep the gap until someone can repair it
      return;
    }
    tracker_.ClearGaps();
    ++stats_.gap_rounds;
  }
  anti_entropy_.OnTimer(now, timer, neighbours, store_, out);
}

void KvCore::OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out) {
  if (state == LinkState::kUp) anti_entropy_.StartRound(now.mono, peer, store_, out);
}

}  // namespace lashup::kv

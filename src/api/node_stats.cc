// The node's metrics, read on its thread from every component's counters (CollectStats).
#include <string>

#include "api/node_impl.h"

namespace lashup {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

class StatsBuilder {
 public:
  void Counter(std::string name, std::string help, double value, Labels labels = {}) {
    stats_.metrics.push_back(Metric{std::move(name), std::move(help), Metric::Kind::kCounter,
                                    value, std::move(labels)});
  }
  void Gauge(std::string name, std::string help, double value, Labels labels = {}) {
    stats_.metrics.push_back(Metric{std::move(name), std::move(help), Metric::Kind::kGauge, value,
                                    std::move(labels)});
  }
  void Latency(std::string name, std::string help, const metrics::Histogram& histogram) {
    metrics::Histogram::Snapshot snapshot = histogram.TakeSnapshot();
    stats_.latencies.push_back(LatencyHistogram{std::move(name), std::move(help),
                                                std::move(snapshot.bounds),
                                                std::move(snapshot.cumulative_counts),
                                                snapshot.sum, snapshot.count});
  }
  NodeStats Take() { return std::move(stats_); }

 private:
  NodeStats stats_;
};

void AddMembership(StatsBuilder& b, NodeCore& core) {
  const auto& membership = core.membership();
  b.Gauge("membership_active_view", "Overlay neighbours (active view).",
          static_cast<double>(membership.hyparview().active().size()));
  b.Gauge("membership_passive_view", "Known nodes kept as replacements (passive view).",
          static_cast<double>(membership.hyparview().passive().size()));
  size_t reachable = 0;
  for (const auto& [node, member] : membership.global().members()) {
    if (core.router().Reachable(node)) ++reachable;
  }
  const size_t members = membership.global().members().size();
  b.Gauge("membership_members", "Members in the global membership table.",
          static_cast<double>(members));
  b.Gauge("membership_reachable", "Members this node reaches through the adjacency graph.",
          static_cast<double>(reachable));
  b.Gauge("membership_unreachable", "Members in the table this node does not reach.",
          static_cast<double>(members - reachable));
  for (const auto& [kind, count] : membership.counters().sent) {
    b.Counter("membership_messages_sent_total", "Membership messages sent, by kind.",
              static_cast<double>(count), {{"kind", kind}});
  }
  for (const auto& [kind, count] : membership.counters().received) {
    b.Counter("membership_messages_received_total", "Membership messages received, by kind.",
              static_cast<double>(count), {{"kind", kind}});
  }
}

void AddFailureDetector(StatsBuilder& b, NodeCore& core) {
  const auto& detector = core.membership().failure_detector();
  b.Gauge("fd_local_health",
          "Lifeguard local health: 0 is healthy; higher stretches this node's timeouts.",
          detector.local_health());
  for (const NodeId& peer : core.membership().hyparview().active()) {
    std::optional<Duration> rtt = detector.Rtt(peer);
    if (!rtt) continue;
    b.Gauge("fd_neighbour_rtt_seconds", "Smoothed round trip to each active neighbour.",
            std::chrono::duration<double>(*rtt).count(), {{"peer", peer.str()}});
  }
}

void AddRouting(StatsBuilder& b, NodeCore& core) {
  const routing::RouterStats& r = core.router().stats();
  b.Counter("routing_trees_computed_total", "Shortest-path trees computed.", r.trees_computed);
  b.Counter("routing_tree_cache_hits_total", "Tree lookups served from the cache.", r.cache_hits);
  b.Counter("routing_events_total", "Route change events emitted.", r.events_emitted);
  b.Gauge("routing_cached_trees", "Trees in the cache.",
          static_cast<double>(core.router().cached_trees()));
  const routing::MulticastStats& m = core.multicast().stats();
  const std::pair<const char*, uint64_t> counters[] = {
      {"sent", m.sent},
      {"delivered", m.delivered},
      {"duplicates", m.duplicates},
      {"too_old", m.too_old},
      {"forwarded", m.forwarded},
      {"retransmitted", m.retransmitted},
      {"given_up", m.given_up},
      {"ttl_expired", m.ttl_expired},
      {"off_tree", m.off_tree},
      {"bypassed", m.bypassed},
      {"acks_sent", m.acks_sent},
  };
  for (const auto& [name, value] : counters) {
    b.Counter(std::string("multicast_") + name + "_total",
              std::string("Multicast copies or messages: ") + name + " (docs/routing.md).",
              static_cast<double>(value));
  }
  b.Gauge("multicast_unacked", "Multicast copies awaiting acknowledgement.",
          static_cast<double>(core.multicast().unacked()));
}

void AddKv(StatsBuilder& b, NodeCore& core) {
  const kv::KvCore& kv = core.kv();
  b.Gauge("kv_entries", "Keys held, deleted keys' tombstones included.",
          static_cast<double>(kv.store().entries().size()));
  const kv::KvStoreStats& s = kv.store().stats();
  b.Counter("kv_local_updates_total", "Updates made on this node.", s.local_updates);
  b.Counter("kv_remote_joins_total", "Remote states or deltas that changed a key.", s.remote_joins);
  b.Counter("kv_remote_no_change_total", "Remote states or deltas already known.",
            s.remote_no_change);
  b.Counter("kv_load_failures_total", "Stored keys that did not decode at start.",
            s.load_failures);
  const kv::KvCoreStats& c = kv.stats();
  b.Counter("kv_deltas_sent_total", "Deltas multicast.", c.deltas_sent);
  b.Counter("kv_deltas_received_total", "Deltas received.", c.deltas_received);
  b.Counter("kv_deltas_malformed_total", "Deltas refused as malformed.", c.deltas_malformed);
  b.Counter("kv_gaps_total", "Gaps seen in an origin's delta numbers.", c.gaps_seen);
  b.Counter("kv_refused_busy_total", "Local updates refused because replication lagged.",
            c.refused_busy);
  const kv::AntiEntropyStats& a = kv.anti_entropy().stats();
  b.Counter("kv_ae_rounds_total", "Anti-entropy rounds started.", a.rounds_started);
  b.Counter("kv_ae_in_sync_total", "Anti-entropy exchanges that found no difference.", a.in_sync);
  b.Counter("kv_ae_states_sent_total", "Key states sent by anti-entropy.", a.states_sent);
  b.Counter("kv_ae_states_received_total", "Key states received by anti-entropy.",
            a.states_received);
  b.Counter("kv_ae_keys_repaired_total", "Keys anti-entropy changed.", a.keys_repaired);
  b.Counter("kv_ae_malformed_total", "Anti-entropy messages refused.", a.malformed);
}

void AddStorage(StatsBuilder& b, const api::MeteredStorage& s) {
  b.Counter("storage_batches_total", "Write batches applied.", s.batches.load());
  b.Counter("storage_ops_total", "Puts and deletes applied.", s.ops.load());
  b.Counter("storage_written_bytes_total", "Key and value bytes written.", s.bytes.load());
  b.Counter("storage_synced_batches_total", "Batches written with a sync.",
            s.synced_batches.load());
  b.Counter("storage_flushes_total", "Group-commit syncs.", s.flushes.load());
  b.Counter("storage_failures_total", "Failed writes or syncs (the node stops).",
            s.failures.load());
}

}  // namespace

void AppendTransportStats(const net::TransportCounters& t, NodeStats& stats) {
  StatsBuilder b;
#define LASHUP_X(name)                                                                    \
  if (std::string_view(#name) != "max_queue_bytes") {                                     \
    b.Counter("transport_" #name "_total", "Transport: " #name " (docs/transport.md).", \
              static_cast<double>(t.name));                                               \
  }
  LASHUP_TRANSPORT_COUNTERS(LASHUP_X)
#undef LASHUP_X
  b.Gauge("transport_max_queue_bytes", "High-water mark of one connection's send queue.",
          static_cast<double>(t.max_queue_bytes));
  NodeStats more = b.Take();
  for (Metric& metric : more.metrics) stats.metrics.push_back(std::move(metric));
}

NodeStats CollectStats(Node::Impl& impl, NodeCore& core, const Now& now) {
  StatsBuilder b;
  AddMembership(b, core);
  AddFailureDetector(b, core);
  AddRouting(b, core);
  AddKv(b, core);
  AddStorage(b, impl.storage());
  b.Gauge("node_listeners", "Listeners registered on the node.",
          static_cast<double>(impl.listeners().size()));
  b.Latency("kv_update_seconds", "KV updates, from the call until durable and shipped.",
            impl.update_seconds());
  b.Latency("multicast_publish_seconds", "Publish calls, until the message left.",
            impl.publish_seconds());
  b.Latency("storage_write_seconds", "Storage batch writes, synced or not.",
            *impl.storage().write_seconds);
  b.Latency("storage_sync_seconds", "Storage syncs: synced batches and group commits.",
            *impl.storage().sync_seconds);
  return b.Take();
}

}  // namespace lashup

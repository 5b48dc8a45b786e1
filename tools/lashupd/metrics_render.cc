#include "metrics_render.h"

#include "metrics/prometheus_text.h"

namespace lashup::daemon {
namespace {

constexpr std::string_view kPrefix = "lashup_";

std::string Prefixed(const std::string& name) { return std::string(kPrefix) + name; }

metrics::Histogram::Snapshot SnapshotOf(const LatencyHistogram& h) {
  return metrics::Histogram::Snapshot{h.bounds, h.buckets, h.sum, h.count};
}

}  // namespace

std::string RenderMetrics(const NodeStats& stats, const DaemonMetrics& daemon, Status* refused) {
  metrics::PrometheusText text;
  for (const Metric& m : stats.metrics) {
    if (m.kind == Metric::Kind::kCounter) {
      text.Counter(Prefixed(m.name), m.help, m.value, m.labels);
    } else {
      text.Gauge(Prefixed(m.name), m.help, m.value, m.labels);
    }
  }
  for (const LatencyHistogram& h : stats.latencies) {
    text.Histogram(Prefixed(h.name), h.help, SnapshotOf(h));
  }
  if (daemon.admin_request_seconds != nullptr) {
    text.Histogram(Prefixed("admin_request_seconds"), "Admin commands, from request to answer.",
                   daemon.admin_request_seconds->TakeSnapshot());
  }
  text.Counter(Prefixed("admin_connections_total"), "Admin connections accepted.",
               static_cast<double>(daemon.admin_connections));
  text.Gauge(Prefixed("admin_streams"), "Open watch streams.",
             static_cast<double>(daemon.admin_streams));
  text.Counter(Prefixed("metrics_scrapes_total"), "Metrics scrapes served.",
               static_cast<double>(daemon.metrics_scrapes));
  if (refused != nullptr) *refused = text.status();
  return text.Text();
}

}  // namespace lashup::daemon

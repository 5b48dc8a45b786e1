// RenderMetrics: a node's figures (Node::Stats) as one Prometheus scrape, every name prefixed
// "lashup_", plus the daemon's own (admin requests). A metric the text format refuses is
// dropped and logged rather than failing the scrape (PrometheusText's contract).
#ifndef LASHUP_TOOLS_LASHUPD_METRICS_RENDER_H_
#define LASHUP_TOOLS_LASHUPD_METRICS_RENDER_H_

#include <string>

#include "lashup/node.h"
#include "metrics/histogram.h"

namespace lashup::daemon {

struct DaemonMetrics {
  const metrics::Histogram* admin_request_seconds = nullptr;
  uint64_t admin_connections = 0;
  uint64_t admin_streams = 0;
  uint64_t metrics_scrapes = 0;
};

// The text, and the first refusal (OK if none).
std::string RenderMetrics(const NodeStats& stats, const DaemonMetrics& daemon, Status* refused);

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_METRICS_RENDER_H_

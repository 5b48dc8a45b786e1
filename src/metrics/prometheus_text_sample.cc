// prometheus_text_sample: prints one representative scrape built with PrometheusText, for
// check_prometheus_text.py to validate with an independent parser (the prometheus_text_parses
// test). It covers what a parser is likely to trip on: families added across interleaved calls,
// label values and help needing every escape, special and extreme numbers, and two histograms
// in one family. Exits 1 without printing if PrometheusText refused anything.
#include <cstdio>
#include <limits>
#include <memory>
#include <string>

#include "metrics/histogram.h"
#include "metrics/prometheus_text.h"

namespace lashup::metrics {
namespace {

void AddScalars(PrometheusText& text) {
  const std::string help = "Messages sent, by kind.\nA backslash: \\ (escaped in HELP).";
  text.Counter("lashup_messages_sent_total", help, 1234, {{"kind", "ping"}});
  text.Gauge("lashup_members", "Members by state.", 5, {{"state", "alive"}});
  text.Counter("lashup_messages_sent_total", help, 1e15, {{"kind", "ack"}});
  text.Gauge("lashup_members", "Members by state.", 0, {{"state", "suspect"}});
  text.Counter("lashup_restarts_total", "", 3);
  text.Gauge("lashup_key_bytes", "Label values needing escapes.", 42,
             {{"path", "C:\\data\\\"keys\""}, {"note", "line one\nline two"}});
  text.Gauge("lashup_key_bytes", "Label values needing escapes.", 0.25,
             {{"path", "a,b=c} {d"}, {"note", "caf\xc3\xa9 \xe2\x86\x92 \\n is not a newline"}});
  text.Gauge("lashup_odd_values", "Special and extreme numbers.",
             std::numeric_limits<double>::quiet_NaN(), {{"case", "nan"}});
  text.Gauge("lashup_odd_values", "Special and extreme numbers.",
             std::numeric_limits<double>::infinity(), {{"case", "plus_inf"}});
  text.Gauge("lashup_odd_values", "Special and extreme numbers.",
             -std::numeric_limits<double>::infinity(), {{"case", "minus_inf"}});
  text.Gauge("lashup_odd_values", "Special and extreme numbers.", 1e-7, {{"case", "tiny"}});
  text.Gauge("lashup_odd_values", "Special and extreme numbers.", -1.5e300, {{"case", "huge"}});
}

bool AddHistograms(PrometheusText& text) {
  Result<std::unique_ptr<Histogram>> get = Histogram::Create(LatencyBoundsSeconds());
  Result<std::unique_ptr<Histogram>> put = Histogram::Create(LatencyBoundsSeconds());
  Result<std::unique_ptr<Histogram>> sizes = Histogram::Create({64, 1024, 65536});
  if (!get.ok() || !put.ok() || !sizes.ok()) return false;
  for (double seconds : {0.00005, 0.0001, 0.0003, 0.002, 0.002, 0.7, 12.0}) {
    (*get)->Observe(seconds);
  }
  (*put)->Observe(0.04);
  for (double bytes : {10.0, 100.0, 5000.0, 1e6}) (*sizes)->Observe(bytes);
  const std::string help = "Request latency in seconds.";
  text.Histogram("lashup_request_duration_seconds", help, (*get)->TakeSnapshot(),
                 {{"method", "get"}});
  text.Histogram("lashup_request_bytes", "Request sizes.", (*sizes)->TakeSnapshot());
  text.Histogram("lashup_request_duration_seconds", help, (*put)->TakeSnapshot(),
                 {{"method", "put"}});
  return true;
}

}  // namespace
}  // namespace lashup::metrics

int main() {
  lashup::metrics::PrometheusText text;
  lashup::metrics::AddScalars(text);
  if (!lashup::metrics::AddHistograms(text) || !text.status().ok()) {
    std::fprintf(stderr, "prometheus_text_sample: %s\n", text.status().ToString().c_str());
    return 1;
  }
  const std::string out = text.Text();
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

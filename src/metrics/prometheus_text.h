// PrometheusText: one scrape in the Prometheus text exposition format, version 0.0.4.
//
// Contract: Counter, Gauge and Histogram add samples and Text() renders them grouped by family
// (metric name): one "# HELP" (omitted when the help is empty) and one "# TYPE" line per family,
// families in order of first use, samples in the order added, and a newline after every line.
// A call is refused, adding nothing, when: a metric or label name breaks the format's grammar;
// a label name is reserved ("__" prefix, or "le" on a histogram) or repeated; a label value or
// the help is not UTF-8; the family exists with another type or another help; the name clashes
// with another family's sample names (gauge "x_sum" against histogram "x"); a counter's name
// lacks the "_total" suffix or its value is negative; a snapshot is malformed. Those record
// kInvalidArgument. The same series (family and label set) added twice records kAlreadyExists.
// status() is the first error recorded; Text() still renders every accepted sample, so a bad
// metric costs its own samples, not the whole scrape. Not thread-safe: build one per scrape.
#ifndef LASHUP_METRICS_PROMETHEUS_TEXT_H_
#define LASHUP_METRICS_PROMETHEUS_TEXT_H_

#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lashup/status.h"
#include "metrics/histogram.h"

namespace lashup::metrics {

// Label names and values of one sample, rendered in this order.
using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  // The Content-Type an HTTP /metrics handler serves Text() with.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  void Counter(std::string_view name, std::string_view help, double value,
               const Labels& labels = {});
  void Gauge(std::string_view name, std::string_view help, double value, const Labels& labels = {});
  // Writes name_bucket{...,le="..."} per bound and le="+Inf", then name_sum and name_count.
  void Histogram(std::string_view name, std::string_view help,
                 const metrics::Histogram::Snapshot& snapshot, const Labels& labels = {});

  std::string Text() const;
  const Status& status() const { return status_; }

 private:
  enum class Type { kCounter, kGauge, kHistogram };

  struct Family {
    std::string name;
    std::string help;
    Type type;
    std::string sample_lines;
    std::set<std::string> series;  // label sets already added, as SeriesKey renders them
  };

  void AddScalar(Type type, std::string_view name, std::string_view help, double value,
                 const Labels& labels);
  // The family a sample of series `series_key` joins, added if new, with the series recorded;
  // an error, changing nothing, if the sample cannot join it.
  Result<Family*> FamilyFor(Type type, std::string_view name, std::string_view help,
                            const std::string& series_key);
  Status CheckNewFamily(Type type, std::string_view name) const;
  void Refuse(std::string_view name, const Status& status);

  std::vector<Family> families_;
  std::unordered_map<std::string, size_t> family_index_;
  // Every sample name a family writes (x_bucket, x_sum, x_count for histogram x) to its family,
  // so two families never write the same sample name.
  std::unordered_map<std::string, std::string> sample_name_owner_;
  Status status_;
};

}  // namespace lashup::metrics

#endif  // LASHUP_METRICS_PROMETHEUS_TEXT_H_

#include "metrics/prometheus_text.h"

#include <algorithm>
#include <limits>

#include "metrics/text_format.h"

namespace lashup::metrics {
namespace {

constexpr std::string_view kCounterSuffix = "_total";
constexpr std::string_view kHistogramSuffixes[] = {"_bucket", "_sum", "_count"};

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// The grammar and encoding checks every sample passes, whatever its type.
Status CheckSample(std::string_view name, std::string_view help, const Labels& labels,
                   bool is_histogram) {
  if (!IsValidMetricName(name)) return InvalidArgumentError("invalid metric name");
  if (!IsValidUtf8(help)) return InvalidArgumentError("help text is not UTF-8");
  std::set<std::string_view> seen;
  for (const auto& [label, value] : labels) {
    if (!IsValidLabelName(label)) {
      return InvalidArgumentError("invalid label name " + Quoted(label));
    }
    // "__" names are Prometheus' own (__name__ and relabelling); "le" is the bucket bound.
    if (label.starts_with("__") || (is_histogram && label == "le")) {
      return InvalidArgumentError("label name " + Quoted(label) + " is reserved");
    }
    if (!seen.insert(label).second) {
      return InvalidArgumentError("label name " + Quoted(label) + " is repeated");
    }
    if (!IsValidUtf8(value)) {
      return InvalidArgumentError("value of label " + Quoted(label) + " is not UTF-8");
    }
  }
  return Status::Ok();
}

Status CheckSnapshot(const metrics::Histogram::Snapshot& snapshot) {
  LASHUP_RETURN_IF_ERROR(CheckBounds(snapshot.bounds));
  const std::vector<uint64_t>& counts = snapshot.cumulative_counts;
  if (counts.size() != snapshot.bounds.size() + 1) {
    return InvalidArgumentError("snapshot needs one cumulative count per bound plus +Inf");
  }
  if (!std::is_sorted(counts.begin(), counts.end())) {
    return InvalidArgumentError("snapshot counts are not cumulative");
  }
  if (snapshot.count != counts.back()) {
    return InvalidArgumentError("snapshot count differs from its +Inf bucket");
  }
  return Status::Ok();
}

// {a="x",b="y"} in the caller's order, with `le` last when given; "" when there is no label.
std::string RenderLabels(const Labels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) return "";
  std::string out = "{";
  for (const auto& [label, value] : labels) {
    if (out.size() > 1) out += ',';
    out += label + "=" + Quoted(EscapeLabelValue(value));
  }
  if (!le.empty()) out += std::string(out.size() > 1 ? "," : "") + "le=" + Quoted(le);
  return out + "}";
}

// The label set regardless of order: {b="1",a="2"} and {a="2",b="1"} are one series.
std::string SeriesKey(Labels labels) {
  std::sort(labels.begin(), labels.end());
  return RenderLabels(labels);
}

}  // namespace

void PrometheusText::Counter(std::string_view name, std::string_view help, double value,
                             const Labels& labels) {
  // The Prometheus naming convention; OpenMetrics parsers even derive the family from it.
  if (!name.ends_with(kCounterSuffix)) {
    return Refuse(name, InvalidArgumentError("a counter's name must end in _total"));
  }
  if (value < 0) return Refuse(name, InvalidArgumentError("a counter cannot be negative"));
  AddScalar(Type::kCounter, name, help, value, labels);
}

void PrometheusText::Gauge(std::string_view name, std::string_view help, double value,
                           const Labels& labels) {
  AddScalar(Type::kGauge, name, help, value, labels);
}

void PrometheusText::AddScalar(Type type, std::string_view name, std::string_view help,
                               double value, const Labels& labels) {
  if (Status status = CheckSample(name, help, labels, false); !status.ok()) {
    return Refuse(name, status);
  }
  Result<Family*> family = FamilyFor(type, name, help, SeriesKey(labels));
  if (!family.ok()) return Refuse(name, family.status());
  (*family)->sample_lines +=
      std::string(name) + RenderLabels(labels) + " " + FormatSampleValue(value) + "\n";
}

void PrometheusText::Histogram(std::string_view name, std::string_view help,
                               const metrics::Histogram::Snapshot& snapshot, const Labels& labels) {
  Status status = CheckSample(name, help, labels, true);
  if (status.ok()) status = CheckSnapshot(snapshot);
  if (!status.ok()) return Refuse(name, status);
  Result<Family*> family = FamilyFor(Type::kHistogram, name, help, SeriesKey(labels));
  if (!family.ok()) return Refuse(name, family.status());
  std::string& out = (*family)->sample_lines;
  const std::string bucket = std::string(name) + "_bucket";
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < snapshot.cumulative_counts.size(); ++i) {
    const double bound = i < snapshot.bounds.size() ? snapshot.bounds[i] : kInf;
    out += bucket + RenderLabels(labels, FormatSampleValue(bound)) + " " +
           std::to_string(snapshot.cumulative_counts[i]) + "\n";
  }
  const std::string rendered_labels = RenderLabels(labels);
  out +=
      std::string(name) + "_sum" + rendered_labels + " " + FormatSampleValue(snapshot.sum) + "\n";
  out +=
      std::string(name) + "_count" + rendered_labels + " " + std::to_string(snapshot.count) + "\n";
}

Result<PrometheusText::Family*> PrometheusText::FamilyFor(Type type, std::string_view name,
                                                          std::string_view help,
                                                          const std::string& series_key) {
  const auto found = family_index_.find(std::string(name));
  if (found == family_index_.end()) {
    LASHUP_RETURN_IF_ERROR(CheckNewFamily(type, name));
    Family& family =
        families_.emplace_back(Family{std::string(name), std::string(help), type, {}, {}});
    family.series.insert(series_key);
    family_index_.emplace(name, families_.size() - 1);
    sample_name_owner_.emplace(name, name);
    if (type == Type::kHistogram) {
      for (std::string_view suffix : kHistogramSuffixes) {
        sample_name_owner_.emplace(std::string(name) + std::string(suffix), name);
      }
    }
    return &family;
  }
  Family& family = families_[found->second];
  if (family.type != type) return InvalidArgumentError("family exists with another type");
  if (family.help != help) return InvalidArgumentError("family exists with another help text");
  if (!family.series.insert(series_key).second) {
    return AlreadyExistsError("series " + series_key + " was already added");
  }
  return &family;
}

Status PrometheusText::CheckNewFamily(Type type, std::string_view name) const {
  std::vector<std::string> sample_names = {std::string(name)};
  if (type == Type::kHistogram) {
    for (std::string_view suffix : kHistogramSuffixes) {
      sample_names.push_back(std::string(name) + std::string(suffix));
    }
  }
  for (const std::string& sample_name : sample_names) {
    const auto owner = sample_name_owner_.find(sample_name);
    if (owner != sample_name_owner_.end()) {
      return InvalidArgumentError("sample name " + sample_name + " belongs to family " +
                                  owner->second);
    }
  }
  return Status::Ok();
}

void PrometheusText::Refuse(std::string_view name, const Status& status) {
  if (status_.ok()) status_ = status.WithContext("metric " + Quoted(name));
}

std::string PrometheusText::Text() const {
  static constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};  // by Type
  std::string out;
  for (const Family& family : families_) {
    if (!family.help.empty()) {
      out += "# HELP " + family.name + " " + EscapeHelp(family.help) + "\n";
    }
    out += "# TYPE " + family.name + " " + std::string(kTypeNames[static_cast<int>(family.type)]) +
           "\n";
    out += family.sample_lines;
  }
  return out;
}

}  // namespace lashup::metrics

#include "metrics/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "metrics/text_format.h"

namespace lashup::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Histogram::Snapshot SnapshotOf(std::vector<double> bounds, std::vector<double> values) {
  Result<std::unique_ptr<Histogram>> histogram = Histogram::Create(std::move(bounds));
  EXPECT_TRUE(histogram.ok()) << histogram.status();
  for (double value : values) (*histogram)->Observe(value);
  return (*histogram)->TakeSnapshot();
}

TEST(PrometheusTextTest, GroupsEachFamilyUnderOneHelpAndTypeInFirstUseOrder) {
  PrometheusText text;
  text.Counter("sent_total", "Messages sent.", 3, {{"kind", "ping"}});
  text.Gauge("members", "Members.", 5);
  text.Counter("sent_total", "Messages sent.", 4, {{"kind", "ack"}});
  text.Gauge("empty_help", "", 1);
  EXPECT_TRUE(text.status().ok()) << text.status();
  EXPECT_EQ(text.Text(),
            "# HELP sent_total Messages sent.\n"
            "# TYPE sent_total counter\n"
            "sent_total{kind=\"ping\"} 3\n"
            "sent_total{kind=\"ack\"} 4\n"
            "# HELP members Members.\n"
            "# TYPE members gauge\n"
            "members 5\n"
            "# TYPE empty_help gauge\n"
            "empty_help 1\n");
}

TEST(PrometheusTextTest, NothingAddedIsAnEmptyScrape) {
  PrometheusText text;
  EXPECT_EQ(text.Text(), "");
  EXPECT_TRUE(text.status().ok());
}

TEST(PrometheusTextTest, HistogramsWriteCumulativeBucketsSumAndCount) {
  PrometheusText text;
  text.Histogram("latency_seconds", "Latency.", SnapshotOf({0.001, 2.5, 10}, {0.001, 1, 3, 11}),
                 {{"method", "get"}});
  text.Histogram("latency_seconds", "Latency.", SnapshotOf({0.001, 2.5, 10}, {}),
                 {{"method", "put"}});
  text.Histogram("bare", "No labels.", SnapshotOf({1}, {0.5}));
  EXPECT_TRUE(text.status().ok()) << text.status();
  EXPECT_EQ(text.Text(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{method=\"get\",le=\"0.001\"} 1\n"
            "latency_seconds_bucket{method=\"get\",le=\"2.5\"} 2\n"
            "latency_seconds_bucket{method=\"get\",le=\"10\"} 3\n"
            "latency_seconds_bucket{method=\"get\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{method=\"get\"} 15.001\n"
            "latency_seconds_count{method=\"get\"} 4\n"
            "latency_seconds_bucket{method=\"put\",le=\"0.001\"} 0\n"
            "latency_seconds_bucket{method=\"put\",le=\"2.5\"} 0\n"
            "latency_seconds_bucket{method=\"put\",le=\"10\"} 0\n"
            "latency_seconds_bucket{method=\"put\",le=\"+Inf\"} 0\n"
            "latency_seconds_sum{method=\"put\"} 0\n"
            "latency_seconds_count{method=\"put\"} 0\n"
            "# HELP bare No labels.\n"
            "# TYPE bare histogram\n"
            "bare_bucket{le=\"1\"} 1\n"
            "bare_bucket{le=\"+Inf\"} 1\n"
            "bare_sum 0.5\n"
            "bare_count 1\n");
}

TEST(PrometheusTextTest, EscapesLabelValuesAndHelp) {
  PrometheusText text;
  text.Gauge("g", "Back\\slash \"quoted\"\nsecond line", 1,
             {{"a", "C:\\dir"}, {"b", "say \"hi\""}, {"c", "one\ntwo"}, {"d", "caf\xc3\xa9"}});
  EXPECT_TRUE(text.status().ok()) << text.status();
  EXPECT_EQ(text.Text(),
            "# HELP g Back\\\\slash \"quoted\"\\nsecond line\n"
            "# TYPE g gauge\n"
            "g{a=\"C:\\\\dir\",b=\"say \\\"hi\\\"\",c=\"one\\ntwo\",d=\"caf\xc3\xa9\"} 1\n");
}

// Adds one sample through `add`, expects it refused with `code`, and the scrape unchanged.
template <typename Add>
void ExpectRefused(PrometheusText& text, Add add, StatusCode code) {
  const std::string before = text.Text();
  PrometheusText copy = text;  // each refusal in a copy: status() keeps only the first error
  add(copy);
  EXPECT_EQ(copy.status().code(), code) << copy.status();
  EXPECT_EQ(copy.Text(), before);
}

TEST(PrometheusTextTest, RefusesAFamilyReusedWithAnotherTypeOrHelp) {
  PrometheusText text;
  text.Gauge("things", "Things.", 1, {{"k", "a"}});
  text.Histogram("latency", "Latency.", SnapshotOf({1}, {}));
  ASSERT_TRUE(text.status().ok()) << text.status();
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  ExpectRefused(
      text,
      [](PrometheusText& t) {
        t.Histogram("things", "Things.", SnapshotOf({1}, {}), {{"k", "b"}});
      },
      kInvalid);
  ExpectRefused(
      text, [](PrometheusText& t) { t.Gauge("latency", "Latency.", 1); }, kInvalid);
  ExpectRefused(
      text,
      [](PrometheusText& t) {
        t.Gauge("things", "Other help.", 1, {{"k", "b"}});
      },
      kInvalid);
}

TEST(PrometheusTextTest, RefusesNamesThatClashWithAnotherFamilysSamples) {
  PrometheusText text;
  text.Histogram("latency", "Latency.", SnapshotOf({1}, {}));
  text.Gauge("size_count", "Sizes.", 1);
  ASSERT_TRUE(text.status().ok()) << text.status();
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  ExpectRefused(
      text, [](PrometheusText& t) { t.Gauge("latency_sum", "", 1); }, kInvalid);
  ExpectRefused(
      text, [](PrometheusText& t) { t.Counter("latency_bucket", "", 1); }, kInvalid);
  ExpectRefused(
      text, [](PrometheusText& t) { t.Histogram("size", "", SnapshotOf({1}, {})); }, kInvalid);
}

TEST(PrometheusTextTest, RefusesInvalidMetricAndLabelNames) {
  PrometheusText text;
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  for (const char* name : {"", "1abc", "a-b", "a b", "caf\xc3\xa9"}) {
    ExpectRefused(
        text, [&](PrometheusText& t) { t.Gauge(name, "", 1); }, kInvalid);
  }
  for (const char* label : {"", "1a", "a-b", "a:b", "__reserved", "__name__"}) {
    ExpectRefused(
        text,
        [&](PrometheusText& t) {
          t.Gauge("g", "", 1, {{label, "v"}});
        },
        kInvalid);
  }
  ExpectRefused(
      text,
      [](PrometheusText& t) {
        t.Gauge("g", "", 1, {{"a", "1"}, {"a", "2"}});
      },
      kInvalid);
  ExpectRefused(
      text,
      [](PrometheusText& t) {
        t.Histogram("h", "", SnapshotOf({1}, {}), {{"le", "1"}});
      },
      kInvalid);
  PrometheusText valid;
  valid.Gauge("ns:sub_name", "", 1, {{"le", "fine on a gauge"}, {"_x", ""}});
  EXPECT_TRUE(valid.status().ok()) << valid.status();
}

TEST(PrometheusTextTest, RefusesTextThatIsNotUtf8) {
  PrometheusText text;
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  ExpectRefused(
      text,
      [](PrometheusText& t) {
        t.Gauge("g", "", 1, {{"k", "\xff"}});
      },
      kInvalid);
  ExpectRefused(
      text, [](PrometheusText& t) { t.Gauge("g", "bad \xc0\xaf help", 1); }, kInvalid);
}

TEST(PrometheusTextTest, RefusesCountersWithoutTotalSuffixOrNegative) {
  PrometheusText text;
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  ExpectRefused(
      text, [](PrometheusText& t) { t.Counter("requests", "", 1); }, kInvalid);
  ExpectRefused(
      text, [](PrometheusText& t) { t.Counter("requests_totals", "", 1); }, kInvalid);
  ExpectRefused(
      text, [](PrometheusText& t) { t.Counter("requests_total", "", -1); }, kInvalid);
  text.Counter("requests_total", "", 0);
  EXPECT_TRUE(text.status().ok()) << text.status();
}

TEST(PrometheusTextTest, RefusesTheSameSeriesTwiceInAnyLabelOrder) {
  PrometheusText text;
  text.Gauge("g", "", 1, {{"a", "1"}, {"b", "2"}});
  text.Histogram("h", "", SnapshotOf({1}, {}));
  ASSERT_TRUE(text.status().ok()) << text.status();
  const StatusCode kExists = StatusCode::kAlreadyExists;
  ExpectRefused(
      text,
      [](PrometheusText& t) {
        t.Gauge("g", "", 2, {{"b", "2"}, {"a", "1"}});
      },
      kExists);
  ExpectRefused(
      text, [](PrometheusText& t) { t.Histogram("h", "", SnapshotOf({1}, {})); }, kExists);
}

TEST(PrometheusTextTest, RefusesMalformedSnapshots) {
  PrometheusText text;
  Histogram::Snapshot short_counts = SnapshotOf({1, 2}, {});
  short_counts.cumulative_counts.pop_back();
  Histogram::Snapshot not_cumulative = SnapshotOf({1, 2}, {0.5});
  not_cumulative.cumulative_counts = {1, 0, 1};
  Histogram::Snapshot wrong_count = SnapshotOf({1}, {0.5});
  wrong_count.count = 7;
  Histogram::Snapshot unsorted_bounds = SnapshotOf({1, 2}, {});
  unsorted_bounds.bounds = {2, 1};
  for (const Histogram::Snapshot& bad :
       {short_counts, not_cumulative, wrong_count, unsorted_bounds}) {
    ExpectRefused(
        text, [&](PrometheusText& t) { t.Histogram("h", "", bad); }, StatusCode::kInvalidArgument);
  }
}

TEST(PrometheusTextTest, KeepsTheFirstErrorAndTheAcceptedSamples) {
  PrometheusText text;
  text.Gauge("good", "", 1);
  text.Counter("bad", "", 1);
  text.Gauge("bad-name", "", 1);
  text.Gauge("good", "", 2, {{"k", "v"}});
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(text.status().message().find("\"bad\""), std::string::npos) << text.status();
  EXPECT_EQ(text.Text(), "# TYPE good gauge\ngood 1\ngood{k=\"v\"} 2\n");
}

TEST(PrometheusTextTest, FormatsValuesShortestWithoutNeedlessExponents) {
  PrometheusText text;
  text.Gauge("v", "", 42, {{"k", "int"}});
  text.Gauge("v", "", std::nan(""), {{"k", "nan"}});
  text.Gauge("v", "", kInf, {{"k", "inf"}});
  text.Gauge("v", "", -kInf, {{"k", "minus_inf"}});
  text.Gauge("v", "", 1e-7, {{"k", "tiny"}});
  EXPECT_EQ(text.Text(),
            "# TYPE v gauge\n"
            "v{k=\"int\"} 42\n"
            "v{k=\"nan\"} NaN\n"
            "v{k=\"inf\"} +Inf\n"
            "v{k=\"minus_inf\"} -Inf\n"
            "v{k=\"tiny\"} 1e-07\n");
}

TEST(TextFormatTest, FormatSampleValue) {
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "0"},
      {-0.0, "0"},
      {42, "42"},
      {-42.5, "-42.5"},
      {1234567, "1234567"},
      {1e15, "1000000000000000"},
      {9007199254740993.0, "9007199254740992"},
      {1e20, "100000000000000000000"},
      {1e21, "1e+21"},
      {0.001, "0.001"},
      {2.5, "2.5"},
      {10, "10"},
      {0.0001, "0.0001"},
      {0.00025, "0.00025"},
      {0.00001, "1e-05"},
      {0.1 + 0.2, "0.30000000000000004"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {std::nan(""), "NaN"},
      {kInf, "+Inf"},
      {-kInf, "-Inf"}};
  for (const auto& [value, expected] : cases) EXPECT_EQ(FormatSampleValue(value), expected);
}

TEST(TextFormatTest, NameGrammar) {
  EXPECT_TRUE(IsValidMetricName("a"));
  EXPECT_TRUE(IsValidMetricName(":ns:name_1"));
  EXPECT_TRUE(IsValidMetricName("_"));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("a.b"));
  EXPECT_TRUE(IsValidLabelName("_a9"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("0"));
  EXPECT_FALSE(IsValidLabelName(""));
}

TEST(TextFormatTest, Utf8Validation) {
  for (const char* good :
       {"", "plain", "caf\xc3\xa9", "\xe2\x86\x92", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(IsValidUtf8(good)) << good;
  }
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  for (const char* bad : {"\x80", "\xff", "\xc3", "\xe2\x86", "\xc0\xaf", "\xe0\x80\xaf",
                          "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  }
}

}  // namespace
}  // namespace lashup::metrics

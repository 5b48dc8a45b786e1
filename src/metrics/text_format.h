// The lexical pieces of the Prometheus text exposition format 0.0.4, for PrometheusText.
//
// Contract: pure functions of their arguments, safe from any thread. Names are checked against
// the format's grammar only; policy (reserved "__" label names, counters ending in "_total")
// belongs to PrometheusText. Escaping assumes UTF-8 input (check it with IsValidUtf8 first):
// label values escape backslash, double quote and newline; help text escapes backslash and
// newline, as the format defines.
#ifndef LASHUP_METRICS_TEXT_FORMAT_H_
#define LASHUP_METRICS_TEXT_FORMAT_H_

#include <string>
#include <string_view>

namespace lashup::metrics {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);

// [a-zA-Z_][a-zA-Z0-9_]*
bool IsValidLabelName(std::string_view name);

// Well-formed UTF-8: no overlong forms, surrogates or code points above U+10FFFF. Prometheus
// rejects a whole scrape over one bad label value, so bad bytes are refused sample by sample.
bool IsValidUtf8(std::string_view text);

std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);

// A sample value or "le" bound: "NaN", "+Inf", "-Inf", or the shortest text that parses back to
// the same double; fixed notation from 1e-4 up to 1e21 (so 42 is "42" and 0.001 is "0.001"),
// scientific outside that range ("1e-05", "1e+21"). Negative zero is "0".
std::string FormatSampleValue(double value);

}  // namespace lashup::metrics

#endif  // LASHUP_METRICS_TEXT_FORMAT_H_

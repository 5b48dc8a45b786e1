#include "metrics/text_format.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "core/check.h"

namespace lashup::metrics {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

struct LeadByte {
  unsigned char mask;     // the bits that identify the lead byte of this length
  unsigned char pattern;  // their value
  size_t length;
  uint32_t smallest;  // a lower code point has a shorter encoding; this one would be overlong
};
constexpr LeadByte kLeadBytes[] = {
    {0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 if it is malformed.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return 1;
  for (const LeadByte& kind : kLeadBytes) {
    if ((lead & kind.mask) != kind.pattern) continue;
    if (text.size() - i < kind.length) return 0;
    uint32_t code_point = lead & static_cast<unsigned char>(~kind.mask);
    for (size_t k = 1; k < kind.length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return 0;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < kind.smallest || code_point > 0x10FFFF || surrogate) return 0;
    return kind.length;
  }
  return 0;  // a continuation byte, or 0xF8 and above
}

std::string Escape(std::string_view text, bool escape_quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || IsAsciiDigit(name[0])) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '_' && c != ':') return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || IsAsciiDigit(name[0])) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '_') return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string EscapeLabelValue(std::string_view value) { return Escape(value, true); }
std::string EscapeHelp(std::string_view help) { return Escape(help, false); }

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == 0) return "0";
  // Without a precision, to_chars writes the shortest digits that round-trip. The fixed range
  // matches JavaScript's: wide enough that counters never switch to an exponent, narrow enough
  // that 1e-300 is not three hundred zeros.
  const double magnitude = std::fabs(value);
  const std::chars_format format = magnitude >= 1e-4 && magnitude < 1e21
                                       ? std::chars_format::fixed
                                       : std::chars_format::scientific;
  char buffer[64];  // the longest output, -0.000 and 17 digits, is 23 characters
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  LASHUP_CHECK(result.ec == std::errc(), "to_chars overflowed its buffer");
  return std::string(buffer, result.ptr);
}

}  // namespace lashup::metrics

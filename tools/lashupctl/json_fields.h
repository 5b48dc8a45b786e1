// Type-checked reads of JSON members for rendering, so a reply of an unexpected shape shows as
// "-" or falls back to plain JSON instead of throwing. Stateless; safe from any thread.
#ifndef LASHUP_TOOLS_LASHUPCTL_JSON_FIELDS_H_
#define LASHUP_TOOLS_LASHUPCTL_JSON_FIELDS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lashup::ctl {

// The member `name` of `object`, or null when `object` is not an object or has no such member.
const nlohmann::json* Member(const nlohmann::json& object, std::string_view name);

std::optional<std::string> StringMember(const nlohmann::json& object, std::string_view name);
std::optional<bool> BoolMember(const nlohmann::json& object, std::string_view name);
std::optional<int64_t> IntMember(const nlohmann::json& object, std::string_view name);
// An array of strings; nullopt if absent or if any element is not a string.
std::optional<std::vector<std::string>> StringsMember(const nlohmann::json& object,
                                                      std::string_view name);

// A scalar as a table cell: strings terminal-safe, numbers and bools as JSON writes them,
// null as "-", anything else as compact JSON.
std::string CellText(const nlohmann::json& value);

// JSON text that never throws (invalid UTF-8 is replaced) and is terminal-safe.
std::string SafeDump(const nlohmann::json& value, int indent = -1);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_JSON_FIELDS_H_

#include "json_fields.h"

#include "terminal_text.h"

namespace lashup::ctl {

const nlohmann::json* Member(const nlohmann::json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> StringMember(const nlohmann::json& object, std::string_view name) {
  const nlohmann::json* member = Member(object, name);
  if (member == nullptr || !member->is_string()) return std::nullopt;
  return member->get<std::string>();
}

std::optional<bool> BoolMember(const nlohmann::json& object, std::string_view name) {
  const nlohmann::json* member = Member(object, name);
  if (member == nullptr || !member->is_boolean()) return std::nullopt;
  return member->get<bool>();
}

std::optional<int64_t> IntMember(const nlohmann::json& object, std::string_view name) {
  const nlohmann::json* member = Member(object, name);
  if (member == nullptr) return std::nullopt;
  if (member->is_number_integer()) return member->get<int64_t>();
  return std::nullopt;
}

std::optional<std::vector<std::string>> StringsMember(const nlohmann::json& object,
                                                      std::string_view name) {
  const nlohmann::json* member = Member(object, name);
  if (member == nullptr || !member->is_array()) return std::nullopt;
  std::vector<std::string> strings;
  strings.reserve(member->size());
  for (const nlohmann::json& element : *member) {
    if (!element.is_string()) return std::nullopt;
    strings.push_back(element.get<std::string>());
  }
  return strings;
}

std::string CellText(const nlohmann::json& value) {
  if (value.is_string()) return TerminalSafe(value.get<std::string>());
  if (value.is_null()) return "-";
  return SafeDump(value);
}

std::string SafeDump(const nlohmann::json& value, int indent) {
  return TerminalSafe(
      value.dump(indent, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace),
      /*keep_newlines=*/true);
}

}  // namespace lashup::ctl

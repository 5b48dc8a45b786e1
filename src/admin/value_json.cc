#include "admin/value_json.h"

#include <algorithm>
#include <variant>

#include "admin/command_line.h"
#include "admin/utf8.h"

namespace lashup::admin {
namespace {

using nlohmann::json;

json ToJson(const crdt::MapValue& value);

json ToJson(const crdt::Value& value) {
  if (const crdt::SetValue* set = value.AsSet()) {
    json elements = json::array();
    for (const std::string& element : *set) elements.push_back(EscapeInvalidUtf8(element));
    return elements;
  }
  if (const int64_t* counter = value.AsCounter()) return *counter;
  if (const bool* flag = value.AsFlag()) return *flag;
  if (const crdt::RegisterValue* reg = value.AsRegister()) {
    return json{{"value", EscapeInvalidUtf8(reg->value)}, {"timestamp", reg->timestamp}};
  }
  return ToJson(*value.AsMap());
}

json ToJson(const crdt::MapValue& value) {
  json object = json::object();
  for (const crdt::MapEntry& entry : value.entries) {
    const std::string name =
        EscapeInvalidUtf8(entry.key.name) + ":" + crdt::CrdtTypeName(entry.key.type);
    object[name] = ToJson(entry.value);
  }
  return object;
}

std::string JoinElements(const crdt::SetValue& set) {
  std::string text;
  for (const std::string& element : set) {
    if (!text.empty()) text += ", ";
    text += QuoteArg(element);
  }
  return text;
}

void AppendText(const crdt::MapValue& value, int indent, std::string& out);

void AppendField(const crdt::MapEntry& entry, int indent, std::string& out) {
  out.append(static_cast<size_t>(indent), ' ');
  out += QuoteArg(entry.key.name) + " (" + crdt::CrdtTypeName(entry.key.type) + "):";
  const crdt::Value& value = entry.value;
  if (const crdt::MapValue* map = value.AsMap()) {
    out += '\n';
    AppendText(*map, indent + 2, out);
    return;
  }
  out += ' ';
  if (const crdt::SetValue* set = value.AsSet()) out += JoinElements(*set);
  if (const int64_t* counter = value.AsCounter()) out += std::to_string(*counter);
  if (const bool* flag = value.AsFlag()) out += *flag ? "on" : "off";
  if (const crdt::RegisterValue* reg = value.AsRegister()) out += QuoteArg(reg->value);
  out += '\n';
}

void AppendText(const crdt::MapValue& value, int indent, std::string& out) {
  for (const crdt::MapEntry& entry : value.entries) AppendField(entry, indent, out);
}

}  // namespace

nlohmann::json ValueToJson(const crdt::MapValue& value) {
  // Only objects are indexed and every string is valid UTF-8, so nothing here should throw;
  // the catch keeps that promise should a future change break it.
  try {
    return ToJson(value);
  } catch (const json::exception& e) {
    return json{{"error", EscapeInvalidUtf8(std::string("rendering failed: ") + e.what())}};
  }
}

std::string ValueToText(const crdt::MapValue& value, int indent) {
  std::string out;
  AppendText(value, std::max(indent, 0), out);
  return out;
}

}  // namespace lashup::admin

#include "lashup/crdt/value.h"

#include <algorithm>
#include <sstream>

#include "crdt/text.h"

namespace lashup::crdt {

const char* CrdtTypeName(CrdtType type) {
  switch (type) {
    case CrdtType::kOrSet:
      return "orset";
    case CrdtType::kCounter:
      return "counter";
    case CrdtType::kFlag:
      return "flag";
    case CrdtType::kRegister:
      return "register";
    case CrdtType::kMap:
      return "map";
  }
  return "unknown";
}

bool IsValidCrdtType(uint8_t raw) { return raw >= 1 && raw <= 5; }

const Value* MapValue::Find(std::string_view name, CrdtType type) const {
  auto it =
      std::lower_bound(entries.begin(), entries.end(), std::pair(name, type),
                       [](const MapEntry& e, const std::pair<std::string_view, CrdtType>& k) {
                         return std::pair<std::string_view, CrdtType>(e.key.name, e.key.type) < k;
                       });
  if (it == entries.end() || it->key.name != name || it->key.type != type) return nullptr;
  return &it->value;
}

bool MapValue::empty() const { return entries.empty(); }
size_t MapValue::size() const { return entries.size(); }

bool operator==(const MapValue& a, const MapValue& b) { return a.entries == b.entries; }
bool operator==(const Value& a, const Value& b) { return a.data == b.data; }
bool operator==(const MapEntry& a, const MapEntry& b) {
  return a.key == b.key && a.value == b.value;
}

namespace {

void Write(std::ostream& os, const Value& value);

void Write(std::ostream& os, const MapValue& map) {
  os << '{';
  for (size_t i = 0; i < map.entries.size(); ++i) {
    const MapEntry& e = map.entries[i];
    os << (i ? ", " : "") << internal::Quote(e.key.name) << ':' << CrdtTypeName(e.key.type) << '=';
    Write(os, e.value);
  }
  os << '}';
}

void Write(std::ostream& os, const Value& value) {
  if (const auto* set = value.AsSet()) {
    os << '[';
    for (size_t i = 0; i < set->size(); ++i) os << (i ? ", " : "") << internal::Quote((*set)[i]);
    os << ']';
  } else if (const auto* counter = value.AsCounter()) {
    os << *counter;
  } else if (const auto* flag = value.AsFlag()) {
    os << (*flag ? "true" : "false");
  } else if (const auto* reg = value.AsRegister()) {
    os << internal::Quote(reg->value) << '@' << reg->timestamp;
  } else {
    Write(os, *value.AsMap());
  }
}

}  // namespace

std::string ToString(const MapValue& value) {
  std::ostringstream os;
  Write(os, value);
  return os.str();
}
std::string ToString(const Value& value) {
  std::ostringstream os;
  Write(os, value);
  return os.str();
}
std::ostream& operator<<(std::ostream& os, const MapValue& value) {
  Write(os, value);
  return os;
}
std::ostream& operator<<(std::ostream& os, const Value& value) {
  Write(os, value);
  return os;
}

}  // namespace lashup::crdt

// Values: what a CRDT reads as, with no causal metadata.
//
// Contract: `Value` is the value of one map field: a set (sorted, distinct elements), a counter
// (int64, wrapping on overflow), a flag (bool), a register (bytes and the timestamp that won) or
// a nested map. `MapValue` lists fields sorted by FieldKey. Values are plain data for
// applications to read and compare; they are safe to copy and share read-only between threads.
#ifndef LASHUP_CRDT_VALUE_H_
#define LASHUP_CRDT_VALUE_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lashup/crdt/stores.h"

namespace lashup::crdt {

struct RegisterValue {
  std::string value;
  int64_t timestamp = 0;
  friend bool operator==(const RegisterValue&, const RegisterValue&) = default;
};

using SetValue = std::vector<std::string>;  // sorted, distinct

struct MapEntry;
struct MapValue {
  std::vector<MapEntry> entries;  // sorted by key, distinct keys

  // The field's value, or nullptr when the map has no such field.
  const struct Value* Find(std::string_view name, CrdtType type) const;
  // Out of line: MapEntry is incomplete here.
  bool empty() const;
  size_t size() const;
};

struct Value {
  // The alternative's index + 1 is the CrdtType.
  std::variant<SetValue, int64_t, bool, RegisterValue, MapValue> data;

  CrdtType type() const { return static_cast<CrdtType>(data.index() + 1); }
  const SetValue* AsSet() const { return std::get_if<SetValue>(&data); }
  const int64_t* AsCounter() const { return std::get_if<int64_t>(&data); }
  const bool* AsFlag() const { return std::get_if<bool>(&data); }
  const RegisterValue* AsRegister() const { return std::get_if<RegisterValue>(&data); }
  const MapValue* AsMap() const { return std::get_if<MapValue>(&data); }
};

struct MapEntry {
  FieldKey key;
  Value value;
};

bool operator==(const MapValue& a, const MapValue& b);
bool operator==(const Value& a, const Value& b);
bool operator==(const MapEntry& a, const MapEntry& b);

// Readable, deterministic text: {"hits":counter=3, "vips":orset=["a","b"], ...}. Bytes that are
// not printable ASCII are escaped as \xNN.
std::string ToString(const MapValue& value);
std::string ToString(const Value& value);
std::ostream& operator<<(std::ostream& os, const MapValue& value);
std::ostream& operator<<(std::ostream& os, const Value& value);

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_VALUE_H_

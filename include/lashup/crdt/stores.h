// Dot stores: the representation inside every CRDT, shared by the standalone types and by maps.
//
// Contract: a dot store holds payloads tagged with dots; it is always paired with a
// CausalContext (its own, or the enclosing map's). A dot in the context but absent from the
// store means "was here and has been removed"; that is what lets a delta remove things without
// tombstones. Invariants every store keeps (checked by `ValidateState` in src/crdt, relied on by
// the joins): every dot in the store is in its context; no dot appears twice anywhere in one
// value; no entry is empty (an element, field or register entry with no dots is simply absent);
// dot lists are sorted and unique.
// These are plain values exposed for encoders and tests; applications use the types in
// orset.h, counter.h, flag.h, lww_register.h and map.h.
#ifndef LASHUP_CRDT_STORES_H_
#define LASHUP_CRDT_STORES_H_

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>

#include "lashup/crdt/dot.h"
#include "lashup/crdt/dot_list.h"
#include "lashup/crdt/element_map.h"

namespace lashup::crdt {

// The five CRDT types a map field can hold. The numbers are part of the encodings.
enum class CrdtType : uint8_t { kOrSet = 1, kCounter = 2, kFlag = 3, kRegister = 4, kMap = 5 };
// "orset", "counter", "flag", "register", "map".
const char* CrdtTypeName(CrdtType type);
bool IsValidCrdtType(uint8_t raw);

// A map field is named by (name, type): "hits" as a counter and "hits" as a set are different
// fields, as in riak_dt.
struct FieldKey {
  std::string name;
  CrdtType type = CrdtType::kOrSet;
  friend auto operator<=>(const FieldKey&, const FieldKey&) = default;
};

// OR-set: element -> the dots of the adds that put it there.
struct OrSetStore {
  ElementMap entries;
  friend bool operator==(const OrSetStore&, const OrSetStore&) = default;
};

// PN-counter: one entry per dot, each the cumulative increments and decrements its actor had
// made when it wrote the entry. An actor's new entry replaces its older ones.
struct CounterEntry {
  uint64_t increments = 0;
  uint64_t decrements = 0;
  friend bool operator==(const CounterEntry&, const CounterEntry&) = default;
};
struct CounterStore {
  std::map<Dot, CounterEntry> entries;
  friend bool operator==(const CounterStore&, const CounterStore&) = default;
};

// Enable-wins flag: the dots of the enables not yet disabled; enabled iff non-empty.
struct FlagStore {
  DotList dots;
  friend bool operator==(const FlagStore&, const FlagStore&) = default;
};

// LWW register: concurrent assignments survive side by side until one is overwritten; the value
// is the entry with the greatest (timestamp, value).
struct RegisterEntry {
  int64_t timestamp = 0;
  std::string value;
  friend bool operator==(const RegisterEntry&, const RegisterEntry&) = default;
};
struct RegisterStore {
  std::map<Dot, RegisterEntry> entries;
  friend bool operator==(const RegisterStore&, const RegisterStore&) = default;
};

// A heap-allocated value with value semantics (deep copy), so a map can hold maps.
template <typename T>
class Box {
 public:
  Box() : ptr_(std::make_unique<T>()) {}
  explicit Box(T value) : ptr_(std::make_unique<T>(std::move(value))) {}
  Box(const Box& other) : ptr_(std::make_unique<T>(*other.ptr_)) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) *ptr_ = *other.ptr_;
    return *this;
  }
  Box& operator=(Box&& other) noexcept = default;
  T& operator*() { return *ptr_; }
  const T& operator*() const { return *ptr_; }
  T* operator->() { return ptr_.get(); }
  const T* operator->() const { return ptr_.get(); }
  friend bool operator==(const Box& a, const Box& b) { return *a.ptr_ == *b.ptr_; }

 private:
  std::unique_ptr<T> ptr_;  // never null, except in a moved-from Box
};

struct MapStore;
// The alternative's index + 1 is the CrdtType, in the order of the enum.
using FieldStore = std::variant<OrSetStore, CounterStore, FlagStore, RegisterStore, Box<MapStore>>;

struct MapStore {
  std::map<FieldKey, FieldStore> fields;
  friend bool operator==(const MapStore&, const MapStore&) = default;
};

inline CrdtType TypeOf(const FieldStore& store) { return static_cast<CrdtType>(store.index() + 1); }

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_STORES_H_

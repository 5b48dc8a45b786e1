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
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "lashup/crdt/dot.h"

namespace lashup::crdt {

// A sorted list of distinct dots. Almost always one long (an element re-added concurrently by
// several writers holds more), so one dot is stored inline: a set element costs no allocation
// and no pointer hop beyond its map node. The interface is the subset of std::vector in use.
class DotList {
 public:
  using value_type = Dot;
  using iterator = Dot*;
  using const_iterator = const Dot*;
  using size_type = size_t;

  DotList() = default;
  DotList(std::initializer_list<Dot> dots) { Append(dots.begin(), dots.size()); }
  DotList(const DotList& other) { Append(other.begin(), other.size()); }
  DotList(DotList&& other) noexcept { Steal(other); }
  DotList& operator=(const DotList& other) {
    if (this != &other) {
      clear();
      Append(other.begin(), other.size());
    }
    return *this;
  }
  DotList& operator=(DotList&& other) noexcept {
    if (this != &other) {
      Release();
      Steal(other);
    }
    return *this;
  }
  DotList& operator=(std::initializer_list<Dot> dots) {
    clear();
    Append(dots.begin(), dots.size());
    return *this;
  }
  ~DotList() { Release(); }

  Dot* begin() { return data(); }
  Dot* end() { return data() + size_; }
  const Dot* begin() const { return data(); }
  const Dot* end() const { return data() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Dot& operator[](size_t i) const { return data()[i]; }
  const Dot& back() const { return data()[size_ - 1]; }

  void clear() { size_ = 0; }
  void reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  void push_back(Dot dot) {  // by value: `dot` may live in this list, which Grow frees
    if (size_ == capacity_) Grow(capacity_ * 2);
    data()[size_++] = dot;
  }
  void assign(size_t n, Dot dot) {
    clear();
    reserve(n);
    for (size_t i = 0; i < n; ++i) data()[size_++] = dot;
  }
  // Removes the dots `pred` selects, keeping the order; returns how many went.
  template <typename Pred>
  size_t EraseIf(Pred pred) {
    Dot* out = begin();
    for (Dot* in = begin(); in != end(); ++in) {
      if (!pred(*in)) *out++ = *in;
    }
    const size_t removed = static_cast<size_t>(end() - out);
    size_ -= removed;
    return removed;
  }

  friend bool operator==(const DotList& a, const DotList& b) {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i) {
      if (a.data()[i] != b.data()[i]) return false;
    }
    return true;
  }

 private:
  Dot* data() { return heap_ != nullptr ? heap_ : &inline_; }
  const Dot* data() const { return heap_ != nullptr ? heap_ : &inline_; }
  void Append(const Dot* first, size_t n) {
    reserve(size_ + n);
    for (size_t i = 0; i < n; ++i) data()[size_++] = first[i];
  }
  void Grow(size_t n) {
    Dot* bigger = new Dot[n];
    for (size_t i = 0; i < size_; ++i) bigger[i] = data()[i];
    delete[] heap_;
    heap_ = bigger;
    capacity_ = n;
  }
  void Steal(DotList& other) {
    inline_ = other.inline_;
    heap_ = other.heap_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.heap_ = nullptr;
    other.size_ = 0;
    other.capacity_ = 1;
  }
  void Release() {
    delete[] heap_;
    heap_ = nullptr;
    size_ = 0;
    capacity_ = 1;
  }

  Dot inline_;
  Dot* heap_ = nullptr;  // owned; in use once more than one dot was needed
  size_t size_ = 0;
  size_t capacity_ = 1;
};

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
  std::map<std::string, DotList, std::less<>> entries;
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

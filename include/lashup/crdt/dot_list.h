// DotList: the sorted, duplicate-free list of dots an OR-set element or a flag holds.
//
// Contract: a small vector of Dot with the subset of std::vector's interface the CRDT code uses;
// callers keep it sorted and unique (JoinDotLists and the mutators do). One dot is stored
// inline, so the common single-dot list costs no allocation.
#ifndef LASHUP_CRDT_DOT_LIST_H_
#define LASHUP_CRDT_DOT_LIST_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>

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
    size_ -= static_cast<uint32_t>(removed);
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
    Dot* bigger = new Dot[n];  // n < 2^32, see size_
    for (size_t i = 0; i < size_; ++i) bigger[i] = data()[i];
    delete[] heap_;
    heap_ = bigger;
    capacity_ = static_cast<uint32_t>(n);
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

  // 32 bytes in all, so a set element (key and dots) fills one cache line. A list never nears
  // 2^32 dots: it holds at most one dot per actor that added the element concurrently.
  Dot inline_;
  Dot* heap_ = nullptr;  // owned; in use once more than one dot was needed
  uint32_t size_ = 0;
  uint32_t capacity_ = 1;
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_DOT_LIST_H_

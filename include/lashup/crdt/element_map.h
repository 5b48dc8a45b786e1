// ElementMap: an OR-set's elements in order, each with its dots.
//
// Contract: an ordered map from element (a byte string) to DotList, with the part of std::map's
// interface the CRDT code, encoders and tests use. Differences from std::map, all deliberate:
// - Entries live in sorted chunks of contiguous memory (at most kMaxChunk each), not in one node
//   per entry: a walk over the whole set, which every full join and encoding does, reads memory
//   in order instead of chasing pointers, and costs one allocation per chunk.
// - Any insertion or erasure invalidates every iterator and reference into the map (as for a
//   std::vector). Code that changes the map while walking it uses the iterator `erase` returns.
// - `emplace_hint` uses its hint only when it is end() and the key sorts after every key held
//   (the way decoders and merges build a map in order); otherwise it is `emplace`.
// - An entry's `first` (the element) orders the map and must not be changed in place.
// - No `at` (it would throw); use `find`.
#ifndef LASHUP_CRDT_ELEMENT_MAP_H_
#define LASHUP_CRDT_ELEMENT_MAP_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lashup/crdt/dot_list.h"

namespace lashup::crdt {

class ElementMap {
 public:
  struct Entry {
    std::string first;  // the element
    DotList second;     // its dots
    friend bool operator==(const Entry&, const Entry&) = default;
  };

 private:
  using Chunk = std::vector<Entry>;

 public:
  template <bool kConst>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    using reference = std::conditional_t<kConst, const Entry&, Entry&>;
    using pointer = std::conditional_t<kConst, const Entry*, Entry*>;

    Iterator() = default;
    // iterator -> const_iterator.
    template <bool kOther>
      requires(kConst && !kOther)
    Iterator(const Iterator<kOther>& other) : chunk_(other.chunk_), pos_(other.pos_) {}

    reference operator*() const { return (*chunk_)[pos_]; }
    pointer operator->() const { return &(*chunk_)[pos_]; }
    Iterator& operator++() {
      if (++pos_ == chunk_->size()) {
        ++chunk_;
        pos_ = 0;
      }
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) {
      return a.chunk_ == b.chunk_ && a.pos_ == b.pos_;
    }

   private:
    friend class ElementMap;
    template <bool>
    friend class Iterator;
    using ChunkPtr = std::conditional_t<kConst, const Chunk*, Chunk*>;
    Iterator(ChunkPtr chunk, size_t pos) : chunk_(chunk), pos_(pos) {}

    ChunkPtr chunk_ = nullptr;  // no chunk is empty, so (chunk, 0) is a valid position
    size_t pos_ = 0;
  };
  using value_type = Entry;
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;

  // Entries per chunk: 64 of 64 bytes is 4 KiB, long enough for fast sequential walks while an
  // insertion or erasure in the middle of a chunk moves few entries (128 made removes from a
  // 10,000-element set about half as fast again and joins no faster, measured by crdt_bench).
  static constexpr size_t kMaxChunk = 64;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  iterator begin() { return {chunks_.data(), 0}; }
  iterator end() { return {chunks_.data() + chunks_.size(), 0}; }
  const_iterator begin() const { return {chunks_.data(), 0}; }
  const_iterator end() const { return {chunks_.data() + chunks_.size(), 0}; }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  // The last entry; the map must not be empty.
  const Entry& back() const { return chunks_.back().back(); }

  iterator find(std::string_view element);
  const_iterator find(std::string_view element) const;
  bool contains(std::string_view element) const { return find(element) != end(); }
  size_t count(std::string_view element) const { return contains(element) ? 1 : 0; }

  // Inserts (element, dots) unless the element is present; the bool says whether it inserted.
  std::pair<iterator, bool> emplace(std::string element, DotList dots);
  std::pair<iterator, bool> insert_or_assign(std::string element, DotList dots);
  iterator emplace_hint(const_iterator hint, std::string element, DotList dots);
  // Appends an entry that sorts after every entry held, the fast way to build a map in order
  // (merges). Precondition, checked by assert: empty() || back().first < element.
  void append(std::string element, DotList dots);
  // The element's dots, inserting an empty list if it is absent (which leaves an empty entry:
  // for building test states).
  DotList& operator[](std::string_view element);

  // Returns the position after the erased entry.
  iterator erase(const_iterator position);
  size_t erase(std::string_view element);
  // Erases every entry `pred` selects, in one pass; returns how many went.
  template <typename Pred>
  size_t erase_if(Pred pred) {
    size_t removed = 0;
    for (Chunk& chunk : chunks_) removed += std::erase_if(chunk, pred);
    if (removed != 0) {
      size_ -= removed;
      Coalesce();
    }
    return removed;
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }

  // Merges `theirs` into this map in one ordered pass (the join of two OR-sets). An element
  // only here goes through `mine_only(DotList&)`, one only in `theirs` through
  // `theirs_only(DotList&)` (given a copy, or its own list when `theirs` is non-const and so
  // consumed), one on both sides through `both(DotList& mine, const DotList& theirs)`; the
  // entry stays if its list is not empty afterwards. Chunks emptied by the walk are reused for
  // the result, so a merge allocates little more than the growth of this map.
  template <typename Theirs, typename MineOnly, typename TheirsOnly, typename Both>
  void Merge(Theirs& theirs, MineOnly mine_only, TheirsOnly theirs_only, Both both);

  friend bool operator==(const ElementMap& a, const ElementMap& b);

 private:
  // The order of std::string::compare, as -1, 0 or 1, with the common case of short elements
  // compared eight bytes at a time in registers rather than by a call to memcmp.
  static int CompareElements(std::string_view a, std::string_view b) {
    const size_t n = a.size() < b.size() ? a.size() : b.size();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t x;
      uint64_t y;
      std::memcpy(&x, a.data() + i, 8);
      std::memcpy(&y, b.data() + i, 8);
      if (x != y) return ByteOrder(x) < ByteOrder(y) ? -1 : 1;
    }
    for (; i < n; ++i) {
      const auto x = static_cast<unsigned char>(a[i]);
      const auto y = static_cast<unsigned char>(b[i]);
      if (x != y) return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
  }
  // Eight bytes as loaded from memory, turned into a number that orders like the bytes.
  static uint64_t ByteOrder(uint64_t loaded) {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(loaded);
    return loaded;
  }
  // A cursor over a map's chunks that hands back each chunk once it has walked past it.
  template <typename Map>
  class Walk;
  // append() for a merge: one move of the entry, and a new chunk taken from `spare` if any.
  void AppendReusing(Entry&& entry, std::vector<Chunk>& spare) {
    if (chunks_.empty() || chunks_.back().size() == kMaxChunk) AddChunk(spare);
    chunks_.back().push_back(std::move(entry));
    ++size_;
  }
  void AddChunk(std::vector<Chunk>& spare);

  struct Slot {
    size_t chunk;  // chunks_.size() when the element sorts after every element held
    size_t pos;
    bool found;
  };
  Slot Locate(std::string_view element) const;
  iterator InsertAt(Slot slot, std::string element, DotList dots);
  iterator EraseAt(size_t chunk, size_t pos);
  size_t ChunkIndex(const_iterator it) const {
    return static_cast<size_t>(it.chunk_ - chunks_.data());
  }
  // Drops empty chunks and merges neighbours that fit in one.
  void Coalesce();

  std::vector<Chunk> chunks_;  // sorted; none empty; each at most kMaxChunk long
  size_t size_ = 0;
};

template <typename Map>
class ElementMap::Walk {
 public:
  explicit Walk(Map& map) : chunks_(map.chunks_) {}
  bool done() const { return chunk_ == chunks_.size(); }
  auto& entry() const { return chunks_[chunk_][pos_]; }
  // Steps on; a chunk left behind goes to `spare` when `recycle` (its entries were moved out).
  void Next(bool recycle, std::vector<Chunk>& spare) {
    if (++pos_ < chunks_[chunk_].size()) return;
    if (recycle) {
      if constexpr (!std::is_const_v<Map>) {
        chunks_[chunk_].clear();
        spare.push_back(std::move(chunks_[chunk_]));
      }
    }
    ++chunk_;
    pos_ = 0;
  }

 private:
  std::conditional_t<std::is_const_v<Map>, const std::vector<Chunk>&, std::vector<Chunk>&> chunks_;
  size_t chunk_ = 0;
  size_t pos_ = 0;
};

template <typename Theirs, typename MineOnly, typename TheirsOnly, typename Both>
void ElementMap::Merge(Theirs& theirs, MineOnly mine_only, TheirsOnly theirs_only, Both both) {
  static_assert(std::is_same_v<std::remove_const_t<Theirs>, ElementMap>);
  constexpr bool kConsume = !std::is_const_v<Theirs>;
  if (&theirs == this) {  // the walk below takes this map apart as it goes
    ElementMap copy = theirs;
    Merge(std::as_const(copy), mine_only, theirs_only, both);
    return;
  }
  ElementMap out;
  std::vector<Chunk> spare;
  Walk<ElementMap> a(*this);
  Walk<Theirs> b(theirs);
  while (!a.done() || !b.done()) {
    const int order = a.done()   ? 1
                      : b.done() ? -1
                                 : CompareElements(a.entry().first, b.entry().first);
    if (order <= 0) {
      Entry& mine = a.entry();
      if (order < 0) {
        mine_only(mine.second);
      } else {
        both(mine.second, b.entry().second);
        b.Next(kConsume, spare);
      }
      if (!mine.second.empty()) out.AppendReusing(std::move(mine), spare);
      a.Next(true, spare);
      continue;
    }
    if constexpr (kConsume) {
      Entry& entry = b.entry();
      theirs_only(entry.second);
      if (!entry.second.empty()) out.AppendReusing(std::move(entry), spare);
    } else {
      DotList copy = b.entry().second;
      theirs_only(copy);
      if (!copy.empty()) out.AppendReusing(Entry{b.entry().first, std::move(copy)}, spare);
    }
    b.Next(kConsume, spare);
  }
  *this = std::move(out);
  if constexpr (kConsume) theirs.clear();
}

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_ELEMENT_MAP_H_

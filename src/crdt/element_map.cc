#include "lashup/crdt/element_map.h"

#include <algorithm>
#include <cassert>

namespace lashup::crdt {

ElementMap::Slot ElementMap::Locate(std::string_view element) const {
  // The first chunk whose last element is not below `element` holds it, if anyone does.
  const auto chunk = std::partition_point(chunks_.begin(), chunks_.end(), [&](const Chunk& c) {
    return std::string_view(c.back().first) < element;
  });
  if (chunk == chunks_.end()) return {chunks_.size(), 0, false};
  const auto entry = std::partition_point(chunk->begin(), chunk->end(), [&](const Entry& e) {
    return std::string_view(e.first) < element;
  });
  return {static_cast<size_t>(chunk - chunks_.begin()), static_cast<size_t>(entry - chunk->begin()),
          entry->first == element};  // entry is not end: the chunk's last is not below
}

ElementMap::iterator ElementMap::find(std::string_view element) {
  const Slot slot = Locate(element);
  return slot.found ? iterator(&chunks_[slot.chunk], slot.pos) : end();
}

ElementMap::const_iterator ElementMap::find(std::string_view element) const {
  const Slot slot = Locate(element);
  return slot.found ? const_iterator(&chunks_[slot.chunk], slot.pos) : end();
}

std::pair<ElementMap::iterator, bool> ElementMap::emplace(std::string element, DotList dots) {
  const Slot slot = Locate(element);
  if (slot.found) return {iterator(&chunks_[slot.chunk], slot.pos), false};
  return {InsertAt(slot, std::move(element), std::move(dots)), true};
}

std::pair<ElementMap::iterator, bool> ElementMap::insert_or_assign(std::string element,
                                                                   DotList dots) {
  const Slot slot = Locate(element);
  if (!slot.found) return {InsertAt(slot, std::move(element), std::move(dots)), true};
  chunks_[slot.chunk][slot.pos].second = std::move(dots);
  return {iterator(&chunks_[slot.chunk], slot.pos), false};
}

ElementMap::iterator ElementMap::emplace_hint(const_iterator hint, std::string element,
                                              DotList dots) {
  if (hint == end() && (empty() || back().first < element)) {
    append(std::move(element), std::move(dots));
    return {&chunks_.back(), chunks_.back().size() - 1};
  }
  return emplace(std::move(element), std::move(dots)).first;
}

void ElementMap::append(std::string element, DotList dots) {
  assert(empty() || back().first < element);
  std::vector<Chunk> no_spare;
  AppendReusing(Entry{std::move(element), std::move(dots)}, no_spare);
}

DotList& ElementMap::operator[](std::string_view element) {
  const Slot slot = Locate(element);
  if (slot.found) return chunks_[slot.chunk][slot.pos].second;
  return InsertAt(slot, std::string(element), DotList{})->second;
}

void ElementMap::AddChunk(std::vector<Chunk>& spare) {
  if (spare.empty()) {
    // Full chunks for a map built in order, without over-allocating a small one: a new chunk
    // has room for as many entries as the map holds so far.
    chunks_.emplace_back().reserve(std::min(kMaxChunk, size_ + 1));
  } else {
    chunks_.push_back(std::move(spare.back()));
    spare.pop_back();
  }
}

ElementMap::iterator ElementMap::InsertAt(Slot slot, std::string element, DotList dots) {
  if (slot.chunk == chunks_.size()) {
    append(std::move(element), std::move(dots));
    return {&chunks_.back(), chunks_.back().size() - 1};
  }
  if (chunks_[slot.chunk].size() == kMaxChunk) {
    // Split the full chunk in two halves first.
    Chunk& full = chunks_[slot.chunk];
    const size_t half = kMaxChunk / 2;
    Chunk tail(std::make_move_iterator(full.begin() + half), std::make_move_iterator(full.end()));
    full.erase(full.begin() + half, full.end());
    chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(slot.chunk) + 1, std::move(tail));
    if (slot.pos > half) {
      ++slot.chunk;
      slot.pos -= half;
    }
  }
  Chunk& chunk = chunks_[slot.chunk];
  chunk.insert(chunk.begin() + static_cast<ptrdiff_t>(slot.pos),
               Entry{std::move(element), std::move(dots)});
  ++size_;
  return {&chunk, slot.pos};
}

ElementMap::iterator ElementMap::erase(const_iterator position) {
  return EraseAt(ChunkIndex(position), position.pos_);
}

size_t ElementMap::erase(std::string_view element) {
  const Slot slot = Locate(element);
  if (!slot.found) return 0;
  EraseAt(slot.chunk, slot.pos);
  return 1;
}

ElementMap::iterator ElementMap::EraseAt(size_t index, size_t pos) {
  Chunk& chunk = chunks_[index];
  chunk.erase(chunk.begin() + static_cast<ptrdiff_t>(pos));
  --size_;
  if (chunk.empty()) {
    chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(index));
    return {chunks_.data() + index, 0};
  }
  // Keep chunks from thinning out under many erasures: fold the next chunk into a small one.
  // Positions up to `pos` are unchanged by that.
  if (index + 1 < chunks_.size() && chunk.size() + chunks_[index + 1].size() <= kMaxChunk / 2) {
    Chunk& next = chunks_[index + 1];
    chunk.insert(chunk.end(), std::make_move_iterator(next.begin()),
                 std::make_move_iterator(next.end()));
    chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(index) + 1);
  }
  if (pos == chunk.size()) return {chunks_.data() + index + 1, 0};
  return {chunks_.data() + index, pos};
}

void ElementMap::Coalesce() {
  std::vector<Chunk> kept;
  kept.reserve(chunks_.size());
  for (Chunk& chunk : chunks_) {
    if (chunk.empty()) continue;
    if (!kept.empty() && kept.back().size() + chunk.size() <= kMaxChunk) {
      kept.back().insert(kept.back().end(), std::make_move_iterator(chunk.begin()),
                         std::make_move_iterator(chunk.end()));
    } else {
      kept.push_back(std::move(chunk));
    }
  }
  chunks_ = std::move(kept);
}

bool operator==(const ElementMap& a, const ElementMap& b) {
  // Equal maps may be chunked differently: compare the entries.
  return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace lashup::crdt

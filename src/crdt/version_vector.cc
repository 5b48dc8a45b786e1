#include "lashup/crdt/version_vector.h"

#include <algorithm>
#include <sstream>

namespace lashup::crdt {
namespace {

bool ActorLess(const VersionVector::Entry& e, ActorId actor) { return e.first < actor; }

}  // namespace

Result<VersionVector> VersionVector::FromEntries(std::vector<Entry> entries) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].second == 0) {
      return InvalidArgumentError("version vector: zero counter for actor " +
                                  entries[i].first.ToString());
    }
    if (entries[i].second > kMaxDotCounter) {
      return InvalidArgumentError("version vector: counter " + std::to_string(entries[i].second) +
                                  " for actor " + entries[i].first.ToString() +
                                  " exceeds the limit 2^62");
    }
    if (i > 0 && !(entries[i - 1].first < entries[i].first)) {
      return InvalidArgumentError("version vector: actors not sorted and distinct at entry " +
                                  std::to_string(i));
    }
  }
  VersionVector vv;
  vv.entries_ = std::move(entries);
  return vv;
}

uint64_t VersionVector::Get(ActorId actor) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), actor, ActorLess);
  return it != entries_.end() && it->first == actor ? it->second : 0;
}

void VersionVector::Raise(ActorId actor, uint64_t counter) {
  if (counter == 0) return;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), actor, ActorLess);
  if (it != entries_.end() && it->first == actor) {
    it->second = std::max(it->second, counter);
  } else {
    entries_.insert(it, {actor, counter});
  }
}

uint64_t VersionVector::Increment(ActorId actor) {
  uint64_t next = Get(actor) + 1;
  Raise(actor, next);
  return next;
}

void VersionVector::Merge(const VersionVector& other) {
  if (other.entries_.empty()) return;
  std::vector<Entry> out;
  out.reserve(entries_.size() + other.entries_.size());
  auto a = entries_.begin();
  auto b = other.entries_.begin();
  while (a != entries_.end() || b != other.entries_.end()) {
    if (b == other.entries_.end() || (a != entries_.end() && a->first < b->first)) {
      out.push_back(*a++);
    } else if (a == entries_.end() || b->first < a->first) {
      out.push_back(*b++);
    } else {
      out.emplace_back(a->first, std::max(a->second, b->second));
      ++a;
      ++b;
    }
  }
  entries_ = std::move(out);
}

bool VersionVector::Descends(const VersionVector& other) const {
  return std::all_of(other.entries_.begin(), other.entries_.end(),
                     [this](const Entry& e) { return Get(e.first) >= e.second; });
}

bool VersionVector::Dominates(const VersionVector& other) const {
  return Descends(other) && *this != other;
}

CausalOrder VersionVector::Compare(const VersionVector& other) const {
  const bool down = Descends(other);
  const bool up = other.Descends(*this);
  if (down && up) return CausalOrder::kEqual;
  if (down) return CausalOrder::kAfter;
  if (up) return CausalOrder::kBefore;
  return CausalOrder::kConcurrent;
}

std::string VersionVector::ToString() const {
  std::ostringstream os;
  os << *this;
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const VersionVector& vv) {
  os << '{';
  for (size_t i = 0; i < vv.entries().size(); ++i) {
    os << (i ? ", " : "") << vv.entries()[i].first << ':' << vv.entries()[i].second;
  }
  return os << '}';
}

std::ostream& operator<<(std::ostream& os, CausalOrder order) {
  switch (order) {
    case CausalOrder::kEqual:
      return os << "equal";
    case CausalOrder::kBefore:
      return os << "before";
    case CausalOrder::kAfter:
      return os << "after";
    case CausalOrder::kConcurrent:
      return os << "concurrent";
  }
  return os << "?";
}

}  // namespace lashup::crdt

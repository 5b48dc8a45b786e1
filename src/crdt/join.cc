// The joins of the dot stores (Almeida, Shoker, Baquero, "Delta State Replicated Data Types",
// 2018, section 6): a dot survives if both sides hold it, or if one side holds it and the other
// has not seen it.
#include <algorithm>
#include <iterator>
#include <optional>
#include <type_traits>
#include <utility>

#include "crdt/dot_list_ops.h"
#include "crdt/store_dots.h"
#include "lashup/crdt/causal.h"

namespace lashup::crdt::internal {
namespace {

int Compare(const FieldKey& a, const FieldKey& b) {
  const auto order = a <=> b;
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}

// Merge-walks two sorted maps. One-sided entries of `mine` get DropSeen(their context) and go
// if emptied; one-sided entries of `theirs` are copied (or, when `theirs` may be consumed,
// spliced over without allocating) with DropSeen(my context); entries on both sides are joined
// by `join_both`, which returns false to erase the result.
template <typename SortedMap, typename TheirMap, typename JoinBoth>
void JoinMaps(SortedMap& mine, const CausalContext& my_context, TheirMap& theirs,
              const CausalContext& their_context, JoinBoth join_both) {
  constexpr bool kConsume = !std::is_const_v<TheirMap>;
  auto it = mine.begin();
  auto jt = theirs.begin();
  while (it != mine.end() || jt != theirs.end()) {
    // One three-way comparison per step: key comparisons dominate a join of large sets.
    const int order = it == mine.end()     ? 1
                      : jt == theirs.end() ? -1
                                           : Compare(it->first, jt->first);
    if (order < 0) {
      DropSeen(it->second, their_context);
      it = IsEmpty(it->second) ? mine.erase(it) : std::next(it);
    } else if (order > 0) {
      if constexpr (kConsume) {
        auto node = theirs.extract(jt++);
        DropSeen(node.mapped(), my_context);
        if (!IsEmpty(node.mapped())) mine.insert(it, std::move(node));
      } else {
        auto copy = jt->second;
        DropSeen(copy, my_context);
        if (!IsEmpty(copy)) mine.emplace_hint(it, jt->first, std::move(copy));
        ++jt;
      }
    } else {
      it = join_both(it->second, jt->second) ? std::next(it) : mine.erase(it);
      ++jt;
    }
  }
}

// Dot-keyed stores (counters, registers): a dot's payload is the same wherever it is.
template <typename DotKeyedMap>
void JoinDotKeyed(DotKeyedMap& mine, const CausalContext& my_context, const DotKeyedMap& theirs,
                  const CausalContext& their_context) {
  auto it = mine.begin();
  auto jt = theirs.begin();
  while (it != mine.end() || jt != theirs.end()) {
    if (jt == theirs.end() || (it != mine.end() && it->first < jt->first)) {
      it = their_context.Contains(it->first) ? mine.erase(it) : std::next(it);
    } else if (it == mine.end() || jt->first < it->first) {
      if (!my_context.Contains(jt->first)) mine.emplace_hint(it, *jt);
      ++jt;
    } else {
      ++it;
      ++jt;
    }
  }
}

}  // namespace

// `TheirSet` is OrSetStore (consumed) or const OrSetStore (copied from).
template <typename TheirSet>
void JoinSetFull(OrSetStore& mine, const CausalContext& my_context, TheirSet& theirs,
                 const CausalContext& their_context) {
  mine.entries.Merge(
      theirs.entries, [&](DotList& dots) { DropSeen(dots, their_context); },
      [&](DotList& dots) { DropSeen(dots, my_context); },
      [&](DotList& a, const DotList& b) { JoinDotLists(a, my_context, b, their_context); });
}

void JoinFull(OrSetStore& mine, const CausalContext& my_context, const OrSetStore& theirs,
              const CausalContext& their_context) {
  JoinSetFull(mine, my_context, theirs, their_context);
}

void JoinFull(CounterStore& mine, const CausalContext& my_context, const CounterStore& theirs,
              const CausalContext& their_context) {
  JoinDotKeyed(mine.entries, my_context, theirs.entries, their_context);
}

void JoinFull(FlagStore& mine, const CausalContext& my_context, const FlagStore& theirs,
              const CausalContext& their_context) {
  JoinDotLists(mine.dots, my_context, theirs.dots, their_context);
}

void JoinFull(RegisterStore& mine, const CausalContext& my_context, const RegisterStore& theirs,
              const CausalContext& their_context) {
  JoinDotKeyed(mine.entries, my_context, theirs.entries, their_context);
}

// `TheirMap` is MapStore (consumed) or const MapStore (copied from).
template <typename TheirMap>
void JoinMapFull(MapStore& mine, const CausalContext& my_context, TheirMap& theirs,
                 const CausalContext& their_context) {
  JoinMaps(mine.fields, my_context, theirs.fields, their_context, [&](FieldStore& a, auto& b) {
    std::visit(
        [&](auto& sa) {
          using S = std::decay_t<decltype(sa)>;
          auto& sb = std::get<S>(b);  // same key, same type
          if constexpr (std::is_same_v<S, Box<MapStore>>) {
            JoinMapFull(*sa, my_context, *sb, their_context);
          } else if constexpr (std::is_same_v<S, OrSetStore>) {
            JoinSetFull(sa, my_context, sb, their_context);
          } else {
            JoinFull(sa, my_context, sb, their_context);
          }
        },
        a);
    return !IsEmpty(a);
  });
}

void JoinFull(MapStore& mine, const CausalContext& my_context, const MapStore& theirs,
              const CausalContext& their_context) {
  JoinMapFull(mine, my_context, theirs, their_context);
}

namespace {

// Delta joins. A full join visits every entry of `mine`, but an entry only `mine` holds changes
// only if it holds a dot that `theirs` has seen (and so removed). Such a dot is in both contexts.
// So: collect the dots in both contexts (the candidates), join the keys `theirs` holds, striking
// from the candidates the dots `mine` held under those keys, and only if candidates remain scan
// `mine` for them. For a delta from an add, assign or increment the candidates are exactly the
// dots it replaced, found under its own keys, and the join costs O(delta * log(state)).
class Candidates {
 public:
  // None when `theirs` holds too many dots to enumerate cheaply (a full state).
  static std::optional<Candidates> For(const CausalContext& mine, const CausalContext& theirs) {
    constexpr uint64_t kMaxDots = 256;
    if (theirs.DotCount() > kMaxDots) return std::nullopt;
    Candidates out;
    for (const auto& [actor, counter] : theirs.compact().entries()) {
      for (uint64_t c = 1; c <= counter; ++c) out.AddIfSeen(mine, Dot{actor, c});
    }
    for (const Dot& d : theirs.cloud()) out.AddIfSeen(mine, d);
    std::sort(out.dots_.begin(), out.dots_.end());
    return out;
  }

  template <typename Dots>
  void Forget(const Dots& dots) {
    if (dots_.empty()) return;
    for (const Dot& d : dots) {
      auto it = std::lower_bound(dots_.begin(), dots_.end(), d);
      if (it != dots_.end() && *it == d) dots_.erase(it);
    }
  }
  bool empty() const { return dots_.empty(); }
  CausalContext AsContext() const { return ContextOf(dots_); }

 private:
  void AddIfSeen(const CausalContext& mine, const Dot& d) {
    if (mine.Contains(d)) dots_.push_back(d);
  }
  std::vector<Dot> dots_;
};

template <typename Store>
void CopyUnseen(const Store& theirs, const CausalContext& my_context, Store& out) {
  out = theirs;
  DropSeen(out, my_context);
}

void SparseJoin(OrSetStore& mine, const CausalContext& my_context, const OrSetStore& theirs,
                const CausalContext& their_context, Candidates& candidates) {
  for (const auto& [element, their_dots] : theirs.entries) {
    auto it = mine.entries.find(element);
    if (it == mine.entries.end()) {
      DotList kept;
      CopyUnseen(their_dots, my_context, kept);
      if (!kept.empty()) mine.entries.emplace(element, std::move(kept));
      continue;
    }
    candidates.Forget(it->second);
    JoinDotLists(it->second, my_context, their_dots, their_context);
    if (it->second.empty()) mine.entries.erase(it);
  }
}

void SparseJoin(MapStore& mine, const CausalContext& my_context, const MapStore& theirs,
                const CausalContext& their_context, Candidates& candidates);

void SparseJoinField(FieldStore& mine, const CausalContext& my_context, const FieldStore& theirs,
                     const CausalContext& their_context, Candidates& candidates) {
  std::visit(
      [&](auto& sa) {
        using S = std::decay_t<decltype(sa)>;
        const S& sb = std::get<S>(theirs);
        if constexpr (std::is_same_v<S, Box<MapStore>>) {
          SparseJoin(*sa, my_context, *sb, their_context, candidates);
        } else if constexpr (std::is_same_v<S, OrSetStore>) {
          SparseJoin(sa, my_context, sb, their_context, candidates);
        } else {
          // Counters, flags and registers hold a few dots: join them whole.
          std::vector<Dot> held;
          CollectDots(sa, held);
          std::sort(held.begin(), held.end());
          candidates.Forget(held);
          JoinFull(sa, my_context, sb, their_context);
        }
      },
      mine);
}

void SparseJoin(MapStore& mine, const CausalContext& my_context, const MapStore& theirs,
                const CausalContext& their_context, Candidates& candidates) {
  for (const auto& [key, their_field] : theirs.fields) {
    auto it = mine.fields.find(key);
    if (it == mine.fields.end()) {
      FieldStore kept = their_field;
      DropSeen(kept, my_context);
      if (!IsEmpty(kept)) mine.fields.emplace(key, std::move(kept));
      continue;
    }
    SparseJoinField(it->second, my_context, their_field, their_context, candidates);
    if (IsEmpty(it->second)) mine.fields.erase(it);
  }
}

template <typename Store>
bool TrySparseJoin(Store& mine, const CausalContext& my_context, const Store& theirs,
                   const CausalContext& their_context) {
  auto candidates = Candidates::For(my_context, their_context);
  if (!candidates) return false;
  SparseJoin(mine, my_context, theirs, their_context, *candidates);
  // Candidates left are dots `theirs` removed that `mine` may hold under keys `theirs` lacks.
  if (!candidates->empty()) DropSeen(mine, candidates->AsContext());
  return true;
}

}  // namespace

void JoinInto(OrSetStore& mine, const CausalContext& my_context, const OrSetStore& theirs,
              const CausalContext& their_context) {
  if (TrySparseJoin(mine, my_context, theirs, their_context)) return;
  JoinFull(mine, my_context, theirs, their_context);
}

void JoinInto(OrSetStore& mine, const CausalContext& my_context, OrSetStore&& theirs,
              const CausalContext& their_context) {
  if (TrySparseJoin(mine, my_context, std::as_const(theirs), their_context)) return;
  JoinSetFull(mine, my_context, theirs, their_context);
}

void JoinInto(CounterStore& mine, const CausalContext& my_context, const CounterStore& theirs,
              const CausalContext& their_context) {
  JoinFull(mine, my_context, theirs, their_context);
}

void JoinInto(FlagStore& mine, const CausalContext& my_context, const FlagStore& theirs,
              const CausalContext& their_context) {
  JoinFull(mine, my_context, theirs, their_context);
}

void JoinInto(RegisterStore& mine, const CausalContext& my_context, const RegisterStore& theirs,
              const CausalContext& their_context) {
  JoinFull(mine, my_context, theirs, their_context);
}

void JoinInto(MapStore& mine, const CausalContext& my_context, const MapStore& theirs,
              const CausalContext& their_context) {
  if (TrySparseJoin(mine, my_context, theirs, their_context)) return;
  JoinFull(mine, my_context, theirs, their_context);
}

void JoinInto(MapStore& mine, const CausalContext& my_context, MapStore&& theirs,
              const CausalContext& their_context) {
  if (TrySparseJoin(mine, my_context, std::as_const(theirs), their_context)) return;
  JoinMapFull(mine, my_context, theirs, their_context);
}

}  // namespace lashup::crdt::internal

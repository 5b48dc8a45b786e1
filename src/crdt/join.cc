// The joins of the dot stores (Almeida, Shoker, Baquero, "Delta State Replicated Data Types",
// 2018, section 6): a dot survives if both sides hold it, or if one side holds it and the other
// has not seen it.
#include <iterator>

#include "crdt/dot_list.h"
#include "crdt/store_dots.h"
#include "lashup/crdt/causal.h"

namespace lashup::crdt::internal {
namespace {

// Merge-walks two sorted maps. One-sided entries of `mine` get DropSeen(their context) and go
// if emptied; one-sided entries of `theirs` are copied with DropSeen(my context); entries on
// both sides are joined by `join_both`, which returns false to erase the result.
template <typename SortedMap, typename JoinBoth>
void JoinMaps(SortedMap& mine, const CausalContext& my_context, const SortedMap& theirs,
              const CausalContext& their_context, JoinBoth join_both) {
  auto it = mine.begin();
  auto jt = theirs.begin();
  while (it != mine.end() || jt != theirs.end()) {
    if (jt == theirs.end() || (it != mine.end() && mine.key_comp()(it->first, jt->first))) {
      DropSeen(it->second, their_context);
      it = IsEmpty(it->second) ? mine.erase(it) : std::next(it);
    } else if (it == mine.end() || mine.key_comp()(jt->first, it->first)) {
      auto copy = jt->second;
      DropSeen(copy, my_context);
      if (!IsEmpty(copy)) mine.emplace_hint(it, jt->first, std::move(copy));
      ++jt;
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

void JoinInto(OrSetStore& mine, const CausalContext& my_context, const OrSetStore& theirs,
              const CausalContext& their_context) {
  JoinMaps(mine.entries, my_context, theirs.entries, their_context,
           [&](DotList& a, const DotList& b) {
             JoinDotLists(a, my_context, b, their_context);
             return !a.empty();
           });
}

void JoinInto(CounterStore& mine, const CausalContext& my_context, const CounterStore& theirs,
              const CausalContext& their_context) {
  JoinDotKeyed(mine.entries, my_context, theirs.entries, their_context);
}

void JoinInto(FlagStore& mine, const CausalContext& my_context, const FlagStore& theirs,
              const CausalContext& their_context) {
  JoinDotLists(mine.dots, my_context, theirs.dots, their_context);
}

void JoinInto(RegisterStore& mine, const CausalContext& my_context, const RegisterStore& theirs,
              const CausalContext& their_context) {
  JoinDotKeyed(mine.entries, my_context, theirs.entries, their_context);
}

void JoinInto(MapStore& mine, const CausalContext& my_context, const MapStore& theirs,
              const CausalContext& their_context) {
  JoinMaps(mine.fields, my_context, theirs.fields, their_context,
           [&](FieldStore& a, const FieldStore& b) {
             std::visit(
                 [&](auto& sa) {
                   using S = std::decay_t<decltype(sa)>;
                   const S& sb = std::get<S>(b);  // same key, same type
                   if constexpr (std::is_same_v<S, Box<MapStore>>) {
                     JoinInto(*sa, my_context, *sb, their_context);
                   } else {
                     JoinInto(sa, my_context, sb, their_context);
                   }
                 },
                 a);
             return !IsEmpty(a);
           });
}

}  // namespace lashup::crdt::internal

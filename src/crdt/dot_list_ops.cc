#include "crdt/dot_list_ops.h"

#include <algorithm>

namespace lashup::crdt::internal {

void JoinDotLists(DotList& mine, const CausalContext& my_context, const DotList& theirs,
                  const CausalContext& their_context) {
  if (mine == theirs) return;
  DotList out;
  auto a = mine.begin();
  auto b = theirs.begin();
  while (a != mine.end() || b != theirs.end()) {
    if (b == theirs.end() || (a != mine.end() && *a < *b)) {
      if (!their_context.Contains(*a)) out.push_back(*a);
      ++a;
    } else if (a == mine.end() || *b < *a) {
      if (!my_context.Contains(*b)) out.push_back(*b);
      ++b;
    } else {
      out.push_back(*a);
      ++a;
      ++b;
    }
  }
  mine = std::move(out);
}

void DropSeen(DotList& dots, const CausalContext& context) {
  dots.EraseIf([&](const Dot& d) { return context.Contains(d); });
}

bool ContainsDot(const DotList& dots, const Dot& dot) {
  return std::binary_search(dots.begin(), dots.end(), dot);
}

}  // namespace lashup::crdt::internal

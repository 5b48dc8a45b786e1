#include "crdt/mutators.h"

#include <iterator>
#include <limits>

#include "crdt/dot_list_ops.h"

namespace lashup::crdt::internal {
namespace {

Dot TakeDot(CausalContext& context, ActorId actor, CausalContext& delta_context) {
  const Dot dot = context.NextDot(actor);
  context.Add(dot);
  delta_context.Add(dot);
  return dot;
}

// Moves the dots `seen` covers (all when null) out of `dots` into `delta_context`.
void RemoveDots(DotList& dots, const CausalContext* seen, CausalContext& delta_context) {
  dots.EraseIf([&](const Dot& d) {
    if (seen != nullptr && !seen->Contains(d)) return false;
    delta_context.Add(d);
    return true;
  });
}

bool Wins(const RegisterEntry& a, const RegisterEntry& b) {
  if (a.timestamp != b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

}  // namespace

void AddElement(OrSetStore& store, CausalContext& context, ActorId actor, std::string_view element,
                OrSetStore& delta, CausalContext& delta_context) {
  const Dot dot = TakeDot(context, actor, delta_context);
  auto it = store.entries.find(element);
  if (it == store.entries.end()) {
    it = store.entries.emplace(std::string(element), DotList{}).first;
  }
  for (const Dot& old : it->second) delta_context.Add(old);
  it->second.assign(1, dot);
  delta.entries.insert_or_assign(std::string(element), DotList{dot});
}

bool RemoveElement(OrSetStore& store, std::string_view element, const CausalContext* seen,
                   CausalContext& delta_context) {
  auto it = store.entries.find(element);
  if (it == store.entries.end()) return false;
  RemoveDots(it->second, seen, delta_context);
  if (it->second.empty()) store.entries.erase(it);
  return true;
}

void AddToCounter(CounterStore& store, CausalContext& context, ActorId actor, int64_t amount,
                  CounterStore& delta, CausalContext& delta_context) {
  // The actor's entries are contiguous in dot order and the newest holds its totals (older ones
  // only linger where deltas arrived out of order); replace them all with one new entry.
  CounterEntry total;
  auto it = store.entries.lower_bound(Dot{actor, 0});
  while (it != store.entries.end() && it->first.actor == actor) {
    total = it->second;
    delta_context.Add(it->first);
    it = store.entries.erase(it);
  }
  // Unsigned arithmetic: amounts wrap instead of overflowing, INT64_MIN included.
  if (amount >= 0) {
    total.increments += static_cast<uint64_t>(amount);
  } else {
    total.decrements += uint64_t{0} - static_cast<uint64_t>(amount);
  }
  const Dot dot = TakeDot(context, actor, delta_context);
  store.entries.emplace(dot, total);
  delta.entries.emplace(dot, total);
}

void EnableFlag(FlagStore& store, CausalContext& context, ActorId actor, FlagStore& delta,
                CausalContext& delta_context) {
  const Dot dot = TakeDot(context, actor, delta_context);
  for (const Dot& old : store.dots) delta_context.Add(old);
  store.dots.assign(1, dot);
  delta.dots.assign(1, dot);
}

void DisableFlag(FlagStore& store, const CausalContext* seen, CausalContext& delta_context) {
  RemoveDots(store.dots, seen, delta_context);
}

bool AssignRegister(RegisterStore& store, CausalContext& context, ActorId actor,
                    RegisterEntry entry, RegisterStore& delta, CausalContext& delta_context) {
  const RegisterEntry* winner = RegisterWinner(store);
  if (winner != nullptr && !Wins(entry, *winner)) return false;
  for (const auto& [dot, old] : store.entries) delta_context.Add(dot);
  store.entries.clear();
  const Dot dot = TakeDot(context, actor, delta_context);
  store.entries.emplace(dot, entry);
  delta.entries.emplace(dot, std::move(entry));
  return true;
}

const RegisterEntry* RegisterWinner(const RegisterStore& store) {
  const RegisterEntry* best = nullptr;
  for (const auto& [dot, entry] : store.entries) {
    if (best == nullptr || Wins(entry, *best)) best = &entry;
  }
  return best;
}

int64_t TimestampToWin(const RegisterStore& store) {
  const RegisterEntry* winner = RegisterWinner(store);
  if (winner == nullptr) return std::numeric_limits<int64_t>::min();
  if (winner->timestamp == std::numeric_limits<int64_t>::max()) return winner->timestamp;
  return winner->timestamp + 1;
}

int64_t CounterValue(const CounterStore& store) {
  // Sum each actor's newest entry only: an older entry of the same actor, still present where
  // the delta that replaced it has not arrived yet, is already included in the newer totals.
  uint64_t sum = 0;
  for (auto it = store.entries.begin(); it != store.entries.end(); ++it) {
    auto next = std::next(it);
    if (next != store.entries.end() && next->first.actor == it->first.actor) continue;
    sum += it->second.increments - it->second.decrements;
  }
  return static_cast<int64_t>(sum);
}

}  // namespace lashup::crdt::internal

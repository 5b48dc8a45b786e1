#include "crdt/store_dots.h"

#include <algorithm>

#include "core/check.h"
#include "crdt/dot_list_ops.h"

namespace lashup::crdt::internal {
namespace {

template <typename DotKeyedMap>
void DropSeenKeys(DotKeyedMap& entries, const CausalContext& context) {
  std::erase_if(entries, [&](const auto& entry) { return context.Contains(entry.first); });
}

}  // namespace

bool IsEmpty(const OrSetStore& store) { return store.entries.empty(); }
bool IsEmpty(const CounterStore& store) { return store.entries.empty(); }
bool IsEmpty(const FlagStore& store) { return store.dots.empty(); }
bool IsEmpty(const RegisterStore& store) { return store.entries.empty(); }
bool IsEmpty(const MapStore& store) { return store.fields.empty(); }
bool IsEmpty(const FieldStore& store) {
  return std::visit(
      [](const auto& s) {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Box<MapStore>>) {
          return IsEmpty(*s);
        } else {
          return IsEmpty(s);
        }
      },
      store);
}

void CollectDots(const OrSetStore& store, std::vector<Dot>& out) {
  for (const auto& [element, dots] : store.entries) out.insert(out.end(), dots.begin(), dots.end());
}
void CollectDots(const CounterStore& store, std::vector<Dot>& out) {
  for (const auto& entry : store.entries) out.push_back(entry.first);
}
void CollectDots(const FlagStore& store, std::vector<Dot>& out) {
  out.insert(out.end(), store.dots.begin(), store.dots.end());
}
void CollectDots(const RegisterStore& store, std::vector<Dot>& out) {
  for (const auto& entry : store.entries) out.push_back(entry.first);
}
void CollectDots(const MapStore& store, std::vector<Dot>& out) {
  for (const auto& [key, field] : store.fields) CollectDots(field, out);
}
void CollectDots(const FieldStore& store, std::vector<Dot>& out) {
  std::visit(
      [&](const auto& s) {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Box<MapStore>>) {
          CollectDots(*s, out);
        } else {
          CollectDots(s, out);
        }
      },
      store);
}

void DropSeen(OrSetStore& store, const CausalContext& context) {
  store.entries.erase_if([&](ElementMap::Entry& entry) {
    DropSeen(entry.second, context);
    return entry.second.empty();
  });
}
void DropSeen(CounterStore& store, const CausalContext& context) {
  DropSeenKeys(store.entries, context);
}
void DropSeen(FlagStore& store, const CausalContext& context) { DropSeen(store.dots, context); }
void DropSeen(RegisterStore& store, const CausalContext& context) {
  DropSeenKeys(store.entries, context);
}
void DropSeen(MapStore& store, const CausalContext& context) {
  for (auto it = store.fields.begin(); it != store.fields.end();) {
    DropSeen(it->second, context);
    it = IsEmpty(it->second) ? store.fields.erase(it) : std::next(it);
  }
}
void DropSeen(FieldStore& store, const CausalContext& context) {
  std::visit(
      [&](auto& s) {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Box<MapStore>>) {
          DropSeen(*s, context);
        } else {
          DropSeen(s, context);
        }
      },
      store);
}

FieldStore EmptyFieldStore(CrdtType type) {
  switch (type) {
    case CrdtType::kOrSet:
      return OrSetStore{};
    case CrdtType::kCounter:
      return CounterStore{};
    case CrdtType::kFlag:
      return FlagStore{};
    case CrdtType::kRegister:
      return RegisterStore{};
    case CrdtType::kMap:
      return Box<MapStore>();
  }
  LASHUP_CHECK(false, "unknown CrdtType " + std::to_string(static_cast<int>(type)));
  return OrSetStore{};
}

CausalContext ContextOf(std::vector<Dot> dots) {
  // Not FromParts: these dots come from valid contexts, and local writes may have taken counters
  // past the bound FromParts puts on input from outside.
  std::sort(dots.begin(), dots.end());
  CausalContext context;
  for (const Dot& d : dots) context.Add(d);
  return context;
}

}  // namespace lashup::crdt::internal

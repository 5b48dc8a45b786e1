// Schema structs -> dot stores and contexts, accepting only the canonical form: every list
// strictly increasing (so nothing is silently merged or reordered into a std::map), counters
// >= 1, the context compact, each store the branch its field declares, maps at most
// crdt::kMaxNesting deep. Invariants that involve the context (every dot seen, no dot twice)
// are the types' FromParts' job.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crdt/text.h"
#include "lashup/crdt/ops.h"
#include "wire/crdt_stores.h"

namespace lashup::wire::internal {
namespace {

using crdt::CrdtType;

std::string BytesOf(capnp::Data::Reader data) {
  return std::string(reinterpret_cast<const char*>(data.begin()), data.size());
}

std::string Quoted(std::string_view bytes) {
  return crdt::internal::Quote(bytes, crdt::internal::kShownInErrors);
}

std::string DotText(const crdt::Dot& dot) {
  return dot.actor.ToString() + ":" + std::to_string(dot.counter);
}

Result<crdt::Dot> ReadDot(schema::Dot::Reader in) {
  const crdt::Dot dot{crdt::ActorId(in.getActor()), in.getCounter()};
  if (dot.counter == 0) return InvalidArgumentError("dot " + DotText(dot) + " has counter 0");
  return dot;
}

// Into a crdt::DotList (stores) or a std::vector<Dot> (context clouds).
template <typename Dots>
Result<Dots> ReadDots(capnp::List<schema::Dot>::Reader in) {
  Dots dots;
  dots.reserve(in.size());
  for (auto item : in) {
    LASHUP_ASSIGN_OR_RETURN(crdt::Dot dot, ReadDot(item));
    if (!dots.empty() && !(dots.back() < dot)) {
      return InvalidArgumentError("dots not strictly increasing at " + DotText(dot));
    }
    dots.push_back(dot);
  }
  return dots;
}

// Dot-keyed entries (counter, register) must come in strictly increasing dot order.
template <typename Entries>
Status CheckNextDot(const Entries& entries, const crdt::Dot& dot, const char* what) {
  if (entries.empty() || entries.rbegin()->first < dot) return Status::Ok();
  return InvalidArgumentError(std::string(what) + " entries not strictly increasing at dot " +
                              DotText(dot));
}

Result<crdt::FieldStore> ReadOrSet(schema::OrSetStore::Reader in) {
  crdt::OrSetStore store;
  for (auto element : in.getElements()) {
    std::string value = BytesOf(element.getValue());
    if (!store.entries.empty() && !(store.entries.back().first < value)) {
      return InvalidArgumentError("set elements not strictly increasing at " + Quoted(value));
    }
    auto dots = ReadDots<crdt::DotList>(element.getDots());
    if (!dots.ok()) return dots.status().WithContext("set element " + Quoted(value));
    if (dots->empty()) return InvalidArgumentError("set element " + Quoted(value) + " has no dots");
    store.entries.emplace_hint(store.entries.end(), std::move(value), std::move(dots).value());
  }
  return crdt::FieldStore(std::move(store));
}

Result<crdt::FieldStore> ReadCounter(schema::CounterStore::Reader in) {
  crdt::CounterStore store;
  for (auto entry : in.getEntries()) {
    LASHUP_ASSIGN_OR_RETURN(crdt::Dot dot, ReadDot(entry.getDot()));
    LASHUP_RETURN_IF_ERROR(CheckNextDot(store.entries, dot, "counter"));
    store.entries.emplace_hint(store.entries.end(), dot,
                               crdt::CounterEntry{entry.getIncrements(), entry.getDecrements()});
  }
  return crdt::FieldStore(std::move(store));
}

Result<crdt::FieldStore> ReadFlag(schema::FlagStore::Reader in) {
  auto dots = ReadDots<crdt::DotList>(in.getDots());
  if (!dots.ok()) return dots.status().WithContext("flag");
  return crdt::FieldStore(crdt::FlagStore{std::move(dots).value()});
}

Result<crdt::FieldStore> ReadRegister(schema::RegisterStore::Reader in) {
  crdt::RegisterStore store;
  for (auto entry : in.getEntries()) {
    LASHUP_ASSIGN_OR_RETURN(crdt::Dot dot, ReadDot(entry.getDot()));
    LASHUP_RETURN_IF_ERROR(CheckNextDot(store.entries, dot, "register"));
    store.entries.emplace_hint(
        store.entries.end(), dot,
        crdt::RegisterEntry{entry.getTimestamp(), BytesOf(entry.getValue())});
  }
  return crdt::FieldStore(std::move(store));
}

Result<crdt::FieldStore> ReadMap(schema::MapStore::Reader in, int depth);

// Reads one field into `map`: its key, which must follow the keys already there, then its store,
// one level deeper.
Status ReadField(schema::Field::Reader in, int depth, crdt::MapStore& map) {
  crdt::FieldKey key{BytesOf(in.getName()), CrdtType::kOrSet};
  const uint8_t raw_type = in.getType();
  if (!crdt::IsValidCrdtType(raw_type)) {
    return InvalidArgumentError("field " + Quoted(key.name) + " has unknown type " +
                                std::to_string(raw_type));
  }
  key.type = static_cast<CrdtType>(raw_type);
  const std::string where = "field " + Quoted(key.name) + " (" + CrdtTypeName(key.type) + ")";
  if (!map.fields.empty() && !(map.fields.rbegin()->first < key)) {
    return InvalidArgumentError("map fields not strictly increasing at " + where);
  }
  auto store = ReadStore(in.getStore(), key.type, depth + 1);
  if (!store.ok()) return store.status().WithContext(where);
  map.fields.emplace_hint(map.fields.end(), std::move(key), std::move(store).value());
  return Status::Ok();
}

Result<crdt::FieldStore> ReadMap(schema::MapStore::Reader in, int depth) {
  // Checked before reading, so the recursion is bounded whatever the reader's nesting limit.
  if (depth > crdt::kMaxNesting) {
    return InvalidArgumentError("maps nested deeper than " + std::to_string(crdt::kMaxNesting));
  }
  crdt::MapStore store;
  for (auto field : in.getFields()) LASHUP_RETURN_IF_ERROR(ReadField(field, depth, store));
  return crdt::FieldStore(crdt::Box<crdt::MapStore>(std::move(store)));
}

Result<CrdtType> BranchType(schema::Store::Which which) {
  switch (which) {
    case schema::Store::OR_SET:
      return CrdtType::kOrSet;
    case schema::Store::COUNTER:
      return CrdtType::kCounter;
    case schema::Store::FLAG:
      return CrdtType::kFlag;
    case schema::Store::REGISTER:
      return CrdtType::kRegister;
    case schema::Store::MAP:
      return CrdtType::kMap;
  }
  return InvalidArgumentError("unknown store kind " + std::to_string(static_cast<unsigned>(which)) +
                              " (sent by a newer peer?)");
}

}  // namespace

Result<crdt::CausalContext> ReadContext(schema::CausalContext::Reader in) {
  std::vector<crdt::VersionVector::Entry> entries;
  auto compact = in.getCompact();
  entries.reserve(compact.size());
  for (auto entry : compact)
    entries.emplace_back(crdt::ActorId(entry.getActor()), entry.getCounter());
  auto vector = crdt::VersionVector::FromEntries(std::move(entries));
  if (!vector.ok()) return vector.status().WithContext("causal context");
  auto cloud = ReadDots<std::vector<crdt::Dot>>(in.getCloud());
  if (!cloud.ok()) return cloud.status().WithContext("causal context cloud");
  for (const crdt::Dot& dot : *cloud) {
    // Compact form: a cloud dot the vector covers, or the one right after it, belongs in the
    // vector. (counter - 1 cannot wrap: counters are >= 1.)
    if (dot.counter - 1 <= vector->Get(dot.actor)) {
      return InvalidArgumentError("causal context not compact: cloud dot " + DotText(dot) +
                                  " is covered by or next to the version vector");
    }
  }
  return crdt::CausalContext::FromParts(std::move(vector).value(), std::move(cloud).value());
}

Result<crdt::FieldStore> ReadStore(schema::Store::Reader in, CrdtType expected, int depth) {
  LASHUP_ASSIGN_OR_RETURN(CrdtType held, BranchType(in.which()));
  if (held != expected) {
    return InvalidArgumentError(std::string("store holds ") + CrdtTypeName(held) + ", expected " +
                                CrdtTypeName(expected));
  }
  switch (held) {
    case CrdtType::kOrSet:
      return ReadOrSet(in.getOrSet());
    case CrdtType::kCounter:
      return ReadCounter(in.getCounter());
    case CrdtType::kFlag:
      return ReadFlag(in.getFlag());
    case CrdtType::kRegister:
      return ReadRegister(in.getRegister());
    case CrdtType::kMap:
      return ReadMap(in.getMap(), depth);
  }
  return InternalError("unhandled CRDT type");
}

}  // namespace lashup::wire::internal

#include "crdt/encoding.h"

#include <iterator>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/byte_codec.h"
#include "crdt/store_dots.h"
#include "lashup/crdt/ops.h"

namespace lashup::crdt {
namespace {

// Smallest encoded size of one item of each list, in bytes: a count is rejected when the bytes
// left could not hold that many items, before anything is allocated for them.
constexpr size_t kActorBytes = 8;
constexpr size_t kMinDotBytes = kActorBytes + 1;
constexpr size_t kMinVectorEntryBytes = kActorBytes + 1;
constexpr size_t kMinElementBytes = 1 + 1 + kMinDotBytes;  // length, dot count, one dot
constexpr size_t kMinCounterEntryBytes = kMinDotBytes + 1 + 1;
constexpr size_t kMinRegisterEntryBytes = kMinDotBytes + 1 + 1;
constexpr size_t kMinFieldBytes = 1 + 1 + 1;  // name length, type, the store's count

// ---- Encoding -----------------------------------------------------------------------------

void PutDot(std::string& out, const Dot& dot) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(dot.actor.value() >> (8 * i)));
  PutVarint(out, dot.counter);
}

uint64_t ZigZag(int64_t value) {
  // Unsigned arithmetic: no signed overflow for INT64_MIN.
  const uint64_t bits = static_cast<uint64_t>(value);
  return (bits << 1) ^ (value < 0 ? ~uint64_t{0} : 0);
}

int64_t UnZigZag(uint64_t value) {
  return static_cast<int64_t>((value >> 1) ^ (uint64_t{0} - (value & 1)));
}

void PutContext(std::string& out, const CausalContext& context) {
  PutVarint(out, context.compact().size());
  for (const auto& [actor, counter] : context.compact().entries()) PutDot(out, Dot{actor, counter});
  PutVarint(out, context.cloud().size());
  for (const Dot& dot : context.cloud()) PutDot(out, dot);
}

void PutDots(std::string& out, const DotList& dots) {
  PutVarint(out, dots.size());
  for (const Dot& dot : dots) PutDot(out, dot);
}

void PutStore(std::string& out, const OrSetStore& store) {
  PutVarint(out, store.entries.size());
  for (const auto& [element, dots] : store.entries) {
    PutBytes(out, element);
    PutDots(out, dots);
  }
}

void PutStore(std::string& out, const CounterStore& store) {
  PutVarint(out, store.entries.size());
  for (const auto& [dot, entry] : store.entries) {
    PutDot(out, dot);
    PutVarint(out, entry.increments);
    PutVarint(out, entry.decrements);
  }
}

void PutStore(std::string& out, const FlagStore& store) { PutDots(out, store.dots); }

void PutStore(std::string& out, const RegisterStore& store) {
  PutVarint(out, store.entries.size());
  for (const auto& [dot, entry] : store.entries) {
    PutDot(out, dot);
    PutVarint(out, ZigZag(entry.timestamp));
    PutBytes(out, entry.value);
  }
}

void PutStore(std::string& out, const Box<MapStore>& store);

void PutStore(std::string& out, const MapStore& store) {
  PutVarint(out, store.fields.size());
  for (const auto& [key, field] : store.fields) {
    PutBytes(out, key.name);
    out.push_back(static_cast<char>(key.type));
    std::visit([&out](const auto& s) { PutStore(out, s); }, field);
  }
}

void PutStore(std::string& out, const Box<MapStore>& store) { PutStore(out, *store); }

template <typename Store>
std::string EncodeState(CrdtType type, const Causal<Store>& value) {
  std::string out;
  out.push_back(static_cast<char>(kEncodingVersion));
  out.push_back(static_cast<char>(type));
  PutContext(out, value.context());
  PutStore(out, value.store());
  return out;
}

// ---- Decoding -----------------------------------------------------------------------------

// A cursor over the input that checks every read, counts items against the limits, and, once
// the context is known, checks that the store's dots are in it.
class Reader {
 public:
  Reader(std::string_view bytes, const DecodeLimits& limits)
      : bytes_(bytes), entries_left_(limits.max_entries) {}

  size_t offset() const { return pos_; }
  bool done() const { return pos_ == bytes_.size(); }
  void set_context(const CausalContext* context) { context_ = context; }

  static std::string Named(std::string_view what, std::string_view part) {
    std::string out(what);
    if (!part.empty()) out.append(" ").append(part);
    return out;
  }

  Status Error(std::string_view what, size_t at) const {
    return InvalidArgumentError("crdt decode: " + std::string(what) + " at offset " +
                                std::to_string(at));
  }

  Result<uint8_t> Byte(std::string_view what) {
    if (done()) return Error("input ends before " + std::string(what), pos_);
    return static_cast<uint8_t>(bytes_[pos_++]);
  }

  // `what` names the item in error messages, with `part` appended. Both are views of literals,
  // so naming costs nothing unless there is an error.
  Result<uint64_t> Varint(std::string_view what, std::string_view part = {});
  Result<std::string_view> Bytes(std::string_view what);
  Result<Dot> ReadDot(std::string_view what);
  // A dot of the store: also checked to be in the context.
  Result<Dot> StoreDot(std::string_view what);
  // The count of a list whose items take at least `min_item_bytes` each.
  Result<uint64_t> Count(std::string_view what, size_t min_item_bytes);

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  size_t entries_left_;
  const CausalContext* context_ = nullptr;
};

Result<uint64_t> Reader::Varint(std::string_view what, std::string_view part) {
  const size_t start = pos_;
  uint64_t value = 0;
  for (int shift = 0;; shift += 7) {
    if (done()) return Error("input ends inside " + Named(what, part), start);
    const uint8_t byte = static_cast<uint8_t>(bytes_[pos_++]);
    // The tenth byte holds bit 63 only.
    if (shift == 63 && byte > 1) return Error(Named(what, part) + " overflows 64 bits", start);
    value |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      // A zero last group (other than a lone zero) is a longer spelling of a shorter varint.
      if (byte == 0 && shift > 0) return Error(Named(what, part) + " is not minimal", start);
      return value;
    }
  }
}

Result<std::string_view> Reader::Bytes(std::string_view what) {
  const size_t start = pos_;
  LASHUP_ASSIGN_OR_RETURN(const uint64_t length, Varint(what, "length"));
  if (length > bytes_.size() - pos_) {
    return Error(std::string(what) + " length " + std::to_string(length) + " exceeds the " +
                     std::to_string(bytes_.size() - pos_) + " bytes left",
                 start);
  }
  std::string_view out = bytes_.substr(pos_, length);
  pos_ += length;
  return out;
}

Result<Dot> Reader::ReadDot(std::string_view what) {
  const size_t start = pos_;
  if (bytes_.size() - pos_ < kActorBytes) {
    return Error("input ends inside the actor of " + std::string(what), start);
  }
  uint64_t actor = 0;
  for (size_t i = 0; i < kActorBytes; ++i) {
    actor |= uint64_t{static_cast<uint8_t>(bytes_[pos_ + i])} << (8 * i);
  }
  pos_ += kActorBytes;
  LASHUP_ASSIGN_OR_RETURN(const uint64_t counter, Varint(what, "counter"));
  if (counter == 0) return Error(std::string(what) + " has counter 0", start);
  return Dot{ActorId(actor), counter};
}

Result<Dot> Reader::StoreDot(std::string_view what) {
  const size_t start = pos_;
  LASHUP_ASSIGN_OR_RETURN(const Dot dot, ReadDot(what));
  if (context_ == nullptr || !context_->Contains(dot)) {
    return Error(std::string(what) + " is not in the causal context", start);
  }
  return dot;
}

Result<uint64_t> Reader::Count(std::string_view what, size_t min_item_bytes) {
  const size_t start = pos_;
  LASHUP_ASSIGN_OR_RETURN(const uint64_t count, Varint(what, "count"));
  const size_t left = bytes_.size() - pos_;
  if (count > left / min_item_bytes) {
    return Error(std::string(what) + " count " + std::to_string(count) + " cannot fit in the " +
                     std::to_string(left) + " bytes left",
                 start);
  }
  if (count > entries_left_) {
    return Error(
        std::string(what) + " count " + std::to_string(count) + " exceeds the limit on entries",
        start);
  }
  entries_left_ -= count;
  return count;
}

Result<VersionVector> ReadVector(Reader& r) {
  LASHUP_ASSIGN_OR_RETURN(const uint64_t n, r.Count("version vector", kMinVectorEntryBytes));
  std::vector<VersionVector::Entry> entries;
  entries.reserve(n);  // bounded by the bytes left (Count)
  for (uint64_t i = 0; i < n; ++i) {
    const size_t at = r.offset();
    LASHUP_ASSIGN_OR_RETURN(const Dot entry, r.ReadDot("version vector entry"));
    if (!entries.empty() && !(entries.back().first < entry.actor)) {
      return r.Error("version vector actors not strictly increasing", at);
    }
    entries.emplace_back(entry.actor, entry.counter);
  }
  auto vector = VersionVector::FromEntries(std::move(entries));
  if (!vector.ok()) return r.Error(vector.status().message(), r.offset());
  return vector;
}

Result<CausalContext> ReadContext(Reader& r) {
  LASHUP_ASSIGN_OR_RETURN(VersionVector vector, ReadVector(r));
  LASHUP_ASSIGN_OR_RETURN(const uint64_t n, r.Count("context cloud", kMinDotBytes));
  std::vector<Dot> cloud;
  cloud.reserve(n);  // bounded by the bytes left (Count)
  for (uint64_t i = 0; i < n; ++i) {
    const size_t at = r.offset();
    LASHUP_ASSIGN_OR_RETURN(const Dot dot, r.ReadDot("cloud dot"));
    if (!cloud.empty() && !(cloud.back() < dot)) {
      return r.Error("cloud dots not strictly increasing", at);
    }
    // Canonical contexts keep in the cloud only dots beyond the vector and not next to it; any
    // other would be compacted away and re-encode differently.
    const uint64_t have = vector.Get(dot.actor);
    if (dot.counter <= have || dot.counter - have == 1) {
      return r.Error("cloud dot is covered by or contiguous with the version vector", at);
    }
    cloud.push_back(dot);
  }
  auto context = CausalContext::FromParts(std::move(vector), std::move(cloud));
  if (!context.ok()) return r.Error(context.status().message(), r.offset());
  return context;
}

Result<DotList> ReadDots(Reader& r, std::string_view what, bool allow_empty) {
  const size_t start = r.offset();
  LASHUP_ASSIGN_OR_RETURN(const uint64_t n, r.Count(what, kMinDotBytes));
  if (n == 0 && !allow_empty) return r.Error(std::string(what) + " list is empty", start);
  DotList dots;
  dots.reserve(n);  // bounded by the bytes left (Count)
  for (uint64_t i = 0; i < n; ++i) {
    const size_t at = r.offset();
    LASHUP_ASSIGN_OR_RETURN(const Dot dot, r.StoreDot(what));
    if (!dots.empty() && !(dots.back() < dot)) {
      return r.Error(std::string(what) + "s not strictly increasing", at);
    }
    dots.push_back(dot);
  }
  return dots;
}

// Reads the dot of an entry of a dot-keyed store, which must come after the previous entry's.
template <typename DotKeyedMap>
Result<Dot> ReadEntryDot(Reader& r, const DotKeyedMap& entries, std::string_view what) {
  const size_t at = r.offset();
  LASHUP_ASSIGN_OR_RETURN(const Dot dot, r.StoreDot(what));
  if (!entries.empty() && !(std::prev(entries.end())->first < dot)) {
    return r.Error(std::string(what) + " dots not strictly increasing", at);
  }
  return dot;
}

Status ReadStore(Reader& r, OrSetStore& store) {
  LASHUP_ASSIGN_OR_RETURN(const uint64_t n, r.Count("set element", kMinElementBytes));
  for (uint64_t i = 0; i < n; ++i) {
    const size_t at = r.offset();
    LASHUP_ASSIGN_OR_RETURN(const std::string_view element, r.Bytes("set element"));
    if (!store.entries.empty() && !(store.entries.back().first < element)) {
      return r.Error("set elements not strictly increasing", at);
    }
    LASHUP_ASSIGN_OR_RETURN(DotList dots, ReadDots(r, "set element dot", /*allow_empty=*/false));
    store.entries.emplace_hint(store.entries.end(), std::string(element), std::move(dots));
  }
  return Status::Ok();
}

Status ReadStore(Reader& r, CounterStore& store) {
  LASHUP_ASSIGN_OR_RETURN(const uint64_t n, r.Count("counter entry", kMinCounterEntryBytes));
  for (uint64_t i = 0; i < n; ++i) {
    LASHUP_ASSIGN_OR_RETURN(const Dot dot, ReadEntryDot(r, store.entries, "counter entry"));
    CounterEntry entry;
    LASHUP_ASSIGN_OR_RETURN(entry.increments, r.Varint("counter increments"));
    LASHUP_ASSIGN_OR_RETURN(entry.decrements, r.Varint("counter decrements"));
    store.entries.emplace_hint(store.entries.end(), dot, entry);
  }
  return Status::Ok();
}

Status ReadStore(Reader& r, FlagStore& store) {
  LASHUP_ASSIGN_OR_RETURN(store.dots, ReadDots(r, "flag dot", /*allow_empty=*/true));
  return Status::Ok();
}

Status ReadStore(Reader& r, RegisterStore& store) {
  LASHUP_ASSIGN_OR_RETURN(const uint64_t n, r.Count("register entry", kMinRegisterEntryBytes));
  for (uint64_t i = 0; i < n; ++i) {
    LASHUP_ASSIGN_OR_RETURN(const Dot dot, ReadEntryDot(r, store.entries, "register entry"));
    RegisterEntry entry;
    LASHUP_ASSIGN_OR_RETURN(const uint64_t timestamp, r.Varint("register timestamp"));
    entry.timestamp = UnZigZag(timestamp);
    LASHUP_ASSIGN_OR_RETURN(const std::string_view value, r.Bytes("register value"));
    entry.value = std::string(value);
    store.entries.emplace_hint(store.entries.end(), dot, std::move(entry));
  }
  return Status::Ok();
}

Status ReadStore(Reader& r, MapStore& store, int depth);

// A field's store, of the type its key names.
Status ReadField(Reader& r, FieldStore& field, int depth) {
  return std::visit(
      [&](auto& s) {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Box<MapStore>>) {
          return ReadStore(r, *s, depth + 1);
        } else {
          return ReadStore(r, s);
        }
      },
      field);
}

Result<FieldKey> ReadFieldKey(Reader& r, const MapStore& store) {
  const size_t at = r.offset();
  LASHUP_ASSIGN_OR_RETURN(const std::string_view name, r.Bytes("field name"));
  const size_t type_at = r.offset();
  LASHUP_ASSIGN_OR_RETURN(const uint8_t type, r.Byte("field type"));
  if (!IsValidCrdtType(type)) {
    return r.Error("unknown field type " + std::to_string(type), type_at);
  }
  FieldKey key{std::string(name), static_cast<CrdtType>(type)};
  if (!store.fields.empty() && !(std::prev(store.fields.end())->first < key)) {
    return r.Error("map fields not strictly increasing", at);
  }
  return key;
}

// `depth` is the depth of the store's fields: 1 for the top-level map, as in ops.h.
Status ReadStore(Reader& r, MapStore& store, int depth) {
  if (depth > kMaxNesting) {
    return r.Error("maps nested deeper than " + std::to_string(kMaxNesting), r.offset());
  }
  LASHUP_ASSIGN_OR_RETURN(const uint64_t n, r.Count("map field", kMinFieldBytes));
  for (uint64_t i = 0; i < n; ++i) {
    LASHUP_ASSIGN_OR_RETURN(FieldKey key, ReadFieldKey(r, store));
    FieldStore field = internal::EmptyFieldStore(key.type);
    LASHUP_RETURN_IF_ERROR(ReadField(r, field, depth));
    store.fields.emplace_hint(store.fields.end(), std::move(key), std::move(field));
  }
  return Status::Ok();
}

Status ReadStore(Reader& r, MapStore& store) { return ReadStore(r, store, 1); }

Status ReadHeader(Reader& r, CrdtType type) {
  LASHUP_ASSIGN_OR_RETURN(const uint8_t version, r.Byte("the format version"));
  if (version != kEncodingVersion) {
    return r.Error("unknown format version " + std::to_string(version), 0);
  }
  LASHUP_ASSIGN_OR_RETURN(const uint8_t got, r.Byte("the type"));
  if (got != static_cast<uint8_t>(type)) {
    const std::string name = IsValidCrdtType(got) ? CrdtTypeName(static_cast<CrdtType>(got))
                                                  : "unknown type " + std::to_string(got);
    return r.Error("expected type " + std::string(CrdtTypeName(type)) + " but found " + name, 1);
  }
  return Status::Ok();
}

template <typename T, typename Store>
Result<T> DecodeState(std::string_view bytes, const DecodeLimits& limits, CrdtType type) {
  if (bytes.size() > limits.max_bytes) {
    return InvalidArgumentError("crdt decode: " + std::to_string(bytes.size()) +
                                " bytes exceed the limit of " + std::to_string(limits.max_bytes));
  }
  Reader r(bytes, limits);
  LASHUP_RETURN_IF_ERROR(ReadHeader(r, type));
  LASHUP_ASSIGN_OR_RETURN(CausalContext context, ReadContext(r));
  r.set_context(&context);
  Store store;
  LASHUP_RETURN_IF_ERROR(ReadStore(r, store));
  if (!r.done()) return r.Error("trailing bytes after the state", r.offset());
  // The checks above are local; FromParts checks what spans the whole state (no dot twice,
  // no empty field, field types).
  auto value = T::FromParts(std::move(store), std::move(context));
  if (!value.ok()) {
    return InvalidArgumentError("crdt decode: invalid state: " + value.status().message());
  }
  return value;
}

}  // namespace

std::string Encode(const OrSet& set) { return EncodeState(CrdtType::kOrSet, set); }
std::string Encode(const Counter& counter) { return EncodeState(CrdtType::kCounter, counter); }
std::string Encode(const Flag& flag) { return EncodeState(CrdtType::kFlag, flag); }
std::string Encode(const LwwRegister& reg) { return EncodeState(CrdtType::kRegister, reg); }
std::string Encode(const Map& map) { return EncodeState(CrdtType::kMap, map); }

Result<OrSet> DecodeOrSet(std::string_view bytes, const DecodeLimits& limits) {
  return DecodeState<OrSet, OrSetStore>(bytes, limits, CrdtType::kOrSet);
}

Result<Counter> DecodeCounter(std::string_view bytes, const DecodeLimits& limits) {
  return DecodeState<Counter, CounterStore>(bytes, limits, CrdtType::kCounter);
}

Result<Flag> DecodeFlag(std::string_view bytes, const DecodeLimits& limits) {
  return DecodeState<Flag, FlagStore>(bytes, limits, CrdtType::kFlag);
}

Result<LwwRegister> DecodeRegister(std::string_view bytes, const DecodeLimits& limits) {
  return DecodeState<LwwRegister, RegisterStore>(bytes, limits, CrdtType::kRegister);
}

Result<Map> DecodeMap(std::string_view bytes, const DecodeLimits& limits) {
  return DecodeState<Map, MapStore>(bytes, limits, CrdtType::kMap);
}

}  // namespace lashup::crdt

// A deterministic binary encoding of CRDT states, for snapshots, storage and state transfer.
//
// Contract:
// - `Encode` is deterministic: equal states give equal bytes, whatever the order of the joins
//   and mutations that built them (the stores' containers are sorted and contexts are canonical,
//   and the encoder writes them in container order).
// - `Decode*` never trusts its input: every count and length is checked against the bytes left
//   (and against `DecodeLimits`) before anything is allocated for it, and every failure is a
//   kInvalidArgument Status naming what was wrong and its byte offset, never a crash. It accepts
//   only the canonical encoding of a valid state: orders must be strictly increasing, varints
//   minimal, contexts compact and nothing may follow the state, so whatever decodes re-encodes to
//   exactly the input. The decoded parts then go through the types' `FromParts`, which checks the
//   store invariants (stores.h): a decoded value is safe for every join and mutator.
// Stateless functions; safe to call from any thread.
//
// Format, version 1. "varint" is unsigned LEB128 (at most 10 bytes, no redundant trailing zero
// groups); "zigzag" maps a signed value to a varint (0, -1, 1, -2 ... -> 0, 1, 2, 3 ...); "bytes"
// is a varint length followed by that many raw bytes; an actor is 8 bytes little-endian (actor
// ids are 64 random bits, which a varint would make longer); a dot is actor, varint counter.
//   state    := u8 version (= 1), u8 type (CrdtType), context, store(type)
//   context  := varint n, n x (actor, varint counter)   -- the version vector, actors increasing
//               varint m, m x dot                       -- the cloud, dots increasing
//   dots     := varint n (>= 1), n x dot, increasing
//   store(orset)    := varint n, n x (bytes element, dots)           elements increasing
//   store(counter)  := varint n, n x (dot, varint increments, varint decrements), dots increasing
//   store(flag)     := varint n, n x dot, increasing
//   store(register) := varint n, n x (dot, zigzag timestamp, bytes value), dots increasing
//   store(map)      := varint n, n x (bytes name, u8 type, store(type)), (name, type) increasing
// A map's context is written once at the top; its fields' stores share it and carry none.
// Maps nest at most kMaxNesting deep (ops.h). Orders compare bytes as unsigned, like std::string.
#ifndef LASHUP_CRDT_ENCODING_H_
#define LASHUP_CRDT_ENCODING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "lashup/crdt/counter.h"
#include "lashup/crdt/flag.h"
#include "lashup/crdt/lww_register.h"
#include "lashup/crdt/map.h"
#include "lashup/crdt/orset.h"
#include "lashup/status.h"

namespace lashup::crdt {

inline constexpr uint8_t kEncodingVersion = 1;

struct DecodeLimits {
  // Longest input accepted.
  size_t max_bytes = size_t{64} << 20;
  // Most items in one state, counting version vector entries, cloud dots, set elements, dots,
  // counter and register entries and map fields together. Each item also takes at least three
  // input bytes (a dot nine), so memory stays within a small multiple of the input size; this
  // bounds it further, whatever the input's size.
  size_t max_entries = size_t{1} << 22;
};

std::string Encode(const OrSet& set);
std::string Encode(const Counter& counter);
std::string Encode(const Flag& flag);
std::string Encode(const LwwRegister& reg);
std::string Encode(const Map& map);

Result<OrSet> DecodeOrSet(std::string_view bytes, const DecodeLimits& limits = {});
Result<Counter> DecodeCounter(std::string_view bytes, const DecodeLimits& limits = {});
Result<Flag> DecodeFlag(std::string_view bytes, const DecodeLimits& limits = {});
Result<LwwRegister> DecodeRegister(std::string_view bytes, const DecodeLimits& limits = {});
Result<Map> DecodeMap(std::string_view bytes, const DecodeLimits& limits = {});

// The decoder of T, for code generic over the five types (tests, fuzzers, typed storage).
template <typename T>
Result<T> Decode(std::string_view bytes, const DecodeLimits& limits = {}) {
  if constexpr (std::is_same_v<T, OrSet>) return DecodeOrSet(bytes, limits);
  if constexpr (std::is_same_v<T, Counter>) return DecodeCounter(bytes, limits);
  if constexpr (std::is_same_v<T, Flag>) return DecodeFlag(bytes, limits);
  if constexpr (std::is_same_v<T, LwwRegister>) return DecodeRegister(bytes, limits);
  if constexpr (std::is_same_v<T, Map>) return DecodeMap(bytes, limits);
  static_assert(std::is_same_v<T, OrSet> || std::is_same_v<T, Counter> || std::is_same_v<T, Flag> ||
                    std::is_same_v<T, LwwRegister> || std::is_same_v<T, Map>,
                "Decode<T>: T must be a CRDT type");
}

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_ENCODING_H_

// CRDT states on the wire: crdt::{OrSet, Counter, Flag, LwwRegister, Map} <-> schema::CrdtState
// (src/wire/crdt.capnp), for shipping deltas and full states between nodes.
//
// Contract:
// - `WriteCrdt(builder, state)` fills a CrdtState that a caller's message embeds (or that is the
//   root of a message of its own); `ReadCrdt<T>(reader)` reads one back. `EncodeCrdtMessage` /
//   `DecodeCrdtMessage<T>` do the same for a whole flat-array message (tests, fuzzing, storage).
// - Encoding is canonical: lists in strictly increasing key order, the context compact. Equal
//   states give equal bytes, and a state decoded from this encoder's bytes re-encodes to exactly
//   those bytes.
// - Reading never trusts its input. It refuses what the encoder never writes (unsorted or
//   repeated elements, dots, fields or actors; a context that is not compact; a union branch or
//   field type this build does not know; a field whose store is not of its declared type; maps
//   nested deeper than crdt::kMaxNesting), then builds the value with the type's FromParts, which
//   checks every store invariant (stores.h), so a decoded value is safe for every join and
//   mutator. Every failure, Cap'n Proto's exceptions included, is a kInvalidArgument Status
//   naming the problem and where it is (kResourceExhausted for a message over
//   `max_frame_bytes`); nothing throws.
// - Decoding needs a deeper Cap'n Proto nesting limit than envelopes: see kCrdtNestingLimit.
// Stateless functions; safe to call from any thread. Private to src/wire and the messages that
// embed CrdtState (it exposes Cap'n Proto types).
#ifndef LASHUP_WIRE_CRDT_CODEC_H_
#define LASHUP_WIRE_CRDT_CODEC_H_

#include <concepts>
#include <cstdint>
#include <span>
#include <vector>

#include "lashup/crdt/counter.h"
#include "lashup/crdt/flag.h"
#include "lashup/crdt/lww_register.h"
#include "lashup/crdt/map.h"
#include "lashup/crdt/ops.h"
#include "lashup/crdt/orset.h"
#include "lashup/status.h"
#include "wire/codec.h"
#include "wire/crdt.capnp.h"

namespace lashup::wire {

// The Cap'n Proto nesting limit a CrdtState at the root of its message needs. Cap'n Proto
// charges one level per struct or list reached through a pointer (and per struct element of a
// list) and fails once the limit is used up. The longest path in a valid state is a map nested
// kMaxNesting deep whose innermost field is a set:
//   CrdtState, Store                                       2 levels
//   kMaxNesting x (MapStore, List(Field), Field, Store)    4 per map level
//   OrSetStore, List(Element), Element, List(Dot), Dot     5 (the deepest leaf store)
// = 2 + 4 * 16 + 5 = 71. A map one level deeper needs at least 72 as soon as its innermost
// store holds anything, so the limit alone already refuses it; the reader also counts map depth
// itself and refuses depth kMaxNesting + 1 whatever the limit. A message that embeds CrdtState
// k levels below its root needs k more.
inline constexpr int kCrdtNestingLimit = 2 + 4 * crdt::kMaxNesting + 5;

// Default codec limits with the nesting CRDT states need.
inline constexpr CodecLimits kCrdtLimits{.nesting_limit = kCrdtNestingLimit};

template <typename T>
concept WireCrdt = std::same_as<T, crdt::OrSet> || std::same_as<T, crdt::Counter> ||
    std::same_as<T, crdt::Flag> || std::same_as<T, crdt::LwwRegister> || std::same_as<T, crdt::Map>;

// Fails (kResourceExhausted) only for a list or byte string beyond Cap'n Proto's size limits
// (2^29 elements or bytes); `out` is then partly written and must be discarded.
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::OrSet& state);
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::Counter& state);
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::Flag& state);
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::LwwRegister& state);
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::Map& state);

// Reads under the limits of the reader's message.
template <WireCrdt T>
Result<T> ReadCrdt(schema::CrdtState::Reader in);

// One Cap'n Proto message (segment table + segments) with a CrdtState at its root. Fails when
// the result would exceed `max_frame_bytes` (kResourceExhausted).
template <WireCrdt T>
Result<std::vector<uint8_t>> EncodeCrdtMessage(const T& state,
                                               const CodecLimits& limits = kCrdtLimits);

// Reads with the limits given; unaligned bytes are copied first (see flat_reader.h).
template <WireCrdt T>
Result<T> DecodeCrdtMessage(std::span<const uint8_t> bytes,
                            const CodecLimits& limits = kCrdtLimits);

}  // namespace lashup::wire

#endif  // LASHUP_WIRE_CRDT_CODEC_H_

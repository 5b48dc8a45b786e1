// The pieces of a CrdtState: causal contexts and dot stores <-> their schema structs. Internal to
// src/wire: crdt_codec.cc assembles them into whole states (see crdt_codec.h for the contract).
#ifndef LASHUP_WIRE_CRDT_STORES_H_
#define LASHUP_WIRE_CRDT_STORES_H_

#include "lashup/crdt/causal_context.h"
#include "lashup/crdt/stores.h"
#include "lashup/status.h"
#include "wire/crdt.capnp.h"

namespace lashup::wire::internal {

// Writers emit containers in their (sorted) order, which is what makes the encoding canonical.
// They throw kj::Exception only past Cap'n Proto's size limits; the caller catches it.
void WriteContext(schema::CausalContext::Builder out, const crdt::CausalContext& context);
void WriteStore(schema::Store::Builder out, const crdt::OrSetStore& store);
void WriteStore(schema::Store::Builder out, const crdt::CounterStore& store);
void WriteStore(schema::Store::Builder out, const crdt::FlagStore& store);
void WriteStore(schema::Store::Builder out, const crdt::RegisterStore& store);
void WriteStore(schema::Store::Builder out, const crdt::MapStore& store);
void WriteStore(schema::Store::Builder out, const crdt::FieldStore& store);

// A canonical context: actors and cloud strictly increasing, already compact.
Result<crdt::CausalContext> ReadContext(schema::CausalContext::Reader in);

// The store, which must be the `expected` branch, with every list strictly increasing. `depth`
// is the map nesting level the store sits at: 1 for a state's own store, one more inside each
// map field; a map store beyond crdt::kMaxNesting is refused before it is read. The store
// invariants that involve the context are left to the types' FromParts. Cap'n Proto exceptions
// pass through to the caller.
Result<crdt::FieldStore> ReadStore(schema::Store::Reader in, crdt::CrdtType expected, int depth);

}  // namespace lashup::wire::internal

#endif  // LASHUP_WIRE_CRDT_STORES_H_

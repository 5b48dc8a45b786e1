# CRDT states on the wire: a causal context plus one dot store, for shipping deltas and full
# states between nodes. Other messages (the KV store's) embed `CrdtState`; src/wire/crdt_codec.h
# maps it to and from the crdt types. See docs/wire.md.
#
# Canonical form: every list is in strictly increasing order of its key (actors; dots by
# (actor, counter); elements and field names as unsigned bytes; fields by (name, type)), the
# context is compact (src/crdt's CausalContext), and nothing is empty that the crdt types never
# leave empty. Readers reject anything else, so nothing depends on a reader sorting or merging,
# and an encoder's bytes re-encode unchanged after a decode. (Cap'n Proto itself allows other
# layouts of the same content, such as a null pointer for an empty list; readers accept those.)
#
# Compatibility rules: fields and union branches are only ever added, with new ordinals. Unlike
# an unknown Envelope branch, an unknown `Store` branch or field `type` rejects the whole state
# (kInvalidArgument): a replica cannot keep part of a state, because a field it dropped would
# read as removed after the next join. For the same reason a new field that changes what a state
# means (which older readers would ignore and lose) needs a protocol version bump, not just a new
# ordinal.
@0xc38640ece57444b6;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("lashup::wire::schema");

struct CrdtState {
  context @0 :CausalContext;
  store @1 :Store;
}

# The dots a replica has seen: every dot up to `compact` per actor, plus the `cloud` dots beyond
# it that are not contiguous with it.
struct CausalContext {
  compact @0 :List(VvEntry);  # actors increasing, counters >= 1
  cloud @1 :List(Dot);        # increasing; each beyond compact and not next after it
}

struct VvEntry {
  actor @0 :UInt64;
  counter @1 :UInt64;
}

struct Dot {
  actor @0 :UInt64;
  counter @1 :UInt64;  # >= 1
}

# One dot store. A map field's store has no context of its own: it shares the enclosing state's.
struct Store {
  union {
    orSet @0 :OrSetStore;
    counter @1 :CounterStore;
    flag @2 :FlagStore;
    register @3 :RegisterStore;
    map @4 :MapStore;
  }
}

struct OrSetStore {
  elements @0 :List(Element);  # values increasing
}

struct Element {
  value @0 :Data;
  dots @1 :List(Dot);  # non-empty, increasing: the adds that put the value there
}

struct CounterStore {
  entries @0 :List(CounterEntry);  # dots increasing
}

# One actor's cumulative totals when it wrote the entry. The counter's value sums, over actors,
# increments - decrements of each actor's newest entry (an older one lingers only where deltas
# arrived out of order), wrapping.
struct CounterEntry {
  dot @0 :Dot;
  increments @1 :UInt64;
  decrements @2 :UInt64;
}

struct FlagStore {
  dots @0 :List(Dot);  # increasing; the flag is enabled iff non-empty
}

struct RegisterStore {
  entries @0 :List(RegisterEntry);  # dots increasing; concurrent assignments side by side
}

struct RegisterEntry {
  dot @0 :Dot;
  timestamp @1 :Int64;
  value @2 :Data;
}

struct MapStore {
  fields @0 :List(Field);  # (name, type) increasing; every field non-empty
}

struct Field {
  name @0 :Data;    # arbitrary bytes
  type @1 :UInt8;   # crdt::CrdtType: 1 orset, 2 counter, 3 flag, 4 register, 5 map
  store @2 :Store;  # must hold the branch `type` names
}

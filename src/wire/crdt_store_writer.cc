// Dot stores and contexts -> schema structs, in container order (sorted, so canonical).
#include <string>
#include <variant>

#include "wire/crdt_stores.h"

namespace lashup::wire::internal {
namespace {

capnp::Data::Reader DataOf(const std::string& bytes) {
  return capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(bytes.data()), bytes.size());
}

unsigned SizeOf(size_t n) {
  // Cap'n Proto refuses lists past 2^29 elements itself (it throws, and the caller catches it);
  // clamping only stops a larger count from wrapping into a small one first.
  return n > UINT32_MAX ? UINT32_MAX : static_cast<unsigned>(n);
}

void WriteDot(schema::Dot::Builder out, const crdt::Dot& dot) {
  out.setActor(dot.actor.value());
  out.setCounter(dot.counter);
}

template <typename Dots>
void WriteDots(capnp::List<schema::Dot>::Builder out, const Dots& dots) {
  unsigned i = 0;
  for (const crdt::Dot& dot : dots) WriteDot(out[i++], dot);
}

}  // namespace

void WriteContext(schema::CausalContext::Builder out, const crdt::CausalContext& context) {
  const auto& entries = context.compact().entries();
  auto compact = out.initCompact(SizeOf(entries.size()));
  for (unsigned i = 0; i < entries.size(); ++i) {
    compact[i].setActor(entries[i].first.value());
    compact[i].setCounter(entries[i].second);
  }
  WriteDots(out.initCloud(SizeOf(context.cloud().size())), context.cloud());
}

void WriteStore(schema::Store::Builder out, const crdt::OrSetStore& store) {
  auto elements = out.initOrSet().initElements(SizeOf(store.entries.size()));
  unsigned i = 0;
  for (const auto& [value, dots] : store.entries) {
    auto element = elements[i++];
    element.setValue(DataOf(value));
    WriteDots(element.initDots(SizeOf(dots.size())), dots);
  }
}

void WriteStore(schema::Store::Builder out, const crdt::CounterStore& store) {
  auto entries = out.initCounter().initEntries(SizeOf(store.entries.size()));
  unsigned i = 0;
  for (const auto& [dot, totals] : store.entries) {
    auto entry = entries[i++];
    WriteDot(entry.initDot(), dot);
    entry.setIncrements(totals.increments);
    entry.setDecrements(totals.decrements);
  }
}

void WriteStore(schema::Store::Builder out, const crdt::FlagStore& store) {
  WriteDots(out.initFlag().initDots(SizeOf(store.dots.size())), store.dots);
}

void WriteStore(schema::Store::Builder out, const crdt::RegisterStore& store) {
  auto entries = out.initRegister().initEntries(SizeOf(store.entries.size()));
  unsigned i = 0;
  for (const auto& [dot, assignment] : store.entries) {
    auto entry = entries[i++];
    WriteDot(entry.initDot(), dot);
    entry.setTimestamp(assignment.timestamp);
    entry.setValue(DataOf(assignment.value));
  }
}

void WriteStore(schema::Store::Builder out, const crdt::MapStore& store) {
  auto fields = out.initMap().initFields(SizeOf(store.fields.size()));
  unsigned i = 0;
  for (const auto& [key, field_store] : store.fields) {
    auto field = fields[i++];
    field.setName(DataOf(key.name));
    field.setType(static_cast<uint8_t>(key.type));
    WriteStore(field.initStore(), field_store);
  }
}

void WriteStore(schema::Store::Builder out, const crdt::FieldStore& store) {
  std::visit(
      [&](const auto& s) {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, crdt::Box<crdt::MapStore>>) {
          WriteStore(out, *s);
        } else {
          WriteStore(out, s);
        }
      },
      store);
}

}  // namespace lashup::wire::internal

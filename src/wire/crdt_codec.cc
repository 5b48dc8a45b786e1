#include "wire/crdt_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <string>
#include <type_traits>
#include <utility>

#include "wire/crdt_stores.h"
#include "wire/flat_reader.h"

namespace lashup::wire {
namespace {

template <typename T>
using StoreOf = std::remove_cvref_t<decltype(std::declval<const T&>().store())>;

template <typename Store>
constexpr crdt::CrdtType TypeOfStore() {
  if constexpr (std::is_same_v<Store, crdt::OrSetStore>) return crdt::CrdtType::kOrSet;
  if constexpr (std::is_same_v<Store, crdt::CounterStore>) return crdt::CrdtType::kCounter;
  if constexpr (std::is_same_v<Store, crdt::FlagStore>) return crdt::CrdtType::kFlag;
  if constexpr (std::is_same_v<Store, crdt::RegisterStore>) return crdt::CrdtType::kRegister;
  if constexpr (std::is_same_v<Store, crdt::MapStore>) return crdt::CrdtType::kMap;
}

// ReadStore checked the branch, so the alternative is the one asked for.
template <typename Store>
Store TakeStore(crdt::FieldStore&& store) {
  if constexpr (std::is_same_v<Store, crdt::MapStore>) {
    return std::move(*std::get<crdt::Box<crdt::MapStore>>(store));
  } else {
    return std::get<Store>(std::move(store));
  }
}

template <WireCrdt T>
Status WriteState(schema::CrdtState::Builder out, const T& state) {
  try {
    internal::WriteContext(out.initContext(), state.context());
    internal::WriteStore(out.initStore(), state.store());
    return Status::Ok();
  } catch (const kj::Exception& e) {
    return ResourceExhaustedError("CRDT state too large to encode: " +
                                  std::string(e.getDescription().cStr()));
  }
}

// May throw kj::Exception (bad pointers, limits); callers catch it.
template <WireCrdt T>
Result<T> ReadState(schema::CrdtState::Reader in) {
  using Store = StoreOf<T>;
  LASHUP_ASSIGN_OR_RETURN(crdt::CausalContext context, internal::ReadContext(in.getContext()));
  LASHUP_ASSIGN_OR_RETURN(crdt::FieldStore store,
                          internal::ReadStore(in.getStore(), TypeOfStore<Store>(), 1));
  Result<T> state = T::FromParts(TakeStore<Store>(std::move(store)), std::move(context));
  if (!state.ok()) return state.status().WithContext("invalid CRDT state");
  return state;
}

}  // namespace

Status WriteCrdt(schema::CrdtState::Builder out, const crdt::OrSet& state) {
  return WriteState(out, state);
}
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::Counter& state) {
  return WriteState(out, state);
}
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::Flag& state) {
  return WriteState(out, state);
}
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::LwwRegister& state) {
  return WriteState(out, state);
}
Status WriteCrdt(schema::CrdtState::Builder out, const crdt::Map& state) {
  return WriteState(out, state);
}

template <WireCrdt T>
Result<T> ReadCrdt(schema::CrdtState::Reader in) {
  // An embedded reader's pointers are followed here, so its exceptions surface here too.
  try {
    return ReadState<T>(in);
  } catch (const kj::Exception& e) {
    return InvalidArgumentError("malformed message: " + std::string(e.getDescription().cStr()));
  }
}

template <WireCrdt T>
Result<std::vector<uint8_t>> EncodeCrdtMessage(const T& state, const CodecLimits& limits) {
  capnp::MallocMessageBuilder builder;
  LASHUP_RETURN_IF_ERROR(WriteCrdt(builder.initRoot<schema::CrdtState>(), state));
  kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  const auto bytes = words.asBytes();
  if (bytes.size() > limits.max_frame_bytes) {
    return internal::FrameTooLarge(bytes.size(), limits.max_frame_bytes);
  }
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

template <WireCrdt T>
Result<T> DecodeCrdtMessage(std::span<const uint8_t> bytes, const CodecLimits& limits) {
  return internal::ReadFlat<T>(bytes, limits, [](capnp::FlatArrayMessageReader& reader) {
    return ReadState<T>(reader.getRoot<schema::CrdtState>());
  });
}

#define LASHUP_WIRE_INSTANTIATE_CRDT_CODEC(T)                                               \
  template Result<T> ReadCrdt<T>(schema::CrdtState::Reader);                                \
  template Result<std::vector<uint8_t>> EncodeCrdtMessage<T>(const T&, const CodecLimits&); \
  template Result<T> DecodeCrdtMessage<T>(std::span<const uint8_t>, const CodecLimits&);

LASHUP_WIRE_INSTANTIATE_CRDT_CODEC(crdt::OrSet)
LASHUP_WIRE_INSTANTIATE_CRDT_CODEC(crdt::Counter)
LASHUP_WIRE_INSTANTIATE_CRDT_CODEC(crdt::Flag)
LASHUP_WIRE_INSTANTIATE_CRDT_CODEC(crdt::LwwRegister)
LASHUP_WIRE_INSTANTIATE_CRDT_CODEC(crdt::Map)

#undef LASHUP_WIRE_INSTANTIATE_CRDT_CODEC

}  // namespace lashup::wire

// Fuzz target for CRDT states on the wire (crdt_codec.h): any bytes must decode, as each of the
// five types, to a valid state or to a Status, never a crash, a hang or an escaped exception. A
// state that decodes must re-encode, decode to an equal state and re-encode to the same bytes.
// Besides the raw input, each run decodes a valid encoding of a map built from random operations
// (seeded by the input) and then corrupted, so the checks past Cap'n Proto's own get exercised
// even by the replay driver, whose inputs are frames rather than CRDT states.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "core/check.h"
#include "core/rng.h"
#include "lashup/crdt/map.h"
#include "wire/crdt_codec.h"

namespace {

using lashup::Rng;
namespace crdt = lashup::crdt;
namespace ops = lashup::crdt::ops;
namespace wire = lashup::wire;

template <wire::WireCrdt T>
void CheckDecode(std::span<const uint8_t> bytes, const wire::CodecLimits& limits) {
  auto state = wire::DecodeCrdtMessage<T>(bytes, limits);
  if (!state.ok()) return;
  auto encoded = wire::EncodeCrdtMessage(*state);
  LASHUP_CHECK(encoded.ok(), encoded.status().ToString());
  auto again = wire::DecodeCrdtMessage<T>(*encoded);
  LASHUP_CHECK(again.ok(), again.status().ToString());
  LASHUP_CHECK(*again == *state, "re-decoded state differs");
  auto encoded_again = wire::EncodeCrdtMessage(*again);
  LASHUP_CHECK(encoded_again.ok() && *encoded_again == *encoded, "encoding is not canonical");
}

void CheckAllTypes(std::span<const uint8_t> bytes) {
  wire::CodecLimits limits = wire::kCrdtLimits;
  limits.max_frame_bytes = 1 << 16;
  limits.traversal_limit_words = (1 << 16) / 8 * 4;
  CheckDecode<crdt::Map>(bytes, limits);
  CheckDecode<crdt::OrSet>(bytes, limits);
  CheckDecode<crdt::Counter>(bytes, limits);
  CheckDecode<crdt::Flag>(bytes, limits);
  CheckDecode<crdt::LwwRegister>(bytes, limits);
}

std::string RandomBytes(Rng& rng) {
  // A small alphabet, NUL included, so names and elements collide and sort in interesting ways.
  static constexpr char kAlphabet[] = {'\0', 'a', 'b', '\xff'};
  std::string out(rng.Uniform(4), '\0');
  for (char& c : out) c = kAlphabet[rng.Uniform(sizeof(kAlphabet))];
  return out;
}

int64_t RandomAmount(Rng& rng) {
  static constexpr int64_t kEdges[] = {INT64_MIN, INT64_MAX, -1, 0, 1};
  if (rng.Bernoulli(0.3)) return kEdges[rng.Uniform(std::size(kEdges))];
  return rng.UniformRange(-1000, 1000);
}

// `nest` is the chance that an operation updates a nested map (until `max_depth`).
crdt::MapOp RandomOp(Rng& rng, int depth, int max_depth, double nest) {
  std::string name = RandomBytes(rng);
  if (depth < max_depth && rng.Bernoulli(nest)) {
    return ops::Update(std::move(name), {RandomOp(rng, depth + 1, max_depth, nest)});
  }
  switch (rng.Uniform(7)) {
    case 0:
      return ops::Add(std::move(name), RandomBytes(rng));
    case 1:
      return ops::Remove(std::move(name), RandomBytes(rng));
    case 2:
      return ops::Increment(std::move(name), RandomAmount(rng));
    case 3:
      return ops::Enable(std::move(name));
    case 4:
      return ops::Disable(std::move(name));
    case 5:
      return ops::Assign(std::move(name), RandomBytes(rng), RandomAmount(rng));
    default:
      return ops::RemoveField(std::move(name), static_cast<crdt::CrdtType>(1 + rng.Uniform(5)));
  }
}

// Three replicas apply random operations and ship each delta to each other replica only
// sometimes, so contexts get dot clouds; one replica's state is the result.
crdt::Map RandomMap(Rng& rng) {
  std::vector<crdt::Map> replicas(3);
  // Now and then a deep map, up to the 16 levels the nesting limit must allow.
  const bool deep = rng.Bernoulli(0.1);
  const int max_depth = deep ? crdt::kMaxNesting : 3;
  const double nest = deep ? 0.95 : 0.2;
  const uint64_t steps = rng.Uniform(12);
  for (uint64_t step = 0; step < steps; ++step) {
    const size_t writer = rng.Uniform(replicas.size());
    crdt::ApplyOptions options{.actor = crdt::ActorId(writer + 1)};
    auto delta = replicas[writer].Apply({RandomOp(rng, 1, max_depth, nest)}, options);
    if (!delta.ok()) continue;
    for (auto& replica : replicas) {
      if (rng.Bernoulli(0.5)) replica.Join(*delta);
    }
  }
  return replicas[rng.Uniform(replicas.size())];
}

void Corrupt(std::vector<uint8_t>& bytes, Rng& rng) {
  const uint64_t edits = 1 + rng.Uniform(4);
  for (uint64_t i = 0; i < edits && !bytes.empty(); ++i) {
    uint8_t& byte = bytes[rng.Uniform(bytes.size())];
    const auto bit = static_cast<uint8_t>(1u << rng.Uniform(8));
    byte = rng.Bernoulli(0.5) ? static_cast<uint8_t>(rng.Next()) : static_cast<uint8_t>(byte ^ bit);
  }
  if (rng.Bernoulli(0.1)) bytes.resize(rng.Uniform(bytes.size() + 1));
}

uint64_t Fnv1a(const uint8_t* data, size_t size) {
  uint64_t hash = 14695981039346656037ull;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ull;
  return hash;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckAllTypes(std::span<const uint8_t>(data, size));

  Rng rng(Fnv1a(data, size));
  const crdt::Map map = RandomMap(rng);
  auto bytes = wire::EncodeCrdtMessage(map);
  LASHUP_CHECK(bytes.ok(), bytes.status().ToString());
  auto decoded = wire::DecodeCrdtMessage<crdt::Map>(*bytes);
  LASHUP_CHECK(decoded.ok() && *decoded == map, decoded.status().ToString());
  Corrupt(*bytes, rng);
  CheckAllTypes(*bytes);
  return 0;
}

// Fuzz target for the CRDT decoders (encoding.h). Any byte string must decode to a valid state
// or fail with a Status, never crash, hang or allocate without bound; a state that decodes must
// re-encode to exactly the input and be a fixed point of joining it with itself.
//
// The first byte picks the type (its value mod 5) and the mode (bit 3). Direct mode decodes the
// rest. Build mode reads the rest as a script: three replicas mutate the state and ship deltas
// to each other, some lost (so contexts get clouds); the first replica's encoding must round
// trip, and it is decoded again after a corruption chosen by the script's last four bytes. That
// mode reaches deep into the decoder even from unstructured input, which the replay driver
// (src/wire/fuzz_replay_main.cc, made for frames) provides.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.h"
#include "crdt/encoding.h"

namespace lashup::crdt {
namespace {

constexpr std::array<ActorId, 3> kActors = {ActorId(1), ActorId(0x8877665544332211),
                                            ActorId(0xffffffffffffffff)};
constexpr size_t kMaxSteps = 48;
constexpr size_t kCorruptionBytes = 4;

// Reads the script a byte at a time; zeros after its end. Each byte is offset by a multiple of
// its position, so that runs of one byte (the replay driver's frames are mostly such a run)
// still make varied scripts.
class Script {
 public:
  explicit Script(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return pos_ >= bytes_.size(); }
  uint8_t Next() {
    if (done()) return 0;
    const size_t pos = pos_++;
    return static_cast<uint8_t>(static_cast<uint8_t>(bytes_[pos]) + pos * 0x9d);
  }

  std::string Name() {
    static const std::array<std::string_view, 5> kNames = {"", "a", "b", std::string_view("\0", 1),
                                                           "a-much-longer-name"};
    return std::string(kNames[Next() % kNames.size()]);
  }
  int64_t Amount() {
    const uint8_t b = Next();
    if (b == 0) return std::numeric_limits<int64_t>::min();
    if (b == 1) return std::numeric_limits<int64_t>::max();
    return static_cast<int8_t>(b);
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

template <typename T>
Result<T> DecodeAs(std::string_view bytes) {
  DecodeLimits limits;
  limits.max_bytes = 1 << 16;
  return Decode<T>(bytes, limits);
}

// Whatever decodes must re-encode to the same bytes and join with itself to itself.
template <typename T>
void CheckDecoded(std::string_view bytes) {
  auto decoded = DecodeAs<T>(bytes);
  if (!decoded.ok()) {
    LASHUP_CHECK(decoded.status().code() == StatusCode::kInvalidArgument,
                 decoded.status().ToString());
    return;
  }
  LASHUP_CHECK(Encode(*decoded) == bytes, "decoded state re-encodes differently");
  T joined = *decoded;
  joined.Join(*decoded);
  LASHUP_CHECK(joined == *decoded, "joining a decoded state with itself changed it");
}

OrSet Mutate(OrSet& s, ActorId actor, Script& script) {
  if (script.Next() % 3 == 0) return s.Remove(script.Name()).value_or(OrSet());
  return s.Add(actor, script.Name());
}

Counter Mutate(Counter& c, ActorId actor, Script& script) { return c.Add(actor, script.Amount()); }

Flag Mutate(Flag& f, ActorId actor, Script& script) {
  return script.Next() % 2 == 0 ? f.Enable(actor) : f.Disable();
}

LwwRegister Mutate(LwwRegister& r, ActorId actor, Script& script) {
  return r.Assign(actor, script.Name(), script.Amount());
}

// Removes carry the replica's whole context as "seen", so they remove what is there and never
// fail for want of it.
MapOp RandomOp(Script& script, const CausalContext& seen, int depth) {
  std::string name = script.Name();
  switch (script.Next() % 8) {
    case 0:
      return ops::Add(std::move(name), script.Name());
    case 1:
      return ops::Remove(std::move(name), script.Name(), seen);
    case 2:
      return ops::Increment(std::move(name), script.Amount());
    case 3:
      return ops::Enable(std::move(name));
    case 4:
      return ops::Disable(std::move(name), seen);
    case 5:
      return ops::Assign(std::move(name), script.Name(), script.Amount());
    case 6:
      return ops::RemoveField(std::move(name), static_cast<CrdtType>(1 + script.Next() % 5), seen);
    default:
      if (depth >= 4) return ops::Enable(std::move(name));
      return ops::Update(std::move(name), {RandomOp(script, seen, depth + 1)});
  }
}

Map Mutate(Map& m, ActorId actor, Script& script) {
  std::vector<MapOp> list;
  for (int n = 1 + script.Next() % 3; n > 0; --n) list.push_back(RandomOp(script, m.context(), 1));
  // Failures (an op of the wrong type for its field) change nothing.
  return m.Apply(list, ApplyOptions{actor, nullptr, {}}).value_or(Map());
}

template <typename T>
T BuildState(Script& script) {
  std::array<T, 3> replicas;
  for (size_t step = 0; step < kMaxSteps && !script.done(); ++step) {
    const uint8_t op = script.Next();
    const size_t from = op % 3;
    if ((op & 0x80) != 0) {  // a full-state sync
      replicas[(from + 1) % 3].Join(replicas[from]);
      continue;
    }
    const T delta = Mutate(replicas[from], kActors[from], script);
    for (size_t to = 0; to < 3; ++to) {
      if (to != from && (op & (0x08 << to)) != 0) replicas[to].Join(delta);  // else lost
    }
  }
  return replicas[0];
}

template <typename T>
void BuildAndCorrupt(std::string_view input) {
  const size_t script_size = input.size() > kCorruptionBytes ? input.size() - kCorruptionBytes : 0;
  Script script(input.substr(0, script_size));
  const T state = BuildState<T>(script);
  const std::string bytes = Encode(state);
  auto decoded = DecodeAs<T>(bytes);
  LASHUP_CHECK(decoded.ok(), decoded.status().ToString());
  LASHUP_CHECK(*decoded == state, "a state's encoding decodes to another state");

  Script corruption(input.substr(script_size));
  std::string corrupt = bytes;
  size_t at = corruption.Next();
  at = (at | size_t{corruption.Next()} << 8) % corrupt.size();
  const uint8_t value = corruption.Next();
  switch (corruption.Next() % 3) {
    case 0:
      corrupt[at] = static_cast<char>(value);
      break;
    case 1:
      corrupt.resize(at);
      break;
    default:
      corrupt.insert(at, 1, static_cast<char>(value));
  }
  CheckDecoded<T>(corrupt);
}

template <typename T>
void Run(bool build, std::string_view input) {
  if (build) {
    BuildAndCorrupt<T>(input);
  } else {
    CheckDecoded<T>(input);
  }
}

}  // namespace
}  // namespace lashup::crdt

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lashup::crdt;  // NOLINT: the entry point is outside the namespace
  if (size == 0) return 0;
  const bool build = (data[0] & 0x08) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      Run<OrSet>(build, input);
      break;
    case 1:
      Run<Counter>(build, input);
      break;
    case 2:
      Run<Flag>(build, input);
      break;
    case 3:
      Run<LwwRegister>(build, input);
      break;
    default:
      Run<Map>(build, input);
  }
  return 0;
}

// Round trips of CRDT states through the Cap'n Proto encoding, the nesting limit, and damaged
// encodings (truncations, corrupted bytes). Hand-built hostile messages are in
// crdt_codec_hostile_test.cc.
#include "wire/crdt_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "core/rng.h"

namespace lashup::wire {
namespace {

using crdt::ActorId;
using crdt::ApplyOptions;
using crdt::CrdtType;
namespace ops = crdt::ops;

constexpr ActorId kA{1}, kB{2}, kC{0xfedcba9876543210};

// A binary string: NUL and high bytes included, so nothing relies on C strings or signed chars.
std::string Binary(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// Encodes, decodes (flat and embedded) and checks the state and the bytes come back unchanged.
template <WireCrdt T>
std::vector<uint8_t> ExpectRoundTrip(const T& state) {
  auto bytes = EncodeCrdtMessage(state);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  if (!bytes.ok()) return {};
  auto decoded = DecodeCrdtMessage<T>(*bytes);
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  if (!decoded.ok()) return {};
  EXPECT_TRUE(*decoded == state);
  auto again = EncodeCrdtMessage(*decoded);
  EXPECT_TRUE(again.ok() && *again == *bytes) << "the encoding is not canonical";

  // The embedding API, as a message that carries a CrdtState would use it.
  capnp::MallocMessageBuilder builder;
  EXPECT_TRUE(WriteCrdt(builder.initRoot<schema::CrdtState>(), state).ok());
  auto embedded = ReadCrdt<T>(builder.getRoot<schema::CrdtState>().asReader());
  EXPECT_TRUE(embedded.ok()) << embedded.status();
  if (embedded.ok()) {
    EXPECT_TRUE(*embedded == state);
  }
  return *bytes;
}

crdt::Map Apply(crdt::Map& map, ActorId actor, std::vector<crdt::MapOp> list) {
  auto delta = map.Apply(list, ApplyOptions{.actor = actor});
  EXPECT_TRUE(delta.ok()) << delta.status();
  return delta.ok() ? *delta : crdt::Map();
}

// `depth` maps nested in one another (the top-level map is depth 1), the innermost holding a set
// (the leaf that needs the deepest Cap'n Proto nesting).
std::vector<crdt::MapOp> Chain(int depth) {
  std::vector<crdt::MapOp> list = {ops::Add("leaf", Binary({0, 'x'}))};
  for (int level = depth; level > 1; --level) {
    list = {ops::Update("m" + std::to_string(level), std::move(list))};
  }
  return list;
}

// Three levels, every type at each, two actors, removals and a delta skipped so the context has
// a cloud.
crdt::Map ThreeDeepMap() {
  crdt::Map a, b;
  std::vector<crdt::MapOp> leaves = {
      ops::AddAll("set", {"x", Binary({0}), Binary({0xff, 0})}),
      ops::Increment("n", INT64_MIN),
      ops::Enable("on"),
      ops::Assign("reg", Binary({'v', 0, 'w'}), -7),
  };
  auto inner = leaves;
  inner.push_back(ops::Update(Binary({0, 1}), leaves));
  auto middle = leaves;
  middle.push_back(ops::Update("inner", inner));
  auto top = leaves;
  top.push_back(ops::Update("middle", middle));
  b.Join(Apply(a, kA, top));
  // b misses this one, and with it the dot of the increment.
  Apply(a, kA, {ops::Remove("set", "x"), ops::Disable("on"), ops::Increment("missed")});
  b.Join(Apply(a, kA, {ops::Update("middle", {ops::Decrement("n", 3)})}));
  b.Join(Apply(b, kB, {ops::Update("middle", {ops::Update("inner", {ops::Enable("on")})})}));
  EXPECT_FALSE(b.context().cloud().empty());
  return b;
}

TEST(CrdtCodecTest, BottomValuesRoundTrip) {
  ExpectRoundTrip(crdt::OrSet());
  ExpectRoundTrip(crdt::Counter());
  ExpectRoundTrip(crdt::Flag());
  ExpectRoundTrip(crdt::LwwRegister());
  ExpectRoundTrip(crdt::Map());
}

TEST(CrdtCodecTest, BigSetRoundTrips) {
  crdt::OrSet set;
  for (int i = 0; i < 3000; ++i) {
    set.Add(i % 3 == 0 ? kA : (i % 3 == 1 ? kB : kC), Binary({i % 256, 0, i / 256, 0xff}));
  }
  for (int i = 0; i < 3000; i += 7)
    ASSERT_TRUE(set.Remove(Binary({i % 256, 0, i / 256, 0xff})).ok());
  set.Add(kB, "");  // the empty element
  ExpectRoundTrip(set);
  auto decoded = DecodeCrdtMessage<crdt::OrSet>(*EncodeCrdtMessage(set));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->value(), set.value());
  EXPECT_EQ(decoded->size(), 3000u - 429u + 1u);
}

TEST(CrdtCodecTest, CountersRoundTripWithExtremeValues) {
  crdt::Counter counter;
  counter.Add(kA, INT64_MIN);
  ExpectRoundTrip(counter);
  EXPECT_EQ(DecodeCrdtMessage<crdt::Counter>(*EncodeCrdtMessage(counter))->value(), INT64_MIN);

  counter.Add(kB, INT64_MAX);
  counter.Decrement(kC, 5);
  counter.Decrement(kC, INT64_MIN);
  counter.Add(kA, -1);
  ExpectRoundTrip(counter);
  auto decoded = DecodeCrdtMessage<crdt::Counter>(*EncodeCrdtMessage(counter));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->value(), counter.value());
}

TEST(CrdtCodecTest, FlagsRoundTrip) {
  crdt::Flag a, b;
  b.Join(a.Enable(kA));
  b.Enable(kB);
  a.Join(b);
  ExpectRoundTrip(a);
  a.Disable();
  ExpectRoundTrip(a);
  EXPECT_FALSE(DecodeCrdtMessage<crdt::Flag>(*EncodeCrdtMessage(a))->value());
}

TEST(CrdtCodecTest, RegistersWithBinaryValuesAndConcurrentEntriesRoundTrip) {
  crdt::LwwRegister a, b;
  a.Assign(kA, Binary({0, 0, 'a', 0xff}), -5);
  b.Assign(kB, Binary({'b', 0}), -5);  // concurrent, same timestamp: both entries stay
  a.Join(b);
  ASSERT_EQ(a.store().entries.size(), 2u);
  ExpectRoundTrip(a);
  auto decoded = DecodeCrdtMessage<crdt::LwwRegister>(*EncodeCrdtMessage(a));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->value(), a.value());
  EXPECT_EQ(decoded->value()->value, Binary({'b', 0}));
}

TEST(CrdtCodecTest, ContextWithACloudRoundTrips) {
  crdt::OrSet writer, reader;
  const crdt::OrSet first = writer.Add(kA, "1");
  writer.Add(kA, "2");  // never shipped
  const crdt::OrSet third = writer.Add(kA, "3");
  reader.Join(first);
  reader.Join(third);
  ASSERT_EQ(reader.context().cloud().size(), 1u);
  ExpectRoundTrip(reader);
  ExpectRoundTrip(third);  // a delta: cloud only, no version vector
}

TEST(CrdtCodecTest, MapsNestedThreeDeepRoundTrip) {
  const crdt::Map map = ThreeDeepMap();
  ExpectRoundTrip(map);
  auto decoded = DecodeCrdtMessage<crdt::Map>(*EncodeCrdtMessage(map));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->value(), map.value());
}

TEST(CrdtCodecTest, MapsNestedExactlySixteenDeepRoundTrip) {
  crdt::Map map;
  Apply(map, kA, Chain(crdt::kMaxNesting));
  Apply(map, kB, {ops::Increment("top")});
  ExpectRoundTrip(map);
  // The crdt library agrees that 16 is the limit: one more level cannot be built.
  crdt::Map deeper;
  EXPECT_FALSE(deeper.Apply(Chain(crdt::kMaxNesting + 1), ApplyOptions{.actor = kA}).ok());
}

TEST(CrdtCodecTest, NestingLimitIsExactlyWhatSixteenLevelsNeed) {
  crdt::Map map;
  Apply(map, kA, Chain(crdt::kMaxNesting));
  auto bytes = EncodeCrdtMessage(map);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(DecodeCrdtMessage<crdt::Map>(*bytes).ok());
  CodecLimits tight = kCrdtLimits;
  tight.nesting_limit = kCrdtNestingLimit - 1;
  auto refused = DecodeCrdtMessage<crdt::Map>(*bytes, tight);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("malformed message"), std::string::npos)
      << refused.status();
  // The envelope's default limit is far too small for CRDT states.
  EXPECT_FALSE(DecodeCrdtMessage<crdt::Map>(*bytes, CodecLimits{}).ok());
}

TEST(CrdtCodecTest, EmbeddedReadsTurnCapnProtoExceptionsIntoStatus) {
  crdt::Map map;
  Apply(map, kA, Chain(4));
  auto bytes = EncodeCrdtMessage(map);
  ASSERT_TRUE(bytes.ok());
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(bytes->size() / 8);
  std::memcpy(words.begin(), bytes->data(), bytes->size());
  capnp::ReaderOptions options;
  options.nestingLimit = 8;  // too shallow for four levels
  capnp::FlatArrayMessageReader reader(words, options);
  auto read = ReadCrdt<crdt::Map>(reader.getRoot<schema::CrdtState>());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
}

TEST(CrdtCodecTest, UnalignedInputDecodes) {
  const crdt::Map map = ThreeDeepMap();
  auto bytes = EncodeCrdtMessage(map);
  ASSERT_TRUE(bytes.ok());
  std::vector<uint8_t> shifted(bytes->size() + 1);
  std::memcpy(shifted.data() + 1, bytes->data(), bytes->size());
  auto decoded = DecodeCrdtMessage<crdt::Map>(std::span<const uint8_t>(shifted).subspan(1));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(*decoded == map);
}

TEST(CrdtCodecTest, EncodingOverTheFrameLimitFails) {
  crdt::OrSet set;
  set.Add(kA, std::string(4096, 'x'));
  CodecLimits small = kCrdtLimits;
  small.max_frame_bytes = 1024;
  auto bytes = EncodeCrdtMessage(set, small);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kResourceExhausted);
  auto full = EncodeCrdtMessage(set);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(DecodeCrdtMessage<crdt::OrSet>(*full, small).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(CrdtCodecTest, EveryTruncationFails) {
  auto bytes = EncodeCrdtMessage(ThreeDeepMap());
  ASSERT_TRUE(bytes.ok());
  ASSERT_GT(bytes->size(), 200u);
  for (size_t n = 0; n < bytes->size(); ++n) {
    auto decoded = DecodeCrdtMessage<crdt::Map>(std::span<const uint8_t>(bytes->data(), n));
    EXPECT_FALSE(decoded.ok()) << "a prefix of " << n << " bytes decoded";
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  }
}

// A corrupted encoding either fails with a Status or is a valid state that round-trips.
template <WireCrdt T>
bool DecodesToAValidState(const std::vector<uint8_t>& bytes) {
  auto decoded = DecodeCrdtMessage<T>(bytes);
  if (!decoded.ok()) {
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << decoded.status();
    return false;
  }
  auto again = EncodeCrdtMessage(*decoded);
  EXPECT_TRUE(again.ok());
  if (!again.ok()) return true;
  auto twice = DecodeCrdtMessage<T>(*again);
  EXPECT_TRUE(twice.ok() && *twice == *decoded);
  return true;
}

TEST(CrdtCodecTest, SingleByteCorruptionsNeverCrash) {
  auto bytes = EncodeCrdtMessage(ThreeDeepMap());
  ASSERT_TRUE(bytes.ok());
  Rng rng(7);
  size_t valid = 0, invalid = 0;
  for (size_t i = 0; i < bytes->size(); ++i) {
    for (uint8_t value : {uint8_t{0}, uint8_t{0xff}, static_cast<uint8_t>((*bytes)[i] ^ 1),
                          static_cast<uint8_t>(rng.Next())}) {
      std::vector<uint8_t> corrupted = *bytes;
      corrupted[i] = value;
      (DecodesToAValidState<crdt::Map>(corrupted) ? valid : invalid)++;
    }
  }
  // Both outcomes occur: data bytes (counters, timestamps) change the state, pointers break it.
  EXPECT_GT(valid, 0u);
  EXPECT_GT(invalid, 0u);
}

TEST(CrdtCodecTest, CorruptedEncodingsOfEveryTypeNeverCrash) {
  crdt::OrSet set;
  set.AddAll(kA, {"a", Binary({0}), "c"});
  crdt::Counter counter;
  counter.Add(kB, -9);
  crdt::Flag flag;
  flag.Enable(kC);
  crdt::LwwRegister reg;
  reg.Assign(kA, Binary({0, 1}), 3);
  const std::vector<std::vector<uint8_t>> encodings = {
      *EncodeCrdtMessage(set), *EncodeCrdtMessage(counter), *EncodeCrdtMessage(flag),
      *EncodeCrdtMessage(reg)};
  Rng rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> bytes = encodings[round % encodings.size()];
    bytes[rng.Uniform(bytes.size())] = static_cast<uint8_t>(rng.Next());
    DecodesToAValidState<crdt::OrSet>(bytes);
    DecodesToAValidState<crdt::Counter>(bytes);
    DecodesToAValidState<crdt::Flag>(bytes);
    DecodesToAValidState<crdt::LwwRegister>(bytes);
  }
}

}  // namespace
}  // namespace lashup::wire

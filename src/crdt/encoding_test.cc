#include "crdt/encoding.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/rng.h"

namespace lashup::crdt {
namespace {

using ::lashup::crdt::ops::Add;
using ::lashup::crdt::ops::Assign;
using ::lashup::crdt::ops::Enable;
using ::lashup::crdt::ops::Increment;
using ::lashup::crdt::ops::Update;

// Actors with every byte non-zero, so a mix-up of byte order shows.
constexpr ActorId kA{0x0102030405060708};
constexpr ActorId kB{0xf1e2d3c4b5a69788};
constexpr ActorId kC{3};

template <typename T>
void ExpectRoundTrip(const T& state) {
  const std::string bytes = Encode(state);
  auto decoded = Decode<T>(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, state);
  EXPECT_EQ(Encode(*decoded), bytes);
}

// Hand-written encodings, spelled from the format comment in encoding.h rather than from the
// encoder, so the tests pin the format.
class Bytes {
 public:
  Bytes& U8(uint8_t b) {
    out_.push_back(static_cast<char>(b));
    return *this;
  }
  Bytes& Varint(uint64_t v) {
    for (; v >= 0x80; v >>= 7) U8(static_cast<uint8_t>(v | 0x80));
    return U8(static_cast<uint8_t>(v));
  }
  Bytes& Dot(ActorId actor, uint64_t counter) {
    for (int i = 0; i < 8; ++i) U8(static_cast<uint8_t>(actor.value() >> (8 * i)));
    return Varint(counter);
  }
  Bytes& Str(std::string_view s) {
    Varint(s.size());
    out_.append(s);
    return *this;
  }
  Bytes& Raw(std::string_view s) {
    out_.append(s);
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

// Version, type, and a context {kA:n} with an empty cloud.
Bytes Header(CrdtType type, uint64_t n = 1) {
  Bytes b;
  b.U8(kEncodingVersion).U8(static_cast<uint8_t>(type));
  if (n == 0) return b.Varint(0).Varint(0);
  return b.Varint(1).Dot(kA, n).Varint(0);
}

void ExpectRejected(const Status& status, std::string_view fragment) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find(fragment), std::string::npos)
      << "message \"" << status.message() << "\" lacks \"" << fragment << "\"";
}

Result<Map> ApplyTo(Map& m, std::vector<MapOp> list, ActorId actor) {
  return m.Apply(list, ApplyOptions{actor, nullptr, {}});
}

// A map three deep with every field type, and a cloud in its context: replica B joins two of
// A's three deltas, skipping the middle one.
Map DeepMapWithCloud() {
  Map a;
  std::vector<Map> deltas;
  for (auto list : std::vector<std::vector<MapOp>>{
           {Add("set", std::string("x\0y", 3)), Increment("hits", -7)},
           {Enable("skipped")},
           {Update("l1", {Update("l2", {Assign("reg", std::string("\0\xff", 2), -5),
                                        Increment("deep", std::numeric_limits<int64_t>::min())}),
                          Add("inner", "e")}),
            Enable("on")},
       }) {
    auto delta = ApplyTo(a, list, kA);
    EXPECT_TRUE(delta.ok()) << delta.status();
    deltas.push_back(*delta);
  }
  Map b;
  EXPECT_TRUE(ApplyTo(b, {Assign("owner", "b", 9)}, kB).ok());
  b.Join(deltas[0]);
  b.Join(deltas[2]);
  return b;
}

TEST(EncodingTest, FlagHasTheDocumentedBytes) {
  Flag f;
  f.Enable(kA);
  const std::string expected = Header(CrdtType::kFlag).Varint(1).Dot(kA, 1).str();
  EXPECT_EQ(Encode(f), expected);
  ExpectRoundTrip(f);
  ExpectRoundTrip(Flag());
  f.Disable();
  ExpectRoundTrip(f);  // disabled: no dots, a context
}

TEST(EncodingTest, LargeSetRoundTrips) {
  OrSet s;
  Rng rng(7);
  for (int i = 0; i < 3000; ++i) {
    const ActorId actor(rng.Next());
    s.Add(i % 3 == 0 ? kA : actor, "element-" + std::to_string(rng.Uniform(2000)));
  }
  for (int i = 0; i < 2000; i += 5) (void)s.Remove("element-" + std::to_string(i));
  ASSERT_GT(s.size(), 1000u);
  ExpectRoundTrip(s);
}

TEST(EncodingTest, SetWithConcurrentAddsAndCloudRoundTrips) {
  OrSet a;
  OrSet b;
  const OrSet d1 = a.Add(kA, "same");
  a.Add(kA, "skipped");
  const OrSet d3 = a.Add(kA, std::string("\0", 1));
  b.Add(kB, "same");
  b.Join(d1);
  b.Join(d3);
  ASSERT_FALSE(b.context().cloud().empty());
  ASSERT_TRUE(b.store().entries.contains("same"));
  ASSERT_EQ(b.store().entries.find("same")->second.size(), 2u);  // two concurrent adds
  ExpectRoundTrip(b);
}

TEST(EncodingTest, CounterExtremesRoundTrip) {
  Counter c;
  c.Add(kA, std::numeric_limits<int64_t>::min());
  c.Add(kB, -1);
  c.Decrement(kC, std::numeric_limits<int64_t>::min());
  c.Add(kB, std::numeric_limits<int64_t>::max());
  ExpectRoundTrip(c);
  auto decoded = DecodeCounter(Encode(c));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->value(), c.value());
}

TEST(EncodingTest, RegisterWithBinaryValuesAndConcurrentEntriesRoundTrips) {
  LwwRegister a;
  LwwRegister b;
  a.Assign(kA, std::string("nul\0in\0side", 11), std::numeric_limits<int64_t>::min());
  b.Assign(kB, std::string("\xff\x00\x80", 3), std::numeric_limits<int64_t>::max());
  LwwRegister c;
  c.Assign(kC, "", -1);
  a.Join(b);
  a.Join(c);
  ASSERT_EQ(a.store().entries.size(), 3u);
  ExpectRoundTrip(a);
  ExpectRoundTrip(LwwRegister());
}

TEST(EncodingTest, NestedMapWithCloudRoundTrips) {
  const Map m = DeepMapWithCloud();
  ASSERT_FALSE(m.context().cloud().empty());
  ASSERT_TRUE(m.value().Find("l1", CrdtType::kMap) != nullptr);
  ExpectRoundTrip(m);
  ExpectRoundTrip(Map());
}

TEST(EncodingTest, MapAtTheNestingLimitRoundTrips) {
  std::vector<MapOp> list = {Enable("leaf")};
  for (int depth = 1; depth < kMaxNesting; ++depth) list = {Update("m", list)};
  Map m;
  ASSERT_TRUE(ApplyTo(m, list, kA).ok());
  ExpectRoundTrip(m);
}

TEST(EncodingTest, JoinOrderDoesNotChangeTheBytes) {
  Map a;
  Map b;
  std::vector<Map> deltas;
  for (int i = 0; i < 6; ++i) {
    Map& replica = i % 2 == 0 ? a : b;
    const ActorId actor = i % 2 == 0 ? kA : kB;
    auto delta = ApplyTo(replica,
                         {Add("s", "e" + std::to_string(i % 3)), Increment("c", i - 3),
                          Update("m", {Assign("r", "v" + std::to_string(i), i % 2)})},
                         actor);
    ASSERT_TRUE(delta.ok()) << delta.status();
    deltas.push_back(*delta);
  }
  Map forward;
  for (const Map& d : deltas) forward.Join(d);
  Map backward;
  for (auto it = deltas.rbegin(); it != deltas.rend(); ++it) backward.Join(*it);
  Map skipping;  // odd ones first, then even
  for (size_t i = 1; i < deltas.size(); i += 2) skipping.Join(deltas[i]);
  for (size_t i = 0; i < deltas.size(); i += 2) skipping.Join(deltas[i]);
  EXPECT_EQ(Encode(forward), Encode(backward));
  EXPECT_EQ(Encode(forward), Encode(skipping));
  // A middle state with a gap in its context: the cloud is encoded the same way too.
  Map gap1;
  gap1.Join(deltas[4]);
  gap1.Join(deltas[0]);
  Map gap2;
  gap2.Join(deltas[0]);
  gap2.Join(deltas[4]);
  ASSERT_FALSE(gap1.context().cloud().empty());
  EXPECT_EQ(Encode(gap1), Encode(gap2));
}

template <typename T>
void ExpectEveryTruncationFails(const T& state) {
  const std::string bytes = Encode(state);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = Decode<T>(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(decoded.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(EncodingTest, EveryTruncationFails) {
  OrSet s;
  s.AddAll(kA, {"a", "b", std::string("c\0", 2)});
  ExpectEveryTruncationFails(s);
  Counter c;
  c.Add(kA, -3);
  c.Add(kB, 1000000);
  ExpectEveryTruncationFails(c);
  Flag f;
  f.Enable(kB);
  ExpectEveryTruncationFails(f);
  LwwRegister r;
  r.Assign(kA, "value", -300);
  ExpectEveryTruncationFails(r);
  ExpectEveryTruncationFails(DeepMapWithCloud());
}

// Each corruption must fail cleanly or decode to a valid state whose encoding is the input.
template <typename T>
int CheckEveryCorruption(const T& state) {
  const std::string bytes = Encode(state);
  int accepted = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int v = 0; v < 256; ++v) {
      if (static_cast<uint8_t>(bytes[i]) == v) continue;
      std::string corrupt = bytes;
      corrupt[i] = static_cast<char>(v);
      auto decoded = Decode<T>(corrupt);
      if (!decoded.ok()) {
        EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
        continue;
      }
      ++accepted;
      EXPECT_EQ(Encode(*decoded), corrupt) << "byte " << i << " set to " << v;
      T joined = *decoded;
      joined.Join(*decoded);
      EXPECT_EQ(joined, *decoded);
      joined.Join(state);  // a valid state joins safely with anything of its type
    }
  }
  return accepted;
}

TEST(EncodingTest, EverySingleByteCorruptionFailsOrReencodesIdentically) {
  OrSet s;
  s.AddAll(kA, {"a", "bb"});
  s.Add(kB, "a");
  EXPECT_GT(CheckEveryCorruption(s), 0);  // e.g. an element's bytes changed
  Counter c;
  c.Add(kA, -3);
  EXPECT_GT(CheckEveryCorruption(c), 0);
  Flag f;
  f.Enable(kA);
  CheckEveryCorruption(f);
  LwwRegister r;
  r.Assign(kB, std::string("v\0", 2), 12345);
  EXPECT_GT(CheckEveryCorruption(r), 0);
  EXPECT_GT(CheckEveryCorruption(DeepMapWithCloud()), 0);
}

TEST(EncodingHostileTest, HugeLengthAndCountPrefixes) {
  // An element length far beyond the input.
  // Padded so the element count itself fits the bytes left.
  Bytes long_element = Header(CrdtType::kOrSet).Varint(1);
  long_element.Varint(std::numeric_limits<uint64_t>::max()).Raw(std::string(16, 'x'));
  ExpectRejected(DecodeOrSet(long_element.str()).status(), "length 18446744073709551615 exceeds");
  // A count that would need terabytes.
  const std::string many = Header(CrdtType::kOrSet).Varint(uint64_t{1} << 60).str();
  ExpectRejected(DecodeOrSet(many).status(), "cannot fit");
  const std::string many_dots = Header(CrdtType::kFlag).Varint(1000).Dot(kA, 1).str();
  ExpectRejected(DecodeFlag(many_dots).status(), "cannot fit");
}

TEST(EncodingHostileTest, MalformedVarints) {
  Bytes eleven = Header(CrdtType::kFlag);
  for (int i = 0; i < 10; ++i) eleven.U8(0x80);
  eleven.U8(0x00);
  ExpectRejected(DecodeFlag(eleven.str()).status(), "overflows 64 bits");
  Bytes ten = Header(CrdtType::kFlag);
  for (int i = 0; i < 9; ++i) ten.U8(0xff);
  ten.U8(0x02);  // bit 64
  ExpectRejected(DecodeFlag(ten.str()).status(), "overflows 64 bits");
  // 0 spelled in two bytes: decoding it would re-encode shorter.
  const std::string overlong = Header(CrdtType::kFlag).U8(0x80).U8(0x00).str();
  ExpectRejected(DecodeFlag(overlong).status(), "not minimal");
  // The largest varint is accepted where a counter may be anything.
  Bytes max = Header(CrdtType::kCounter).Varint(1).Dot(kA, 1);
  max.Varint(std::numeric_limits<uint64_t>::max()).Varint(0);
  auto counter = DecodeCounter(max.str());
  ASSERT_TRUE(counter.ok()) << counter.status();
  EXPECT_EQ(counter->value(), -1);
}

TEST(EncodingHostileTest, DuplicateOrUnsortedSetElements) {
  Bytes dup = Header(CrdtType::kOrSet, 2).Varint(2);
  dup.Str("a").Varint(1).Dot(kA, 1).Str("a").Varint(1).Dot(kA, 2);
  ExpectRejected(DecodeOrSet(dup.str()).status(), "set elements not strictly increasing");
  Bytes unsorted = Header(CrdtType::kOrSet, 2).Varint(2);
  unsorted.Str("b").Varint(1).Dot(kA, 1).Str("a").Varint(1).Dot(kA, 2);
  ExpectRejected(DecodeOrSet(unsorted.str()).status(), "at offset 26");
  Bytes sorted = Header(CrdtType::kOrSet, 2).Varint(2);
  sorted.Str("a").Varint(1).Dot(kA, 1).Str("b").Varint(1).Dot(kA, 2);
  EXPECT_TRUE(DecodeOrSet(sorted.str()).ok());
  // One dot under two elements.
  Bytes shared = Header(CrdtType::kOrSet, 2).Varint(2);
  shared.Str("a").Varint(1).Dot(kA, 1).Str("b").Varint(1).Dot(kA, 1);
  ExpectRejected(DecodeOrSet(shared.str()).status(), "appears twice");
  Bytes no_dots = Header(CrdtType::kOrSet).Varint(1).Str("a").Varint(0).Raw(std::string(16, 0));
  ExpectRejected(DecodeOrSet(no_dots.str()).status(), "set element dot list is empty");
}

TEST(EncodingHostileTest, DotsOutsideTheContext) {
  const std::string flag = Header(CrdtType::kFlag, 1).Varint(1).Dot(kA, 2).str();
  ExpectRejected(DecodeFlag(flag).status(), "not in the causal context");
  Bytes counter = Header(CrdtType::kCounter, 1).Varint(1).Dot(kB, 1).Varint(1).Varint(0);
  ExpectRejected(DecodeCounter(counter.str()).status(), "not in the causal context");
  const std::string zero = Header(CrdtType::kFlag, 1).Varint(1).Dot(kA, 0).str();
  ExpectRejected(DecodeFlag(zero).status(), "counter 0");
}

TEST(EncodingHostileTest, NonCanonicalContexts) {
  Bytes base;
  base.U8(kEncodingVersion).U8(static_cast<uint8_t>(CrdtType::kFlag));
  // A cloud dot next to the vector would be compacted into it.
  Bytes contiguous = base;
  contiguous.Varint(1).Dot(kA, 1).Varint(1).Dot(kA, 2).Varint(0);
  ExpectRejected(DecodeFlag(contiguous.str()).status(), "contiguous");
  Bytes covered = base;
  covered.Varint(1).Dot(kA, 5).Varint(1).Dot(kA, 3).Varint(0);
  ExpectRejected(DecodeFlag(covered.str()).status(), "covered");
  Bytes unsorted_vector = base;
  unsorted_vector.Varint(2).Dot(kB, 1).Dot(kA, 1).Varint(0).Varint(0);
  ExpectRejected(DecodeFlag(unsorted_vector.str()).status(), "actors not strictly increasing");
  Bytes zero_entry = base;
  zero_entry.Varint(1).Dot(kA, 0).Varint(0).Varint(0);
  ExpectRejected(DecodeFlag(zero_entry.str()).status(), "counter 0");
  Bytes gap = base;  // canonical: kA:1 seen, kA:2 not, kA:3 seen
  gap.Varint(1).Dot(kA, 1).Varint(1).Dot(kA, 3).Varint(1).Dot(kA, 3);
  auto flag = DecodeFlag(gap.str());
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_EQ(flag->context().cloud().size(), 1u);
}

// `levels` maps nested in each other (the outermost is the state), the innermost holding an
// enabled flag: its field is at depth `levels`.
std::string NestedMaps(int levels) {
  Bytes b = Header(CrdtType::kMap);
  for (int i = 1; i < levels; ++i) b.Varint(1).Str("m").U8(static_cast<uint8_t>(CrdtType::kMap));
  b.Varint(1).Str("leaf").U8(static_cast<uint8_t>(CrdtType::kFlag)).Varint(1).Dot(kA, 1);
  return b.str();
}

TEST(EncodingHostileTest, NestingDepth) {
  auto deepest = DecodeMap(NestedMaps(kMaxNesting));
  ASSERT_TRUE(deepest.ok()) << deepest.status();
  EXPECT_EQ(Encode(*deepest), NestedMaps(kMaxNesting));
  ExpectRejected(DecodeMap(NestedMaps(kMaxNesting + 1)).status(), "nested deeper than 16");
  // Far deeper input stops at the limit rather than recursing through it.
  ExpectRejected(DecodeMap(NestedMaps(100000)).status(), "nested deeper than 16");
}

TEST(EncodingHostileTest, WrongOrUnknownTypes) {
  Flag f;
  f.Enable(kA);
  ExpectRejected(DecodeOrSet(Encode(f)).status(), "expected type orset but found flag at offset 1");
  std::string unknown = Encode(f);
  unknown[1] = 9;
  ExpectRejected(DecodeFlag(unknown).status(), "unknown type 9");
  std::string version = Encode(f);
  version[0] = 2;
  ExpectRejected(DecodeFlag(version).status(), "unknown format version 2 at offset 0");
  ExpectRejected(DecodeFlag("").status(), "input ends");
  Bytes field = Header(CrdtType::kMap).Varint(1).Str("f").U8(6);
  ExpectRejected(DecodeMap(field.str()).status(), "unknown field type 6");
  Bytes empty_field = Header(CrdtType::kMap).Varint(1).Str("f").U8(1).Varint(0);
  ExpectRejected(DecodeMap(empty_field.str()).status(), "is empty");
  // Same name, two types: ordered by type.
  Bytes two = Header(CrdtType::kMap, 2).Varint(2);
  two.Str("f").U8(3).Varint(1).Dot(kA, 1).Str("f").U8(2).Varint(1).Dot(kA, 2).Varint(1).Varint(0);
  ExpectRejected(DecodeMap(two.str()).status(), "map fields not strictly increasing");
}

TEST(EncodingHostileTest, TrailingBytes) {
  Flag f;
  f.Enable(kA);
  const std::string bytes = Encode(f) + '\0';
  ExpectRejected(DecodeFlag(bytes).status(), "trailing bytes");
}

TEST(EncodingHostileTest, Limits) {
  OrSet s;
  s.AddAll(kA, {"a", "b", "c"});
  const std::string bytes = Encode(s);
  // 1 vector entry + 3 elements + 3 dots.
  EXPECT_TRUE(DecodeOrSet(bytes, DecodeLimits{bytes.size(), 7}).ok());
  ExpectRejected(DecodeOrSet(bytes, DecodeLimits{bytes.size(), 6}).status(), "limit on entries");
  ExpectRejected(DecodeOrSet(bytes, DecodeLimits{bytes.size() - 1, 7}).status(), "exceed");
}

}  // namespace
}  // namespace lashup::crdt

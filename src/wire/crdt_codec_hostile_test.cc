// Hand-built CrdtState messages that an honest encoder never produces: each must be refused with
// kInvalidArgument and a message naming the problem.
#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "lashup/crdt/ops.h"
#include "wire/crdt_codec.h"

namespace lashup::wire {
namespace {

using Pair = std::pair<uint64_t, uint64_t>;  // (actor, counter)

void SetDots(capnp::List<schema::Dot>::Builder out, const std::vector<Pair>& dots) {
  for (unsigned i = 0; i < dots.size(); ++i) {
    out[i].setActor(dots[i].first);
    out[i].setCounter(dots[i].second);
  }
}

capnp::Data::Reader DataOf(const std::string& s) {
  return capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(s.data()), s.size());
}

// One CrdtState message, built by hand.
class Hostile {
 public:
  explicit Hostile(std::vector<Pair> compact = {{1, 10}}, std::vector<Pair> cloud = {}) {
    auto context = builder_.initRoot<schema::CrdtState>().initContext();
    auto vv = context.initCompact(static_cast<unsigned>(compact.size()));
    for (unsigned i = 0; i < compact.size(); ++i) {
      vv[i].setActor(compact[i].first);
      vv[i].setCounter(compact[i].second);
    }
    SetDots(context.initCloud(static_cast<unsigned>(cloud.size())), cloud);
  }

  schema::CrdtState::Builder root() { return builder_.getRoot<schema::CrdtState>(); }
  schema::Store::Builder store() { return root().getStore(); }

  // A set with the given elements, in the order given.
  void Set(schema::Store::Builder out,
           const std::vector<std::pair<std::string, std::vector<Pair>>>& elements) {
    auto list = out.initOrSet().initElements(static_cast<unsigned>(elements.size()));
    for (unsigned i = 0; i < elements.size(); ++i) {
      list[i].setValue(DataOf(elements[i].first));
      SetDots(list[i].initDots(static_cast<unsigned>(elements[i].second.size())),
              elements[i].second);
    }
  }

  std::vector<uint8_t> Bytes() {
    kj::Array<capnp::word> words = capnp::messageToFlatArray(builder_);
    auto bytes = words.asBytes();
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
  }

 private:
  capnp::MallocMessageBuilder builder_;
};

// Decoding as T fails with kInvalidArgument and a message containing `needle`.
template <WireCrdt T>
void ExpectRefused(Hostile& message, const std::string& needle) {
  auto decoded = DecodeCrdtMessage<T>(message.Bytes());
  ASSERT_FALSE(decoded.ok()) << "accepted; expected: " << needle;
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find(needle), std::string::npos) << decoded.status();
}

template <WireCrdt T>
void ExpectAccepted(Hostile& message) {
  auto decoded = DecodeCrdtMessage<T>(message.Bytes());
  EXPECT_TRUE(decoded.ok()) << decoded.status();
}

// Field `i` of a map store: name, type and an (uninitialized) store.
schema::Store::Builder SetField(capnp::List<schema::Field>::Builder fields, unsigned i,
                                const std::string& name, uint8_t type) {
  fields[i].setName(DataOf(name));
  fields[i].setType(type);
  return fields[i].initStore();
}

void SetFlag(schema::Store::Builder out, std::vector<Pair> dots) {
  SetDots(out.initFlag().initDots(static_cast<unsigned>(dots.size())), dots);
}

constexpr uint8_t kFlag = static_cast<uint8_t>(crdt::CrdtType::kFlag);
constexpr uint8_t kCounter = static_cast<uint8_t>(crdt::CrdtType::kCounter);
constexpr uint8_t kMap = static_cast<uint8_t>(crdt::CrdtType::kMap);

TEST(CrdtCodecHostileTest, WellFormedControlIsAccepted) {
  // The builders below are right when they mean to be: this one is valid.
  Hostile m({{1, 3}});
  m.Set(m.store(), {{"a", {{1, 1}}}, {"b", {{1, 2}, {1, 3}}}});
  ExpectAccepted<crdt::OrSet>(m);
}

TEST(CrdtCodecHostileTest, DuplicateSetElements) {
  Hostile m({{1, 2}});
  m.Set(m.store(), {{"x", {{1, 1}}}, {"x", {{1, 2}}}});
  ExpectRefused<crdt::OrSet>(m, "set elements not strictly increasing at \"x\"");
}

TEST(CrdtCodecHostileTest, UnsortedSetElements) {
  Hostile m({{1, 2}});
  m.Set(m.store(), {{"b", {{1, 1}}}, {"a", {{1, 2}}}});
  ExpectRefused<crdt::OrSet>(m, "not strictly increasing");
}

TEST(CrdtCodecHostileTest, ElementBytesCompareUnsigned) {
  // 0x01 < 0xff as unsigned bytes; a signed comparison would call this order wrong.
  Hostile m({{1, 2}});
  m.Set(m.store(), {{"\x01", {{1, 1}}}, {"\xff", {{1, 2}}}});
  ExpectAccepted<crdt::OrSet>(m);
}

TEST(CrdtCodecHostileTest, DotNotInContext) {
  Hostile m({{1, 1}});
  m.Set(m.store(), {{"x", {{1, 2}}}});
  ExpectRefused<crdt::OrSet>(m, "is not in the causal context");
}

TEST(CrdtCodecHostileTest, DotTwiceInOneValue) {
  Hostile m({{1, 2}});
  m.Set(m.store(), {{"x", {{1, 1}}}, {"y", {{1, 1}}}});
  ExpectRefused<crdt::OrSet>(m, "appears twice");
}

TEST(CrdtCodecHostileTest, UnsortedOrRepeatedDotsInAnElement) {
  Hostile m({{1, 2}});
  m.Set(m.store(), {{"x", {{1, 2}, {1, 1}}}});
  ExpectRefused<crdt::OrSet>(m, "set element \"x\": dots not strictly increasing");
  Hostile repeated({{1, 2}});
  repeated.Set(repeated.store(), {{"x", {{1, 1}, {1, 1}}}});
  ExpectRefused<crdt::OrSet>(repeated, "dots not strictly increasing");
}

TEST(CrdtCodecHostileTest, ElementWithoutDots) {
  Hostile m;
  m.Set(m.store(), {{"x", {}}});
  ExpectRefused<crdt::OrSet>(m, "set element \"x\" has no dots");
}

TEST(CrdtCodecHostileTest, DotWithCounterZero) {
  Hostile m;
  SetFlag(m.store(), {{1, 0}});
  ExpectRefused<crdt::Flag>(m, "has counter 0");
}

TEST(CrdtCodecHostileTest, CounterAndRegisterEntriesInDotOrder) {
  Hostile counter({{1, 2}});
  auto entries = counter.store().initCounter().initEntries(2);
  entries[0].initDot().setActor(1);
  entries[0].getDot().setCounter(2);
  entries[1].initDot().setActor(1);
  entries[1].getDot().setCounter(1);
  ExpectRefused<crdt::Counter>(counter, "counter entries not strictly increasing");

  Hostile reg({{1, 2}});
  auto assignments = reg.store().initRegister().initEntries(2);
  for (unsigned i = 0; i < 2; ++i) {
    assignments[i].initDot().setActor(1);
    assignments[i].getDot().setCounter(1);  // the same dot twice
  }
  ExpectRefused<crdt::LwwRegister>(reg, "register entries not strictly increasing");
}

TEST(CrdtCodecHostileTest, FieldTypeMismatch) {
  Hostile m;
  auto fields = m.store().initMap().initFields(1);
  SetFlag(SetField(fields, 0, "hits", kCounter), {{1, 1}});
  ExpectRefused<crdt::Map>(m, "field \"hits\" (counter): store holds flag, expected counter");
}

TEST(CrdtCodecHostileTest, UnknownFieldType) {
  for (uint8_t type : {uint8_t{0}, uint8_t{6}, uint8_t{255}}) {
    Hostile m;
    auto fields = m.store().initMap().initFields(1);
    SetFlag(SetField(fields, 0, "f", type), {{1, 1}});
    ExpectRefused<crdt::Map>(m, "field \"f\" has unknown type " + std::to_string(type));
  }
}

TEST(CrdtCodecHostileTest, UnknownStoreBranch) {
  Hostile m;
  auto store = m.store();
  SetFlag(store, {{1, 1}});
  // The union's discriminant is the first 16 bits of Store's data section; 7 is no branch.
  auto data = capnp::AnyStruct::Builder(kj::mv(store)).getDataSection();
  ASSERT_GE(data.size(), 2u);
  ASSERT_EQ(data[0], static_cast<capnp::byte>(schema::Store::FLAG));
  data[0] = 7;
  ExpectRefused<crdt::Flag>(m, "unknown store kind 7");
}

TEST(CrdtCodecHostileTest, WrongTopLevelType) {
  crdt::Counter counter;
  counter.Add(crdt::ActorId(1), 5);
  auto bytes = EncodeCrdtMessage(counter);
  ASSERT_TRUE(bytes.ok());
  auto as_map = DecodeCrdtMessage<crdt::Map>(*bytes);
  ASSERT_FALSE(as_map.ok());
  EXPECT_NE(as_map.status().message().find("store holds counter, expected map"), std::string::npos)
      << as_map.status();
}

TEST(CrdtCodecHostileTest, FieldsInStrictlyIncreasingNameThenTypeOrder) {
  Hostile same_name_two_types({{1, 2}});
  auto ok_fields = same_name_two_types.store().initMap().initFields(2);
  SetFlag(SetField(ok_fields, 0, "f", kFlag), {{1, 1}});
  auto inner = SetField(ok_fields, 1, "f", kMap).initMap().initFields(1);
  SetFlag(SetField(inner, 0, "g", kFlag), {{1, 2}});
  ExpectAccepted<crdt::Map>(same_name_two_types);

  Hostile duplicate({{1, 2}});
  auto dup_fields = duplicate.store().initMap().initFields(2);
  SetFlag(SetField(dup_fields, 0, "f", kFlag), {{1, 1}});
  SetFlag(SetField(dup_fields, 1, "f", kFlag), {{1, 2}});
  ExpectRefused<crdt::Map>(duplicate, "map fields not strictly increasing at field \"f\" (flag)");

  Hostile unsorted({{1, 2}});
  auto bad_fields = unsorted.store().initMap().initFields(2);
  SetFlag(SetField(bad_fields, 0, "g", kFlag), {{1, 1}});
  SetFlag(SetField(bad_fields, 1, "f", kFlag), {{1, 2}});
  ExpectRefused<crdt::Map>(unsorted, "map fields not strictly increasing");
}

TEST(CrdtCodecHostileTest, EmptyField) {
  Hostile m;
  auto fields = m.store().initMap().initFields(1);
  SetFlag(SetField(fields, 0, "off", kFlag), {});
  ExpectRefused<crdt::Map>(m, "field \"off\" is empty");
}

TEST(CrdtCodecHostileTest, ContextNotCompact) {
  Hostile next_to_vector({{1, 2}}, {{1, 3}});
  ExpectRefused<crdt::Flag>(next_to_vector, "causal context not compact: cloud dot");
  Hostile covered({{1, 2}}, {{1, 2}});
  ExpectRefused<crdt::Flag>(covered, "not compact");
  Hostile at_limit({{1, crdt::kMaxDotCounter}}, {{1, crdt::kMaxDotCounter}});
  ExpectRefused<crdt::Flag>(at_limit, "not compact");
  Hostile gap({{1, 2}}, {{1, 4}});
  SetFlag(gap.store(), {});
  ExpectAccepted<crdt::Flag>(gap);
}

TEST(CrdtCodecHostileTest, CountersBeyondTheLimit) {
  // A context claiming an actor's counter near 2^64 would make that actor's next dot wrap.
  Hostile vector({{1, crdt::kMaxDotCounter + 1}});
  SetFlag(vector.store(), {});
  ExpectRefused<crdt::Flag>(vector, "exceeds the limit 2^62");
  Hostile cloud({}, {{1, UINT64_MAX}});
  SetFlag(cloud.store(), {});
  ExpectRefused<crdt::Flag>(cloud, "exceeds the limit 2^62");
  Hostile at_limit({{1, crdt::kMaxDotCounter}});
  SetFlag(at_limit.store(), {{1, crdt::kMaxDotCounter}});
  ExpectAccepted<crdt::Flag>(at_limit);
}

TEST(CrdtCodecHostileTest, ContextListsOutOfOrder) {
  Hostile vector({{2, 1}, {1, 1}});
  ExpectRefused<crdt::Flag>(vector, "causal context: version vector");
  Hostile zero({{1, 0}});
  ExpectRefused<crdt::Flag>(zero, "zero counter");
  Hostile cloud({}, {{1, 5}, {1, 3}});
  ExpectRefused<crdt::Flag>(cloud, "causal context cloud: dots not strictly increasing");
}

TEST(CrdtCodecHostileTest, AllNullMessageIsABottomSetAndNothingElse) {
  capnp::MallocMessageBuilder builder;
  builder.initRoot<schema::CrdtState>();
  kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  const std::vector<uint8_t> raw(bytes.begin(), bytes.end());
  auto set = DecodeCrdtMessage<crdt::OrSet>(raw);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_TRUE(set->IsBottom());
  EXPECT_FALSE(DecodeCrdtMessage<crdt::Map>(raw).ok());
}

TEST(CrdtCodecHostileTest, TrailingBytes) {
  crdt::Flag flag;
  flag.Enable(crdt::ActorId(1));
  auto bytes = EncodeCrdtMessage(flag);
  ASSERT_TRUE(bytes.ok());
  bytes->insert(bytes->end(), 8, 0);
  auto decoded = DecodeCrdtMessage<crdt::Flag>(*bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("trailing bytes"), std::string::npos);
}

// Makes `m` a chain of `depth` map stores (the state's own is 1), the innermost holding a flag.
void MapChain(Hostile& m, int depth) {
  auto store = m.store();
  for (int level = 1; level < depth; ++level) {
    store = SetField(store.initMap().initFields(1), 0, "m", kMap);
  }
  SetFlag(SetField(store.initMap().initFields(1), 0, "f", kFlag), {{1, 1}});
}

TEST(CrdtCodecHostileTest, MapsDeeperThanSixteenAreRefused) {
  Hostile sixteen;
  MapChain(sixteen, crdt::kMaxNesting);
  ExpectAccepted<crdt::Map>(sixteen);

  Hostile seventeen;
  MapChain(seventeen, crdt::kMaxNesting + 1);
  ExpectRefused<crdt::Map>(seventeen, "maps nested deeper than 16");
  // The reader counts depth itself, so a generous nesting limit changes nothing.
  CodecLimits generous = kCrdtLimits;
  generous.nesting_limit = 1000;
  for (int depth : {crdt::kMaxNesting + 1, 200}) {
    Hostile deep;
    MapChain(deep, depth);
    auto decoded = DecodeCrdtMessage<crdt::Map>(deep.Bytes(), generous);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.status().message().find("maps nested deeper than 16"), std::string::npos)
        << decoded.status();
  }
}

}  // namespace
}  // namespace lashup::wire

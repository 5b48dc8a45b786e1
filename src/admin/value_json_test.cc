#include "admin/value_json.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "admin/utf8.h"
#include "lashup/crdt/map.h"

namespace lashup::admin {
namespace {

using crdt::CrdtType;
using nlohmann::json;
namespace ops = crdt::ops;

// A map's value after applying `list` to an empty map.
crdt::MapValue ValueOf(const std::vector<crdt::MapOp>& list) {
  crdt::Map map;
  crdt::HybridClock clock;
  Result<crdt::Map> delta =
      map.Apply(list, crdt::ApplyOptions{crdt::ActorId{1}, &clock, WallTimeFromNanos(1000)});
  EXPECT_TRUE(delta.ok()) << delta.status();
  return map.value();
}

crdt::MapValue EveryType() {
  return ValueOf(
      {ops::AddAll("vips", {"10.0.0.2:80", "10.0.0.1:80"}), ops::Increment("hits", 3),
       ops::Decrement("debt", 2), ops::Enable("healthy"), ops::Assign("owner", "node-1", 42),
       ops::Update("meta",
                   {ops::Assign("zone", "eu 1"), ops::Update("deep", {ops::Add("tags", "x")})})});
}

TEST(ValueToJsonTest, EveryTypeAndNestedMaps) {
  const json expected = json::parse(R"({
    "vips:orset": ["10.0.0.1:80", "10.0.0.2:80"],
    "hits:counter": 3,
    "debt:counter": -2,
    "healthy:flag": true,
    "owner:register": {"value": "node-1", "timestamp": 42},
    "meta:map": {
      "zone:register": {"value": "eu 1", "timestamp": 1000},
      "deep:map": {"tags:orset": ["x"]}
    }
  })");
  EXPECT_EQ(ValueToJson(EveryType()), expected);
}

TEST(ValueToJsonTest, EmptyMapIsAnEmptyObject) {
  const json rendered = ValueToJson(crdt::MapValue{});
  EXPECT_TRUE(rendered.is_object());
  EXPECT_EQ(rendered.dump(), "{}");
}

TEST(ValueToJsonTest, DisabledFlagsReadFalse) {
  // A disabled flag's field disappears from a Map, but a value may still carry false.
  crdt::MapValue value;
  value.entries.push_back(crdt::MapEntry{{"f", CrdtType::kFlag}, crdt::Value{false}});
  EXPECT_EQ(ValueToJson(value), json::parse(R"({"f:flag": false})"));
}

TEST(ValueToJsonTest, InvalidUtf8IsEscapedAndDumpDoesNotThrow) {
  const crdt::MapValue value =
      ValueOf({ops::AddAll("s\xff", {"ok", "a\xc0\x80", "z\xc3\xbcrich"}),
               ops::Assign("r", "\xed\xa0\x80", 7),
               ops::Update("m\xfe", {ops::Add("t", std::string("\0\x80", 2))})});
  const json rendered = ValueToJson(value);
  std::string dumped;
  ASSERT_NO_THROW(dumped = rendered.dump());
  EXPECT_EQ(json::parse(dumped), rendered);
  EXPECT_EQ(rendered.at("s\\xff:orset"), json::parse(R"(["a\\xc0\\x80", "ok", "zürich"])"));
  EXPECT_EQ(rendered.at("r:register").at("value"), "\\xed\\xa0\\x80");
  EXPECT_EQ(rendered.at("m\\xfe:map").at("t:orset"), json::array({std::string("\0\\x80", 5)}));
}

RC_GTEST_PROP(ValueToJsonProps, DumpNeverThrows, ()) {
  const auto bytes = rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  const auto names = *rc::gen::container<std::vector<std::string>>(bytes);
  crdt::MapValue inner;
  crdt::MapValue value;
  for (const std::string& name : names) {
    const std::string element = *bytes;
    inner.entries.push_back(
        crdt::MapEntry{{name, CrdtType::kOrSet}, crdt::Value{crdt::SetValue{element}}});
    value.entries.push_back(
        crdt::MapEntry{{name, CrdtType::kRegister}, crdt::Value{crdt::RegisterValue{element, 1}}});
  }
  value.entries.push_back(crdt::MapEntry{{*bytes, CrdtType::kMap}, crdt::Value{inner}});
  const json rendered = ValueToJson(value);
  try {
    (void)rendered.dump();
    (void)ValueToText(value, 2);
  } catch (const std::exception& e) {
    RC_FAIL(std::string("dump threw: ") + e.what());
  }
}

TEST(Utf8Test, ValidSequencesPassAndTheRestIsEscaped) {
  for (const char* valid : {"", "plain", "z\xc3\xbcrich", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                            "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80"}) {
    EXPECT_TRUE(IsValidUtf8(valid)) << valid;
    EXPECT_EQ(EscapeInvalidUtf8(valid), valid);
  }
  EXPECT_EQ(EscapeInvalidUtf8("\x80"), "\\x80");                             // lone continuation
  EXPECT_EQ(EscapeInvalidUtf8("\xc1\xbf"), "\\xc1\\xbf");                    // overlong
  EXPECT_EQ(EscapeInvalidUtf8("\xe0\x9f\xbf"), "\\xe0\\x9f\\xbf");           // overlong
  EXPECT_EQ(EscapeInvalidUtf8("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // surrogate
  EXPECT_EQ(EscapeInvalidUtf8("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(EscapeInvalidUtf8("a\xe2\x82"), "a\\xe2\\x82");                  // truncated
  EXPECT_EQ(EscapeInvalidUtf8("\xe2\x82\xe2\x82\xac"), "\\xe2\\x82\xe2\x82\xac");
  EXPECT_EQ(EscapeInvalidUtf8("\xff\xfe"), "\\xff\\xfe");
}

// nlohmann's own check is the oracle: its strict dump throws exactly on invalid UTF-8.
RC_GTEST_PROP(Utf8Props, AgreesWithNlohmannAndEscapingMakesValid, ()) {
  const std::string text = *rc::gen::container<std::string>(
      rc::gen::oneOf(rc::gen::arbitrary<char>(),
                     rc::gen::elementOf(std::string("\x80\xbf\xc2\xe0\xed\xf0\xf4\xa0\x90\x8f"))));
  bool nlohmann_accepts = true;
  try {
    (void)json(text).dump();
  } catch (const json::exception&) {
    nlohmann_accepts = false;
  }
  RC_ASSERT(IsValidUtf8(text) == nlohmann_accepts);
  RC_ASSERT(IsValidUtf8(EscapeInvalidUtf8(text)));
  if (nlohmann_accepts) RC_ASSERT(EscapeInvalidUtf8(text) == text);
}

TEST(ValueToTextTest, OneLinePerFieldWithNestedMapsIndented) {
  EXPECT_EQ(ValueToText(EveryType()),
            "debt (counter): -2\n"
            "healthy (flag): on\n"
            "hits (counter): 3\n"
            "meta (map):\n"
            "  deep (map):\n"
            "    tags (orset): x\n"
            "  zone (register): \"eu 1\"\n"
            "owner (register): node-1\n"
            "vips (orset): 10.0.0.1:80, 10.0.0.2:80\n");
}

TEST(ValueToTextTest, IndentsAndQuotesOddText) {
  crdt::MapValue value = ValueOf(
      {ops::AddAll("my set", {"a,b", "", "\x1b[31m"}), ops::Assign("r", "line\nbreak\xff", 1)});
  value.entries.push_back(crdt::MapEntry{{"off", CrdtType::kFlag}, crdt::Value{false}});
  EXPECT_EQ(ValueToText(value, 4),
            "    \"my set\" (orset): \"\", \"\\x1b[31m\", \"a,b\"\n"
            "    r (register): \"line\\nbreak\\xff\"\n"
            "    off (flag): off\n");
  EXPECT_EQ(ValueToText(crdt::MapValue{}, 2), "");
  EXPECT_EQ(ValueToText(value, -3), ValueToText(value, 0));
}

}  // namespace
}  // namespace lashup::admin

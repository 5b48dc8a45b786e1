#include "admin/op_syntax.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "admin/utf8.h"
#include "lashup/crdt/map.h"

namespace lashup::admin {
namespace {

using crdt::CrdtType;
using crdt::MapOp;

Result<std::vector<MapOp>> ParseLine(std::string_view line) {
  LASHUP_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(line));
  return ParseOps(tokens);
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : " ") + part;
  return out;
}

std::string Shape(const MapOp& op);

// Every detail of a field op that the parser decides, nested ops included.
std::string Shape(const crdt::UpdateField& update) {
  const std::string& name = update.field.name;
  const std::string type = crdt::CrdtTypeName(update.field.type);
  if (const auto* add = std::get_if<crdt::SetAdd>(&update.op)) {
    return "add " + type + " " + name + " [" + Join(add->elements) + "]";
  }
  if (const auto* rm = std::get_if<crdt::SetRemove>(&update.op)) {
    return "remove " + type + " " + name + " [" + Join(rm->elements) + "]" +
           (rm->seen ? " seen" : "");
  }
  if (const auto* c = std::get_if<crdt::CounterAdd>(&update.op)) {
    return type + " " + name + " " + std::to_string(c->amount);
  }
  if (std::holds_alternative<crdt::FlagEnable>(update.op)) return "enable " + type + " " + name;
  if (const auto* d = std::get_if<crdt::FlagDisable>(&update.op)) {
    return "disable " + type + " " + name + (d->seen ? " seen" : "");
  }
  if (const auto* a = std::get_if<crdt::RegisterAssign>(&update.op)) {
    return "assign " + type + " " + name + " " + a->value + (a->timestamp ? " @ts" : " @clock");
  }
  std::string out = "in " + type + " " + name + " {";
  for (const MapOp& nested : std::get<crdt::NestedMapOps>(update.op).ops) out += Shape(nested);
  return out + "}";
}

std::string Shape(const MapOp& op) {
  if (const auto* drop = std::get_if<crdt::RemoveField>(&op.op)) {
    return std::string("drop ") + crdt::CrdtTypeName(drop->field.type) + " " + drop->field.name +
           (drop->seen ? " seen" : "");
  }
  return Shape(std::get<crdt::UpdateField>(op.op));
}

std::vector<std::string> Shapes(std::string_view line) {
  Result<std::vector<MapOp>> ops = ParseLine(line);
  EXPECT_TRUE(ops.ok()) << line << ": " << ops.status();
  std::vector<std::string> shapes;
  if (!ops.ok()) return shapes;
  for (const MapOp& op : *ops) shapes.push_back(Shape(op));
  return shapes;
}

std::string ParseError(std::string_view line) {
  Result<std::vector<MapOp>> ops = ParseLine(line);
  EXPECT_FALSE(ops.ok()) << line;
  EXPECT_EQ(ops.status().code(), StatusCode::kInvalidArgument) << line;
  return ops.status().message();
}

using Strings = std::vector<std::string>;

TEST(ParseOpsTest, EveryVerb) {
  EXPECT_EQ(Shapes("add vips 10.0.0.1:80"), Strings{"add orset vips [10.0.0.1:80]"});
  EXPECT_EQ(Shapes("add vips a b c"), Strings{"add orset vips [a b c]"});
  EXPECT_EQ(Shapes("remove vips a"), Strings{"remove orset vips [a]"});
  EXPECT_EQ(Shapes("remove vips a b"), Strings{"remove orset vips [a b]"});
  EXPECT_EQ(Shapes("incr hits"), Strings{"counter hits 1"});
  EXPECT_EQ(Shapes("incr hits 42"), Strings{"counter hits 42"});
  EXPECT_EQ(Shapes("decr hits"), Strings{"counter hits -1"});
  EXPECT_EQ(Shapes("decr hits 9223372036854775807"), Strings{"counter hits -9223372036854775807"});
  EXPECT_EQ(Shapes("enable healthy"), Strings{"enable flag healthy"});
  EXPECT_EQ(Shapes("disable healthy"), Strings{"disable flag healthy"});
  EXPECT_EQ(Shapes("assign owner node-1"), Strings{"assign register owner node-1 @clock"});
  EXPECT_EQ(Shapes("drop vips orset"), Strings{"drop orset vips"});
  EXPECT_EQ(Shapes("drop hits counter"), Strings{"drop counter hits"});
  EXPECT_EQ(Shapes("drop healthy flag"), Strings{"drop flag healthy"});
  EXPECT_EQ(Shapes("drop owner register"), Strings{"drop register owner"});
  EXPECT_EQ(Shapes("drop meta map"), Strings{"drop map meta"});
}

TEST(ParseOpsTest, InNestsOpsInMapFields) {
  EXPECT_EQ(Shapes("in meta assign zone eu-1"),
            Strings{"in map meta {assign register zone eu-1 @clock}"});
  EXPECT_EQ(Shapes("in a in b incr c 2"), Strings{"in map a {in map b {counter c 2}}"});
  EXPECT_EQ(Shapes("in a drop b map"), Strings{"in map a {drop map b}"});
  // "in" is only a verb where a verb is expected.
  EXPECT_EQ(Shapes("in in add in in"), Strings{"in map in {add orset in [in]}"});
}

TEST(ParseOpsTest, SeparatorsSplitOpsInOrder) {
  EXPECT_EQ(Shapes("add s a, incr c; in m enable f ,assign r v"),
            (Strings{"add orset s [a]", "counter c 1", "in map m {enable flag f}",
                     "assign register r v @clock"}));
  // An unquoted comma splits even inside what was meant as one element.
  EXPECT_EQ(ParseError("add s a,b"),
            "op 1 (b): unknown verb \"b\"; expected one of add, remove, incr, decr, enable, "
            "disable, assign, drop, in");
}

TEST(ParseOpsTest, QuotedSeparatorsAndVerbsAreData) {
  EXPECT_EQ(Shapes(R"(add s ',' ";" "a b" '')"), Strings{"add orset s [, ; a b ]"});
  EXPECT_EQ(Shapes(R"(assign r 'x, y')"), Strings{"assign register r x, y @clock"});
  EXPECT_EQ(Shapes("'add' s \\,"), Strings{"add orset s [,]"});
}

TEST(ParseOpsTest, MaximumNestingIsAccepted) {
  std::string line;
  for (int i = 1; i < crdt::kMaxNesting; ++i) line += "in m ";
  ASSERT_TRUE(ParseLine(line + "incr c").ok());
  EXPECT_EQ(ParseError("in m " + line + "incr c").substr(0, 11), "op 0 (in m ");
  EXPECT_NE(ParseError("in m " + line + "incr c")
                .find("maps nest at most 16 deep, so an op takes "
                      "at most 15 \"in\""),
            std::string::npos);
}

TEST(ParseOpsTest, ErrorsNameTheOpAndTheProblem) {
  EXPECT_EQ(ParseError(""), "no ops given; see `help op`");
  EXPECT_EQ(ParseError("frob x"),
            "op 0 (frob x): unknown verb \"frob\"; expected one of add, remove, incr, decr, "
            "enable, disable, assign, drop, in");
  EXPECT_EQ(ParseError("incr c, ADD s a"),
            "op 1 (ADD s a): unknown verb \"ADD\"; expected one of add, remove, incr, decr, "
            "enable, disable, assign, drop, in");
  EXPECT_EQ(ParseError("add"),
            "op 0 (add): missing the field name; usage: add FIELD ELEM [ELEM...]");
  EXPECT_EQ(ParseError("add s"),
            "op 0 (add s): missing the elements; usage: add FIELD ELEM [ELEM...]");
  EXPECT_EQ(ParseError("remove s"),
            "op 0 (remove s): missing the elements; usage: remove FIELD ELEM [ELEM...]");
  EXPECT_EQ(ParseError("incr"), "op 0 (incr): missing the field name; usage: incr FIELD [N]");
  EXPECT_EQ(ParseError("decr c 1 2 3"),
            "op 0 (decr c 1 2 3): unexpected extra argument \"2\" (and 1 more); usage: decr FIELD "
            "[N]");
  EXPECT_EQ(ParseError("enable f g"),
            "op 0 (enable f g): unexpected extra argument \"g\"; usage: enable FLAG");
  EXPECT_EQ(ParseError("disable"), "op 0 (disable): missing the field name; usage: disable FLAG");
  EXPECT_EQ(ParseError("assign r"),
            "op 0 (assign r): missing the value; usage: assign FIELD VALUE");
  EXPECT_EQ(ParseError("assign r a b"),
            "op 0 (assign r a b): unexpected extra argument \"b\"; usage: assign FIELD VALUE "
            "(quote a value that has spaces)");
  EXPECT_EQ(ParseError("drop x"), "op 0 (drop x): missing the field type; usage: drop FIELD TYPE");
  EXPECT_EQ(ParseError("drop x set"),
            "op 0 (drop x set): unknown field type \"set\"; expected one of orset, counter, flag, "
            "register, map");
  EXPECT_EQ(ParseError("drop x map y"),
            "op 0 (drop x map y): unexpected extra argument \"y\"; usage: drop FIELD TYPE");
  EXPECT_EQ(ParseError("in"), "op 0 (in): missing the map field name; usage: in MAPFIELD OP");
  EXPECT_EQ(ParseError("in m"),
            "op 0 (in m): missing the op to apply inside map field \"m\"; usage: in MAPFIELD OP");
  EXPECT_EQ(ParseError("in m in n add s"),
            "op 0 (in m in n add s): missing the elements; usage: add FIELD ELEM [ELEM...]");
}

TEST(ParseOpsTest, BadAmounts) {
  EXPECT_EQ(ParseError("incr c x"), "op 0 (incr c x): amount \"x\" is not a decimal integer");
  EXPECT_EQ(ParseError("incr c 5x"), "op 0 (incr c 5x): amount \"5x\" is not a decimal integer");
  EXPECT_EQ(ParseError("incr c +5"), "op 0 (incr c +5): amount \"+5\" is not a decimal integer");
  EXPECT_EQ(ParseError("incr c 1.5"), "op 0 (incr c 1.5): amount \"1.5\" is not a decimal integer");
  EXPECT_EQ(ParseError("incr c ''"), "op 0 (incr c \"\"): amount \"\" is not a decimal integer");
  EXPECT_EQ(ParseError("incr c ' 5'"),
            "op 0 (incr c \" 5\"): amount \" 5\" is not a decimal integer");
  EXPECT_EQ(ParseError("incr c 0"), "op 0 (incr c 0): amount \"0\" must be greater than zero");
  EXPECT_EQ(ParseError("decr c -0"), "op 0 (decr c -0): amount \"-0\" must be greater than zero");
  EXPECT_EQ(ParseError("incr c -3"),
            "op 0 (incr c -3): amount \"-3\" is negative; give a positive amount to the other of "
            "incr/decr");
  EXPECT_EQ(ParseError("incr c 9223372036854775808"),
            "op 0 (incr c 9223372036854775808): amount \"9223372036854775808\" is out of range; "
            "at most 9223372036854775807");
  EXPECT_EQ(ParseError("decr c -99999999999999999999"),
            "op 0 (decr c -99999999999999999999): amount \"-99999999999999999999\" is out of "
            "range; at most 9223372036854775807");
}

TEST(ParseOpsTest, EmptyOpsAndStraySeparators) {
  EXPECT_EQ(ParseError(", incr c"), "op 0 is empty: \",\" at the start");
  EXPECT_EQ(ParseError("incr c,, incr d"), "op 1 is empty: \",\" followed by \",\"");
  EXPECT_EQ(ParseError("incr c; ,incr d"), "op 1 is empty: \";\" followed by \",\"");
  EXPECT_EQ(ParseError("incr c;"), "trailing \";\" after op 0; remove it or add an op");
  EXPECT_EQ(ParseError("incr c, incr d,"), "trailing \",\" after op 1; remove it or add an op");
  EXPECT_EQ(ParseError(";"), "op 0 is empty: \";\" at the start");
}

TEST(ParseOpsTest, MessagesQuoteOddTextAndStayShort) {
  const std::string message = ParseError("add \"\\xff\\x1b\"");
  EXPECT_EQ(message,
            "op 0 (add \"\\xff\\x1b\"): missing the elements; usage: add FIELD ELEM "
            "[ELEM...]");
  const std::string long_op = ParseError("incr c " + std::string(200, '7'));
  EXPECT_LT(long_op.size(), 300u);
  EXPECT_NE(long_op.find("..."), std::string::npos);
}

// Lines built from the grammar's pieces and stray bytes: parsing either succeeds with one MapOp
// per op or fails with kInvalidArgument and a message that can go into JSON.
RC_GTEST_PROP(ParseOpsProps, AnyLineParsesOrFailsCleanly, ()) {
  const std::vector<std::string> pieces = {"add",    "remove", "incr", "decr",  "enable", "disable",
                                           "assign", "drop",   "in",   "orset", "map",    "x",
                                           "7",      "-1",     "0",    ",",     ";",      "'",
                                           "\"",     "\\",     " ",    "\xff",  "\x1b"};
  const auto parts = *rc::gen::container<std::vector<std::string>>(rc::gen::oneOf(
      rc::gen::elementOf(pieces), rc::gen::container<std::string>(rc::gen::arbitrary<char>())));
  std::string line;
  for (const std::string& part : parts) line += part + (*rc::gen::arbitrary<bool>() ? " " : "");
  Result<std::vector<MapOp>> ops = ParseLine(line);
  if (ops.ok()) {
    RC_ASSERT(!ops->empty());
  } else {
    RC_ASSERT(ops.status().code() == StatusCode::kInvalidArgument);
    RC_ASSERT(IsValidUtf8(ops.status().message()));
  }
}

class ParsedOpsApplyTest : public ::testing::Test {
 protected:
  // Parses and applies `line` to map_, as the daemon will.
  Status Run(std::string_view line) {
    LASHUP_ASSIGN_OR_RETURN(std::vector<MapOp> ops, ParseLine(line));
    Result<crdt::Map> delta =
        map_.Apply(ops, crdt::ApplyOptions{crdt::ActorId{1}, &clock_, WallTimeFromNanos(5000)});
    return delta.status();
  }
  crdt::Map map_;
  crdt::HybridClock clock_;
};

TEST_F(ParsedOpsApplyTest, ParsedOpsApply) {
  ASSERT_TRUE(Run("add vips 10.0.0.2:80 10.0.0.1:80 10.0.0.3:80, remove vips 10.0.0.3:80; "
                  "incr hits 10, decr hits 3, enable healthy, assign owner 'node 1', "
                  "in meta in inner add tags x, in meta incr gen")
                  .ok());
  const crdt::MapValue value = map_.value();
  ASSERT_EQ(value.size(), 5u);
  EXPECT_EQ(*value.Find("vips", CrdtType::kOrSet)->AsSet(),
            (crdt::SetValue{"10.0.0.1:80", "10.0.0.2:80"}));
  EXPECT_EQ(*value.Find("hits", CrdtType::kCounter)->AsCounter(), 7);
  EXPECT_TRUE(*value.Find("healthy", CrdtType::kFlag)->AsFlag());
  EXPECT_EQ(*value.Find("owner", CrdtType::kRegister)->AsRegister(),
            (crdt::RegisterValue{"node 1", 5000}));
  const crdt::MapValue* meta = value.Find("meta", CrdtType::kMap)->AsMap();
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(*meta->Find("gen", CrdtType::kCounter)->AsCounter(), 1);
  const crdt::MapValue* inner = meta->Find("inner", CrdtType::kMap)->AsMap();
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(*inner->Find("tags", CrdtType::kOrSet)->AsSet(), (crdt::SetValue{"x"}));
}

TEST_F(ParsedOpsApplyTest, DisableAndDropRemoveFields) {
  ASSERT_TRUE(Run("enable f, incr c, add s a, assign r v, in m incr n").ok());
  ASSERT_EQ(map_.value().size(), 5u);
  ASSERT_TRUE(Run("disable f; drop c counter; drop s orset; drop r register; drop m map").ok());
  EXPECT_TRUE(map_.value().empty());
}

TEST_F(ParsedOpsApplyTest, ApplyIsAtomicAndIndexesMatchTheParser) {
  ASSERT_TRUE(Run("add s a").ok());
  const crdt::MapValue before = map_.value();
  const Status status = Run("incr c, remove s zzz");
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message().substr(0, 5), "op 1 ");  // the same numbering as ParseOps
  EXPECT_EQ(map_.value(), before);
}

TEST(OpSyntaxHelpTest, MentionsEveryVerb) {
  const std::string help = OpSyntaxHelp();
  for (const char* verb :
       {"add ", "remove ", "incr ", "decr ", "enable ", "disable ", "assign ", "drop ", "in "}) {
    EXPECT_NE(help.find(std::string("\n  ") + verb), std::string::npos) << verb;
  }
  EXPECT_EQ(help.back(), '\n');
}

}  // namespace
}  // namespace lashup::admin

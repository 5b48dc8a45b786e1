#include "render.h"

#include <gtest/gtest.h>

namespace lashup::ctl {
namespace {

using Json = nlohmann::json;

TEST(CtlRenderTest, CommandNameIsTheFirstWordOrTheMcPair) {
  EXPECT_EQ(CommandName("  get a/b"), "get");
  EXPECT_EQ(CommandName("mc send t hello"), "mc send");
  EXPECT_EQ(CommandName("mc\twatch t"), "mc watch");
  EXPECT_EQ(CommandName("mc"), "mc");
  EXPECT_EQ(CommandName(""), "");
}

TEST(CtlRenderTest, TableAlignsColumnsAndTrimsTheLastOne) {
  EXPECT_EQ(RenderTable({"node", "x"}, {{"n1@127.0.0.1:7001", "yes"}, {"n10", ""}}),
            "NODE               X\n"
            "n1@127.0.0.1:7001  yes\n"
            "n10\n");
  EXPECT_EQ(RenderTable({"a", "b"}, {{"caf\xc3\xa9", "1"}, {"x"}}),
            "A     B\n"
            "caf\xc3\xa9  1\n"
            "x\n");
}

TEST(CtlRenderTest, MembersTable) {
  const Json result = Json::parse(R"({"members":[
    {"node":"n1@127.0.0.1:7001","reachable":true,"epoch":3,
     "neighbours":["n2@127.0.0.1:7002","n3@127.0.0.1:7003"],"last_heard_ms":120},
    {"node":"n2@127.0.0.1:7002","reachable":false,"epoch":12,"neighbours":[],
     "last_heard_ms":65000}]})");
  EXPECT_EQ(
      RenderResult("members", result),
      "NODE               REACHABLE  EPOCH  NEIGHBOURS                           LAST HEARD\n"
      "n1@127.0.0.1:7001  yes        3      n2@127.0.0.1:7002,n3@127.0.0.1:7003  120ms ago\n"
      "n2@127.0.0.1:7002  no         12                                          1m05s ago\n");
}

TEST(CtlRenderTest, MembersWithMissingOrMistypedFieldsShowDashes) {
  const Json result = Json::parse(R"({"members":[{"node":"n1","reachable":"maybe"}, 7]})");
  EXPECT_EQ(RenderResult("members", result),
            "NODE  REACHABLE  EPOCH  NEIGHBOURS  LAST HEARD\n"
            "n1    -          -      -           -\n"
            "-     -          -      -           -\n");
}

TEST(CtlRenderTest, ViewsTable) {
  EXPECT_EQ(RenderResult("views", Json::parse(R"({"active":["n2","n3"],"passive":["n4"]})")),
            "VIEW     NODE\n"
            "active   n2\n"
            "active   n3\n"
            "passive  n4\n");
  EXPECT_EQ(RenderResult("views", Json::parse(R"({"active":[],"passive":[]})")),
            "(both views are empty)\n");
}

TEST(CtlRenderTest, TreeIndentsByDepth) {
  const Json result = Json::parse(R"({"root":"n1","nodes":[
      {"node":"n3","parent":"n2","distance":2},
      {"node":"n2","parent":"n1","distance":1},
      {"node":"n4","parent":"n1","distance":1}],"unreached":["n5","n6"]})");
  EXPECT_EQ(RenderResult("tree", result),
            "n1  (root)\n"
            "  n2  (distance 1)\n"
            "    n3  (distance 2)\n"
            "  n4  (distance 1)\n"
            "unreached: n5 n6\n");
}

TEST(CtlRenderTest, TreeListsOrphansAndSurvivesLoops) {
  const Json result = Json::parse(R"({"root":"n1","nodes":[
      {"node":"n1","parent":null,"distance":0},
      {"node":"a","parent":"b","distance":3},
      {"node":"b","parent":"a","distance":4},
      {"node":"c","parent":"gone","distance":5}]})");
  EXPECT_EQ(RenderResult("tree", result),
            "n1  (root)\n"
            "  b  (distance 4, parent a)\n"
            "    a  (distance 3)\n"
            "  c  (distance 5, parent gone)\n");
}

TEST(CtlRenderTest, SimpleResults) {
  EXPECT_EQ(RenderResult("reachable", Json::parse(R"({"node":"n2@h:1","reachable":false})")),
            "n2@h:1 is unreachable\n");
  EXPECT_EQ(RenderResult("reachable", Json::parse(R"({"node":"n2@h:1","reachable":true})")),
            "n2@h:1 is reachable\n");
  EXPECT_EQ(RenderResult("keys", Json::parse(R"({"keys":["a/b","a/c"]})")), "a/b\na/c\n");
  EXPECT_EQ(RenderResult("keys", Json::parse(R"({"keys":[]})")), "(no keys)\n");
  EXPECT_EQ(RenderResult("del", Json::parse(R"({"key":"a/b"})")), "deleted a/b\n");
  EXPECT_EQ(RenderResult("mc send", Json::parse(R"({"topic":"t","seq":5})")),
            "sent to topic t as seq 5\n");
  EXPECT_EQ(RenderResult("metrics", Json::parse(R"({"text":"a 1\nb 2\n"})")), "a 1\nb 2\n");
}

TEST(CtlRenderTest, GetAndOpShowTheValueText) {
  const Json result =
      Json::parse(R"({"key":"a/b","value":{"s:orset":["x","y"]},"text":"s (orset): x, y\n"})");
  EXPECT_EQ(RenderResult("get", result), "s (orset): x, y\n");
  EXPECT_EQ(RenderResult("op", result), "s (orset): x, y\n");
  EXPECT_EQ(RenderResult("get", Json::parse(R"({"key":"a","value":{},"text":""})")),
            "(empty value)\n");
  EXPECT_EQ(RenderResult("get", Json::parse(R"({"key":"a","value":{"c:counter":2}})")),
            "{\n  \"c:counter\": 2\n}\n");
}

TEST(CtlRenderTest, InfoListsKnownFieldsFirst) {
  const Json result = Json::parse(
      R"({"data_dir":"/d","extra":1,"listen":"127.0.0.1:7001","node":"n1@127.0.0.1:7001",
          "preset":"lan"})");
  EXPECT_EQ(RenderResult("info", result),
            "node      n1@127.0.0.1:7001\n"
            "listen    127.0.0.1:7001\n"
            "preset    lan\n"
            "data_dir  /d\n"
            "extra     1\n");
  EXPECT_EQ(RenderResult("info", Json::parse(R"({"node":"n1","metrics_listen":""})")),
            "node            n1\n"
            "metrics_listen  -\n");
}

TEST(CtlRenderTest, HelpIsATable) {
  const Json result = Json::parse(R"({"commands":[
      {"name":"get","usage":"get KEY","summary":"a key's value"},
      {"name":"mc send","usage":"mc send TOPIC DATA","summary":"multicast"}]})");
  EXPECT_EQ(RenderResult("help", result),
            "USAGE               SUMMARY\n"
            "get KEY             a key's value\n"
            "mc send TOPIC DATA  multicast\n");
  EXPECT_EQ(RenderResult("help", Json::parse(R"({"text":"op syntax\n"})")), "op syntax\n");
  const Json multi_line = Json::parse(R"({"commands":[
      {"name":"help op","usage":"help op","summary":"op KEY OPS\nOps:\n  add F E\n"},
      {"name":"help","usage":"help","summary":"this list"}]})");
  EXPECT_EQ(RenderResult("help", multi_line),
            "USAGE    SUMMARY\n"
            "help op  op KEY OPS\n"
            "         Ops:\n"
            "           add F E\n"
            "help     this list\n");
}

TEST(CtlRenderTest, UnknownShapesFallBackWithoutThrowing) {
  EXPECT_EQ(RenderResult("members", Json::parse(R"({"members":"none"})")),
            "{\n  \"members\": \"none\"\n}\n");
  EXPECT_EQ(RenderResult("newcommand", Json::parse(R"({"text":"hi"})")), "hi\n");
  EXPECT_EQ(RenderResult("get", Json(42)), "42\n");
  EXPECT_EQ(
      RenderResult("tree", Json::parse(R"({"root":"n1","nodes":[{"parent":"x"}]})")),
      "{\n  \"nodes\": [\n    {\n      \"parent\": \"x\"\n    }\n  ],\n  \"root\": \"n1\"\n}\n");
  for (const char* command : {"info", "members", "views", "tree", "reachable", "keys", "get", "op",
                              "del", "mc send", "metrics", "help", "x"}) {
    for (const Json& odd : {Json(), Json::array(), Json::object(), Json("s"),
                            Json::parse(R"({"text":7,"keys":[1],"node":[]})")}) {
      EXPECT_FALSE(RenderResult(command, odd).empty()) << command << " " << odd.dump();
    }
  }
}

TEST(CtlRenderTest, DaemonTextCannotDriveTheTerminal) {
  const std::string out =
      RenderResult("keys", Json::parse(R"({"keys":["a\u001b[2Jb"]})")) +
      RenderResult("get", Json::parse(R"({"text":"x\u001b]0;title\u0007\n"})")) +
      RenderEvent("mc watch", Json::parse(R"({"origin":"n1","seq":1,"topic":"t",
                                              "data":"\u009b31m\n"})"));
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
  EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos);
  EXPECT_NE(out.find("a\\x1b[2Jb"), std::string::npos);
}

TEST(CtlRenderTest, WatchEvents) {
  EXPECT_EQ(RenderEvent("watch", Json::parse(R"({"key":"a/b","value":{"c:counter":1},
                                                 "text":"c (counter): 1\n","snapshot":true})")),
            "[snapshot] a/b = c (counter): 1\n");
  EXPECT_EQ(RenderEvent("watch", Json::parse(R"({"key":"a/b","value":{"c:counter":2},
                                                 "text":"c (counter): 2\nf (flag): on\n",
                                                 "snapshot":false})")),
            "a/b =\n  c (counter): 2\n  f (flag): on\n");
  EXPECT_EQ(RenderEvent("watch", Json::parse(R"({"key":"a/b","value":{},"text":"",
                                                 "snapshot":false})")),
            "a/b deleted\n");
  EXPECT_EQ(RenderEvent("watch", Json::parse(R"({"something":"else"})")),
            "{\"something\":\"else\"}\n");
}

TEST(CtlRenderTest, McWatchEvents) {
  EXPECT_EQ(RenderEvent("mc watch", Json::parse(R"({"origin":"n1@h:1","seq":5,"topic":"t",
                                                    "data":"hello world"})")),
            "[t] n1@h:1 #5: hello world\n");
}

TEST(CtlRenderTest, AgesAreShort) {
  EXPECT_EQ(FormatAge(0), "0ms ago");
  EXPECT_EQ(FormatAge(999), "999ms ago");
  EXPECT_EQ(FormatAge(4200), "4.2s ago");
  EXPECT_EQ(FormatAge(185'000), "3m05s ago");
  EXPECT_EQ(FormatAge(7'620'000), "2h07m ago");
  EXPECT_EQ(FormatAge(-5), "0ms ago");
}

}  // namespace
}  // namespace lashup::ctl

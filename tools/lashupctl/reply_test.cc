#include "reply.h"

#include <gtest/gtest.h>

namespace lashup::ctl {
namespace {

TEST(CtlReplyTest, ReadsEachKindOfLine) {
  auto result = ParseReply(R"({"ok":true,"result":{"keys":["a/b"]}})");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->kind, Reply::Kind::kResult);
  EXPECT_EQ(result->body["keys"][0], "a/b");

  auto stream = ParseReply(R"({"ok":true,"stream":true})");
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->kind, Reply::Kind::kStreamStart);

  auto event = ParseReply(R"({"event":{"key":"a","value":{},"snapshot":false}})");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->kind, Reply::Kind::kEvent);
  EXPECT_EQ(event->body["key"], "a");

  auto error = ParseReply(R"({"ok":false,"code":"NOT_FOUND","error":"no key 'a/b'"})");
  ASSERT_TRUE(error.ok());
  EXPECT_EQ(error->kind, Reply::Kind::kError);
  EXPECT_EQ(error->code, "NOT_FOUND");
  EXPECT_EQ(error->error, "no key 'a/b'");

  auto no_code = ParseReply(R"({"ok":false,"error":"bad"})");
  ASSERT_TRUE(no_code.ok());
  EXPECT_EQ(no_code->code, "");
}

TEST(CtlReplyTest, ResultMayBeAnyJson) {
  auto null_result = ParseReply(R"({"ok":true,"result":null})");
  ASSERT_TRUE(null_result.ok());
  EXPECT_TRUE(null_result->body.is_null());
}

TEST(CtlReplyTest, MalformedLinesAreErrorsNotCrashes) {
  for (const char* line :
       {"", "not json", "[1,2]", "{\"ok\":\"yes\",\"result\":1}", "{\"result\":1}", "{\"ok\":true}",
        "{\"ok\":false}", "{\"ok\":false,\"error\":42}", "{\"ok\":true,\"result\":", "\xff\xfe{}",
        "{\"ok\":true,\"result\":\"\xc3\x28\"}"}) {
    auto reply = ParseReply(line);
    EXPECT_EQ(reply.status().code(), StatusCode::kInternal) << line;
    EXPECT_NE(reply.status().message().find("malformed reply from lashupd"), std::string::npos);
  }
}

TEST(CtlReplyTest, MalformedExcerptIsShortAndTerminalSafe) {
  const std::string line = "\x1b[2J" + std::string(500, 'z');
  auto reply = ParseReply(line);
  ASSERT_FALSE(reply.ok());
  const std::string& message = reply.status().message();
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_NE(message.find("\\x1b[2J"), std::string::npos);
  EXPECT_LT(message.size(), 200u);
  EXPECT_TRUE(message.ends_with("..."));
}

}  // namespace
}  // namespace lashup::ctl

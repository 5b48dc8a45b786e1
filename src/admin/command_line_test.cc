#include "admin/command_line.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "kv/key_path.h"

namespace lashup::admin {
namespace {

Token Bare(std::string text) { return Token{std::move(text), false}; }
Token Quoted(std::string text) { return Token{std::move(text), true}; }

std::vector<Token> MustTokenize(std::string_view line) {
  Result<std::vector<Token>> tokens = Tokenize(line);
  EXPECT_TRUE(tokens.ok()) << tokens.status();
  return tokens.value_or(std::vector<Token>{});
}

std::string TokenizeError(std::string_view line) {
  Result<std::vector<Token>> tokens = Tokenize(line);
  EXPECT_FALSE(tokens.ok()) << line;
  EXPECT_EQ(tokens.status().code(), StatusCode::kInvalidArgument);
  return tokens.status().message();
}

TEST(TokenizeTest, WhitespaceSeparatesAndEmptyLinesHaveNoTokens) {
  EXPECT_EQ(MustTokenize("get  a/b\tc \r\n"), (std::vector{Bare("get"), Bare("a/b"), Bare("c")}));
  EXPECT_TRUE(MustTokenize("").empty());
  EXPECT_TRUE(MustTokenize(" \t ").empty());
}

TEST(TokenizeTest, SingleQuotesAreLiteral) {
  EXPECT_EQ(MustTokenize(R"(add 'a b' 'c\x41"d')"),
            (std::vector{Bare("add"), Quoted("a b"), Quoted(R"(c\x41"d)")}));
}

TEST(TokenizeTest, DoubleQuotesTakeEscapes) {
  EXPECT_EQ(MustTokenize(R"("a\\b\"c\nd\te\x41\xff" x)"),
            (std::vector{Quoted("a\\b\"c\nd\teA\xff"), Bare("x")}));
  EXPECT_EQ(MustTokenize(R"("\x00")"), (std::vector{Quoted(std::string(1, '\0'))}));
  EXPECT_EQ(MustTokenize(R"("'")"), (std::vector{Quoted("'")}));
}

TEST(TokenizeTest, AdjacentPartsMakeOneQuotedToken) {
  EXPECT_EQ(MustTokenize(R"(a'b c'"d e"f)"), (std::vector{Quoted("ab cd ef")}));
}

TEST(TokenizeTest, EmptyQuotesAreEmptyTokens) {
  EXPECT_EQ(MustTokenize(R"('' "" x)"), (std::vector{Quoted(""), Quoted(""), Bare("x")}));
}

TEST(TokenizeTest, BackslashOutsideQuotesTakesTheNextCharacter) {
  EXPECT_EQ(MustTokenize(R"(a\ b \\ \' \q)"),
            (std::vector{Quoted("a b"), Quoted("\\"), Quoted("'"), Quoted("q")}));
}

TEST(TokenizeTest, UnquotedSeparatorsAreTokensOfTheirOwn) {
  EXPECT_EQ(MustTokenize("a,b;c , d,,"),
            (std::vector{Bare("a"), Bare(","), Bare("b"), Bare(";"), Bare("c"), Bare(","),
                         Bare("d"), Bare(","), Bare(",")}));
}

TEST(TokenizeTest, QuotedOrEscapedSeparatorsAreData) {
  const std::vector<Token> tokens = MustTokenize(R"(',' ";" \, a',')");
  EXPECT_EQ(tokens, (std::vector{Quoted(","), Quoted(";"), Quoted(","), Quoted("a,")}));
  for (const Token& token : tokens) EXPECT_FALSE(IsSeparator(token)) << token.text;
  EXPECT_TRUE(IsSeparator(Bare(",")));
  EXPECT_TRUE(IsSeparator(Bare(";")));
  EXPECT_FALSE(IsSeparator(Bare(",,")));
}

TEST(TokenizeTest, ErrorsNameTheColumn) {
  EXPECT_EQ(TokenizeError("add 'abc"), "unterminated single quote starting at column 5");
  EXPECT_EQ(TokenizeError("add x \"abc"), "unterminated double quote starting at column 7");
  EXPECT_EQ(TokenizeError(R"("abc\")"), "unterminated double quote starting at column 1");
  EXPECT_EQ(TokenizeError(R"("abc\)"), "unterminated double quote starting at column 1");
  EXPECT_EQ(TokenizeError("ab\\"), "trailing backslash at column 3 escapes nothing");
  EXPECT_EQ(TokenizeError(R"(x "\xg1")"), "bad \\x escape at column 4: expected two hex digits");
  EXPECT_EQ(TokenizeError(R"("\x4")"), "bad \\x escape at column 2: expected two hex digits");
  EXPECT_EQ(TokenizeError(R"("\q")"),
            R"(unknown escape "\\q" at column 2; inside double quotes use \\, \", \n, \t or \xNN)");
}

TEST(QuoteArgTest, PlainTextStaysBareAndTheRestIsQuoted) {
  EXPECT_EQ(QuoteArg("10.0.0.1:80"), "10.0.0.1:80");
  EXPECT_EQ(QuoteArg("z\xc3\xbcrich"), "z\xc3\xbcrich");  // valid UTF-8 is shown as is
  EXPECT_EQ(QuoteArg(""), "\"\"");
  EXPECT_EQ(QuoteArg("a b"), "\"a b\"");
  EXPECT_EQ(QuoteArg("a,b"), "\"a,b\"");
  EXPECT_EQ(QuoteArg("say \"hi\"\\\n\t\x1b\xff"), R"("say \"hi\"\\\n\t\x1b\xff")");
}

TEST(QuoteArgTest, QuoteForMessageAlwaysQuotesAndShortens) {
  EXPECT_EQ(QuoteForMessage("abc"), "\"abc\"");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'a')), "\"" + std::string(64, 'a') + "\"...");
}

RC_GTEST_PROP(QuoteArgProps, TokenizeReadsQuoteArgBackAsOneToken, ()) {
  const std::string text = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  const std::string quoted = QuoteArg(text);
  Result<std::vector<Token>> tokens = Tokenize(quoted);
  RC_ASSERT(tokens.ok());
  RC_ASSERT(tokens->size() == 1u);
  RC_ASSERT((*tokens)[0].text == text);
}

kv::KeyPath MustParseKey(std::string_view text) {
  Result<kv::KeyPath> key = ParseKey(text);
  EXPECT_TRUE(key.ok()) << key.status();
  return key.value_or(kv::KeyPath{});
}

std::string KeyError(std::string_view text) {
  Result<kv::KeyPath> key = ParseKey(text);
  EXPECT_FALSE(key.ok()) << text;
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  return key.status().message();
}

TEST(ParseKeyTest, SplitsOnSlashesAndDecodesEscapes) {
  EXPECT_EQ(MustParseKey("minuteman/vips"), (kv::KeyPath{"minuteman", "vips"}));
  EXPECT_EQ(MustParseKey("a"), (kv::KeyPath{"a"}));
  EXPECT_EQ(MustParseKey(R"(a\x2fb/\x5c\x00\xFF)"),
            (kv::KeyPath{"a/b", std::string("\\\0\xff", 3)}));
}

TEST(ParseKeyTest, RoundTripsKeyToString) {
  const std::vector<kv::KeyPath> keys = {{"minuteman", "vips"},
                                         {"a/b", "c\\d"},
                                         {std::string("\0\x01\x7f\x80\xff", 5)},
                                         {"x", " ", "\\x41"},
                                         {"z\xc3\xbcrich"}};
  for (const kv::KeyPath& key : keys) {
    EXPECT_EQ(MustParseKey(kv::KeyToString(key)), key) << kv::KeyToString(key);
  }
}

RC_GTEST_PROP(ParseKeyProps, RoundTripsKeyToString, ()) {
  const auto component = rc::gen::nonEmpty(rc::gen::container<std::string>(
      rc::gen::oneOf(rc::gen::arbitrary<char>(), rc::gen::elementOf(std::string("/\\x0f")))));
  const kv::KeyPath key = *rc::gen::nonEmpty(rc::gen::container<kv::KeyPath>(component));
  Result<kv::KeyPath> parsed = ParseKey(kv::KeyToString(key));
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == key);
}

TEST(ParseKeyTest, ErrorsNameTheProblem) {
  EXPECT_EQ(KeyError(""), "empty key; write one as a/b/c");
  EXPECT_EQ(KeyError("/a"), "key \"/a\" starts with '/'; components are separated by single '/'");
  EXPECT_EQ(KeyError("a/"), "key \"a/\" ends with '/'; components are separated by single '/'");
  EXPECT_EQ(KeyError("/"), "key \"/\" starts with '/'; components are separated by single '/'");
  EXPECT_EQ(KeyError("a//b"),
            "key \"a//b\" has an empty component ('//') at column 3; components are separated "
            "by single '/'");
  EXPECT_EQ(KeyError(R"(a\qb)"),
            R"(key "a\\qb" has a bad escape at column 2; keys escape bytes only as \xNN)");
  EXPECT_EQ(KeyError(R"(ab\x4)"),
            R"(key "ab\\x4" has a bad escape at column 3; keys escape bytes only as \xNN)");
  EXPECT_EQ(KeyError("a\\"),
            R"(key "a\\" has a bad escape at column 2; keys escape bytes only as \xNN)");
}

TEST(ParsePrefixTest, EmptyTextIsTheEmptyPrefix) {
  Result<kv::KeyPath> empty = ParsePrefix("");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->empty());
  Result<kv::KeyPath> prefix = ParsePrefix("a/b");
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_EQ(*prefix, (kv::KeyPath{"a", "b"}));
  EXPECT_FALSE(ParsePrefix("a/").ok());
  EXPECT_FALSE(ParsePrefix("/").ok());
}

// Keys reach ParseKey as tokens: single quotes keep KeyToString's escapes intact.
TEST(ParseKeyTest, SingleQuotedKeyTokensKeepTheirEscapes) {
  const kv::KeyPath key = {"a/b", "c"};
  std::vector<Token> tokens = MustTokenize("get '" + kv::KeyToString(key) + "'");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(MustParseKey(tokens[1].text), key);
}

}  // namespace
}  // namespace lashup::admin

#include "completion.h"

#include <gtest/gtest.h>

namespace lashup::ctl {
namespace {

using Strings = std::vector<std::string>;

TEST(CtlCompletionTest, ClassifiesTheWordFromWhatPrecedesIt) {
  EXPECT_EQ(ClassifyWord(""), WordKind::kCommand);
  EXPECT_EQ(ClassifyWord("  "), WordKind::kCommand);
  EXPECT_EQ(ClassifyWord("help "), WordKind::kCommand);
  EXPECT_EQ(ClassifyWord("mc "), WordKind::kMcVerb);
  EXPECT_EQ(ClassifyWord("mc send "), WordKind::kNone);
  for (const char* command : {"get ", "keys ", "watch ", "op ", "del "}) {
    EXPECT_EQ(ClassifyWord(command), WordKind::kKey) << command;
  }
  EXPECT_EQ(ClassifyWord("get a/b "), WordKind::kNone);
  EXPECT_EQ(ClassifyWord("reachable "), WordKind::kNode);
  EXPECT_EQ(ClassifyWord("tree "), WordKind::kNode);
  EXPECT_EQ(ClassifyWord("members "), WordKind::kNone);
}

TEST(CtlCompletionTest, OpVerbsAreOfferedWhereAnOpStarts) {
  EXPECT_EQ(ClassifyWord("op a/b "), WordKind::kOpVerb);
  EXPECT_EQ(ClassifyWord("op a/b add "), WordKind::kNone);
  EXPECT_EQ(ClassifyWord("op a/b add s x "), WordKind::kNone);
  EXPECT_EQ(ClassifyWord("op a/b add s x, "), WordKind::kOpVerb);
  EXPECT_EQ(ClassifyWord("op a/b add s x,"), WordKind::kOpVerb);
  EXPECT_EQ(ClassifyWord("op a/b incr c; "), WordKind::kOpVerb);
  EXPECT_EQ(ClassifyWord("op a/b in "), WordKind::kNone);
  EXPECT_EQ(ClassifyWord("op a/b in m "), WordKind::kOpVerb);
  EXPECT_EQ(ClassifyWord("op a/b in m in n "), WordKind::kOpVerb);
  EXPECT_EQ(ClassifyWord("op a/b add s ',' "), WordKind::kNone) << "a quoted comma is data";
}

TEST(CtlCompletionTest, QuotedWordsCountAsOne) {
  EXPECT_EQ(ClassifyWord("get 'a b' "), WordKind::kNone);
  EXPECT_EQ(ClassifyWord("get a\\ b "), WordKind::kNone);
}

TEST(CtlCompletionTest, KeysCompleteOneComponentAtATime) {
  const Strings keys = {"minute/a", "minute/b/c", "mixed", "other", "mi"};
  EXPECT_EQ(KeyCandidates(keys, "mi"), (Strings{"mi", "minute/", "mixed"}));
  EXPECT_EQ(KeyCandidates(keys, "min"), (Strings{"minute/"}));
  EXPECT_EQ(KeyCandidates(keys, "minute/"), (Strings{"minute/a", "minute/b/"}));
  EXPECT_EQ(KeyCandidates(keys, "minute/b"), (Strings{"minute/b/"}));
  EXPECT_EQ(KeyCandidates(keys, "minute/b/"), (Strings{"minute/b/c"}));
  EXPECT_EQ(KeyCandidates(keys, "zz"), Strings{});
  EXPECT_EQ(KeyCandidates(keys, "").size(), 4u);
}

TEST(CtlCompletionTest, PrefixToQueryStopsAtTheLastSlash) {
  EXPECT_EQ(KeyPrefixToQuery(""), "");
  EXPECT_EQ(KeyPrefixToQuery("mi"), "");
  EXPECT_EQ(KeyPrefixToQuery("a/"), "a");
  EXPECT_EQ(KeyPrefixToQuery("a/b/c"), "a/b");
}

TEST(CtlCompletionTest, QuotingMatchesTheDaemonsTokenizer) {
  EXPECT_EQ(QuoteForLine("a/b", 0), "a/b");
  EXPECT_EQ(QuoteForLine("a\\x2fb", 0), "a\\\\x2fb");
  EXPECT_EQ(QuoteForLine("a b,c;d'e\"f", 0), "a\\ b\\,c\\;d\\'e\\\"f");
  EXPECT_EQ(QuoteForLine("a\\x2fb c", '\''), "a\\x2fb c");
  EXPECT_EQ(QuoteForLine("it's", '\''), std::nullopt);
  EXPECT_EQ(QuoteForLine("a\\x2f\"b", '"'), "a\\\\x2f\\\"b");
}

TEST(CtlCompletionTest, UnquoteUndoesQuote) {
  for (const std::string text : {"a/b", "a\\x2fb", "a b,c;d'e\"f", "\\"}) {
    for (char quote : {'\0', '\'', '"'}) {
      std::optional<std::string> quoted = QuoteForLine(text, quote);
      if (!quoted) continue;
      EXPECT_EQ(UnquoteTyped(*quoted, quote), text) << text << " quote " << quote;
    }
  }
  EXPECT_EQ(UnquoteTyped("a\\", 0), "a") << "an unfinished escape";
}

TEST(CtlCompletionTest, WordCandidatesKeepOrder) {
  EXPECT_EQ(WordCandidates({"members", "metrics", "mc"}, "me"), (Strings{"members", "metrics"}));
  EXPECT_EQ(WordCandidates(McVerbs(), ""), (Strings{"send", "watch"}));
}

}  // namespace
}  // namespace lashup::ctl

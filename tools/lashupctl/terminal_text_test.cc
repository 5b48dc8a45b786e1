#include "terminal_text.h"

#include <gtest/gtest.h>

namespace lashup::ctl {
namespace {

TEST(CtlTerminalTextTest, PlainAndUtf8TextPassThrough) {
  EXPECT_EQ(TerminalSafe("a/b = x, y"), "a/b = x, y");
  EXPECT_EQ(TerminalSafe("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(CtlTerminalTextTest, ControlBytesAreEscaped) {
  EXPECT_EQ(TerminalSafe("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
  EXPECT_EQ(TerminalSafe("x\ny\tz\x7f"), "x\\x0ay\\x09z\\x7f");
  EXPECT_EQ(TerminalSafe("x\ny\tz", /*keep_newlines=*/true), "x\ny\tz");
  EXPECT_EQ(TerminalSafe("x\ry", /*keep_newlines=*/true), "x\\x0dy");
}

TEST(CtlTerminalTextTest, C1ControlsAndInvalidUtf8AreEscaped) {
  EXPECT_EQ(TerminalSafe("a\xc2\x9b"
                         "31m"),
            "a\\xc2\\x9b31m");  // U+009B, CSI
  EXPECT_EQ(TerminalSafe("\xff\xc3"), "\\xff\\xc3");
  EXPECT_EQ(TerminalSafe("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(TerminalSafe("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(CtlTerminalTextTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("caf\xc3\xa9"), 4u);
  EXPECT_EQ(DisplayWidth(""), 0u);
}

}  // namespace
}  // namespace lashup::ctl

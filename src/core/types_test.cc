#include "lashup/types.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lashup {
namespace {

using ::testing::HasSubstr;

NodeId MustParse(std::string_view text) {
  Result<NodeId> id = NodeId::Parse(text);
  EXPECT_TRUE(id.ok()) << text << ": " << id.status();
  return id.value_or(NodeId());
}

TEST(NodeIdTest, DefaultIsInvalidAndEmpty) {
  NodeId id;
  EXPECT_FALSE(id.valid());
  EXPECT_EQ(id.str(), "");
}

TEST(NodeIdTest, ParseAcceptsValidNames) {
  const std::vector<std::string> names = {
      "a",
      "Z",
      "7",
      "node-7",
      "lb@10.0.0.7",
      "[::1]:7946",
      "under_score.dot:colon@at-dash[bracket]",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._",
  };
  for (const std::string& name : names) {
    Result<NodeId> id = NodeId::Parse(name);
    ASSERT_TRUE(id.ok()) << name << ": " << id.status();
    EXPECT_TRUE(id->valid());
    EXPECT_EQ(id->str(), name);
  }
}

TEST(NodeIdTest, ParseAcceptsExactlyMaxLength) {
  const std::string name(NodeId::kMaxLength, 'x');
  ASSERT_EQ(name.size(), 64u);
  Result<NodeId> id = NodeId::Parse(name);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->str(), name);
}

TEST(NodeIdTest, ParseRejectsEmpty) {
  Result<NodeId> id = NodeId::Parse("");
  EXPECT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(id.status().message(), HasSubstr("empty"));
}

TEST(NodeIdTest, ParseRejectsTooLong) {
  const std::string name(65, 'x');
  Result<NodeId> id = NodeId::Parse(name);
  EXPECT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(id.status().message(), HasSubstr("65 bytes"));
  EXPECT_THAT(id.status().message(), HasSubstr("64"));
}

TEST(NodeIdTest, ParseRejectsForbiddenBytesWithOffset) {
  struct Case {
    std::string text;
    std::string byte;
    size_t offset;
  };
  const std::vector<Case> cases = {
      {" node", "0x20", 0},
      {"node 7", "0x20", 4},
      {"a/b", "0x2f", 1},
      {"tab\t", "0x09", 3},
      {std::string("nul\0x", 5), "0x00", 3},
      {"caf\xc3\xa9", "0xc3", 3},
      {"x,y", "0x2c", 1},
      {"semi;", "0x3b", 4},
      {"n\x7f", "0x7f", 1},
      {"new\nline", "0x0a", 3},
      {"ok-then!", "0x21", 7},
  };
  for (const Case& c : cases) {
    Result<NodeId> id = NodeId::Parse(c.text);
    ASSERT_FALSE(id.ok()) << c.text;
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(id.status().message(), HasSubstr("forbidden byte " + c.byte)) << c.text;
    EXPECT_THAT(id.status().message(), HasSubstr("at offset " + std::to_string(c.offset)))
        << c.text;
  }
}

TEST(NodeIdTest, ParseReportsFirstForbiddenByte) {
  Result<NodeId> id = NodeId::Parse("ab c/d");
  ASSERT_FALSE(id.ok());
  EXPECT_THAT(id.status().message(), HasSubstr("0x20 at offset 2"));
}

TEST(NodeIdTest, LengthCheckedBeforeBytes) {
  // 65 bytes with a forbidden byte: the length is the reported problem.
  const std::string name = std::string(64, 'x') + " ";
  Result<NodeId> id = NodeId::Parse(name);
  ASSERT_FALSE(id.ok());
  EXPECT_THAT(id.status().message(), HasSubstr("65 bytes"));
}

TEST(NodeIdTest, FromLiteralBuildsValidId) {
  NodeId id = NodeId::FromLiteral("node-1");
  EXPECT_TRUE(id.valid());
  EXPECT_EQ(id.str(), "node-1");
  EXPECT_EQ(id, MustParse("node-1"));
}

TEST(NodeIdDeathTest, FromLiteralAbortsOnInvalidName) {
  EXPECT_DEATH(NodeId::FromLiteral("bad name"), "bad node id literal 'bad name'");
}

TEST(NodeIdTest, EqualityIsByName) {
  EXPECT_EQ(MustParse("n1"), MustParse("n1"));
  EXPECT_NE(MustParse("n1"), MustParse("n2"));
  EXPECT_NE(MustParse("n1"), MustParse("N1"));
  EXPECT_NE(MustParse("n1"), NodeId());
  EXPECT_EQ(NodeId(), NodeId());
}

TEST(NodeIdTest, OrderingIsByteOrder) {
  EXPECT_LT(MustParse("a"), MustParse("b"));
  EXPECT_LT(MustParse("a"), MustParse("aa"));
  EXPECT_LT(MustParse("B"), MustParse("a"));             // 'B' = 0x42 < 'a' = 0x61
  EXPECT_LT(MustParse("node-10"), MustParse("node-9"));  // bytes, not numbers
  EXPECT_GT(MustParse("z"), MustParse("y"));
  EXPECT_LE(MustParse("x"), MustParse("x"));
  EXPECT_EQ(MustParse("x") <=> MustParse("x"), std::strong_ordering::equal);
  EXPECT_EQ(MustParse("b") <=> MustParse("a"), std::strong_ordering::greater);
  EXPECT_EQ(NodeId() <=> MustParse("a"), std::strong_ordering::less);

  std::vector<NodeId> ids = {MustParse("n3"), MustParse("n1"), MustParse("N2"), MustParse("n10")};
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> names;
  for (const NodeId& id : ids) names.push_back(id.str());
  EXPECT_EQ(names, (std::vector<std::string>{"N2", "n1", "n10", "n3"}));
}

TEST(NodeIdTest, OrderedContainersSortByName) {
  std::map<NodeId, int> m;
  m[MustParse("c")] = 3;
  m[MustParse("a")] = 1;
  m[MustParse("b")] = 2;
  m[MustParse("a")] = 10;
  ASSERT_EQ(m.size(), 3u);
  auto it = m.begin();
  EXPECT_EQ(it->first.str(), "a");
  EXPECT_EQ(it->second, 10);
  EXPECT_EQ((++it)->first.str(), "b");
  EXPECT_EQ((++it)->first.str(), "c");
}

TEST(NodeIdTest, HashMatchesEquality) {
  std::hash<NodeId> hasher;
  EXPECT_EQ(hasher(MustParse("node-1")), hasher(MustParse("node-1")));

  std::unordered_set<NodeId> set;
  for (int i = 0; i < 100; ++i) set.insert(MustParse("node-" + std::to_string(i % 25)));
  EXPECT_EQ(set.size(), 25u);
  EXPECT_TRUE(set.contains(MustParse("node-24")));
  EXPECT_FALSE(set.contains(MustParse("node-25")));

  // Distinct names should not all collide.
  std::set<size_t> hashes;
  for (int i = 0; i < 100; ++i) hashes.insert(hasher(MustParse("n" + std::to_string(i))));
  EXPECT_GT(hashes.size(), 90u);
}

TEST(NodeIdTest, StreamsName) {
  std::ostringstream os;
  os << MustParse("lb@10.0.0.7");
  EXPECT_EQ(os.str(), "lb@10.0.0.7");
}

TEST(TimeTest, InstantNanosRoundTrip) {
  for (int64_t ns : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1'500'000'000}, int64_t{1} << 62,
                     INT64_MIN, INT64_MAX}) {
    EXPECT_EQ(ToNanos(InstantFromNanos(ns)), ns);
    EXPECT_EQ(ToNanos(WallTimeFromNanos(ns)), ns);
  }
}

TEST(TimeTest, InstantFromNanosIsOffsetFromOrigin) {
  Instant t = InstantFromNanos(2'500'000'000);
  EXPECT_EQ(t.time_since_epoch(), std::chrono::milliseconds(2500));
  EXPECT_EQ(t - Instant(), std::chrono::seconds(2) + std::chrono::milliseconds(500));
  EXPECT_EQ(ToNanos(Instant()), 0);
  EXPECT_EQ(ToNanos(WallTime()), 0);
}

TEST(TimeTest, ArithmeticWithDurations) {
  Instant start = InstantFromNanos(1000);
  Instant later = start + std::chrono::microseconds(3);
  EXPECT_EQ(ToNanos(later), 4000);
  EXPECT_EQ(later - start, Duration(3000));
  EXPECT_LT(start, later);

  WallTime wall = WallTimeFromNanos(1'700'000'000'000'000'000);
  WallTime wall_later = wall + std::chrono::seconds(1);
  EXPECT_EQ(ToNanos(wall_later), 1'700'000'001'000'000'000);
  EXPECT_EQ(wall_later - wall, std::chrono::seconds(1));
}

TEST(TimeTest, ClocksAreDistinctTypes) {
  static_assert(!std::is_same_v<Instant, WallTime>);
  static_assert(!std::is_same_v<Instant, std::chrono::steady_clock::time_point>);
  static_assert(std::is_same_v<Duration, std::chrono::nanoseconds>);
  static_assert(MonotonicClock::is_steady);
  static_assert(!WallClock::is_steady);
  Now now{InstantFromNanos(5), WallTimeFromNanos(7)};
  EXPECT_EQ(ToNanos(now.mono), 5);
  EXPECT_EQ(ToNanos(now.wall), 7);
}

}  // namespace
}  // namespace lashup

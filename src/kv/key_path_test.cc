#include "kv/key_path.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace lashup::kv {
namespace {

TEST(KeyPathTest, EncodingRoundTripsAndKeepsZeroBytes) {
  const KeyPath key = {"minuteman", std::string("a\0b", 3), "\xff"};
  const std::string encoded = EncodeKey(key);
  Result<KeyPath> decoded = DecodeKey(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, key);
}

TEST(KeyPathTest, EncodingSortsLikeThePathAndPrefixesEncodePrefixes) {
  std::vector<KeyPath> keys = {{"a"}, {"a", "b"}, {std::string("a\0", 2)}, {"ab"},
                               {"a", std::string("\0", 1)}, {"b"}, {"a", "b", "c"}};
  std::vector<KeyPath> by_path = keys;
  std::sort(by_path.begin(), by_path.end());
  std::vector<KeyPath> by_encoding = keys;
  std::sort(by_encoding.begin(), by_encoding.end(),
            [](const KeyPath& x, const KeyPath& y) { return EncodeKey(x) < EncodeKey(y); });
  EXPECT_EQ(by_path, by_encoding);
  const std::string parent = EncodeKey({"a"});
  EXPECT_EQ(EncodeKey({"a", "b"}).substr(0, parent.size()), parent);
  // "ab" is not under "a".
  EXPECT_NE(EncodeKey({"ab"}).substr(0, parent.size()), parent);
}

TEST(KeyPathTest, DecodeRefusesWhatEncodeNeverWrites) {
  EXPECT_FALSE(DecodeKey("").ok());
  EXPECT_FALSE(DecodeKey("abc").ok());                          // unterminated
  EXPECT_FALSE(DecodeKey(std::string("\0\x01", 2)).ok());       // empty component
  EXPECT_FALSE(DecodeKey(std::string("a\0\x02", 3)).ok());      // bad escape
  EXPECT_FALSE(DecodeKey(std::string("a\0", 2)).ok());          // cut escape
}

TEST(KeyPathTest, ValidationNamesTheProblem) {
  const KeyLimits limits{.max_components = 3, .max_component_bytes = 4, .max_key_bytes = 16};
  EXPECT_EQ(ValidateKey({}, limits).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateKey({"a", ""}, limits).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateKey({"abcde"}, limits).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateKey({"a", "b", "c", "d"}, limits).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateKey({"abcd", "abcd", "abcd"}, limits).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateKey({"abcd", "ab"}, limits).ok());
  EXPECT_TRUE(ValidatePrefix({}, limits).ok());
  EXPECT_NE(ValidateKey({"abcde"}, limits).message().find("at most 4"), std::string::npos);
}

TEST(KeyPathTest, ToStringEscapesSeparatorsAndBinary) {
  EXPECT_EQ(KeyToString({"minuteman", "vips"}), "minuteman/vips");
  EXPECT_EQ(KeyToString({"a/b", std::string("\0", 1)}), "a\\x2fb/\\x00");
}

}  // namespace
}  // namespace lashup::kv

#include "core/byte_codec.h"

#include <gtest/gtest.h>

namespace lashup {
namespace {

TEST(ByteCodecTest, VarintsAndBytesRoundTrip) {
  std::string out;
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, UINT64_MAX}) PutVarint(out, v);
  PutBytes(out, std::string("a\0b", 3));
  ByteReader r(out);
  EXPECT_EQ(*r.Varint("v"), 0u);
  EXPECT_EQ(*r.Varint("v"), 127u);
  EXPECT_EQ(*r.Varint("v"), 128u);
  EXPECT_EQ(*r.Varint("v"), UINT64_MAX);
  EXPECT_EQ(*r.Bytes("b"), std::string_view("a\0b", 3));
  EXPECT_TRUE(r.done());
}

TEST(ByteCodecTest, TheReaderRefusesWhatTheWriterNeverWrites) {
  EXPECT_FALSE(ByteReader(std::string("\x80\x00", 2)).Varint("v").ok());  // not minimal
  EXPECT_FALSE(ByteReader("\x80").Varint("v").ok());                      // cut short
  EXPECT_FALSE(ByteReader(std::string(10, '\xff') + "\x01").Varint("v").ok());  // too long
  EXPECT_FALSE(ByteReader("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02").Varint("v").ok());
  auto bytes = ByteReader("\x05" "ab").Bytes("field");
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("field claims 5 bytes"), std::string::npos);
  EXPECT_FALSE(ByteReader("").Byte("version").ok());
}

}  // namespace
}  // namespace lashup

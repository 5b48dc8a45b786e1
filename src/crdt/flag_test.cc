#include "lashup/crdt/flag.h"

#include <gtest/gtest.h>

namespace lashup::crdt {
namespace {

constexpr ActorId kA{1}, kB{2};

TEST(Flag, EnableDisable) {
  Flag f;
  EXPECT_FALSE(f.value());
  f.Enable(kA);
  EXPECT_TRUE(f.value());
  Flag delta = f.Disable();
  EXPECT_FALSE(f.value());
  EXPECT_FALSE(delta.IsBottom());
  EXPECT_TRUE(f.Disable().IsBottom());  // disabling a disabled flag is a no-op, not an error
}

TEST(Flag, ConcurrentEnableWinsOverDisable) {
  Flag a;
  a.Enable(kA);
  Flag b = a;
  Flag off = b.Disable();
  Flag on = a.Enable(kA);
  b.Join(on);
  a.Join(off);
  EXPECT_TRUE(a.value());
  EXPECT_EQ(a, b);
}

TEST(Flag, DisableWithSeenSparesLaterEnables) {
  Flag a, b;
  b.Join(a.Enable(kA));
  const CausalContext seen = b.context();
  b.Join(Flag().Enable(kB));  // another writer's enable arrives after the read
  b.Disable(seen);
  EXPECT_TRUE(b.value());
}

}  // namespace
}  // namespace lashup::crdt

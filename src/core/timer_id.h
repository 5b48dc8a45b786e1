// TimerId: names a timer and the component that owns it.
//
// A core asks its driver for timers through Effects; when one fires the driver hands the same
// TimerId back, and a composed node core routes it by `component` without knowing what the
// timer means. `kind` and `key` are the owner's own (for example kind = "probe", key = a peer's
// index). Setting a timer with an id that is already pending replaces it.
#ifndef LASHUP_CORE_TIMER_ID_H_
#define LASHUP_CORE_TIMER_ID_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/rng.h"

namespace lashup {

enum class Component : uint8_t {
  kTest = 0,
  kHyParView = 1,
  kFailureDetector = 2,
  kMembership = 3,
  kRouting = 4,
  kMulticast = 5,
  kKv = 6,
  kAntiEntropy = 7,
  kNode = 8,
};
inline constexpr int kComponentCount = 9;

std::string_view ComponentName(Component component);

struct TimerId {
  Component component = Component::kTest;
  uint32_t kind = 0;
  uint64_t key = 0;
  friend bool operator==(const TimerId&, const TimerId&) = default;
  friend auto operator<=>(const TimerId&, const TimerId&) = default;
};

}  // namespace lashup

template <>
struct std::hash<lashup::TimerId> {
  size_t operator()(const lashup::TimerId& t) const noexcept {
    // Each field is mixed on its own so that no two fields can cancel each other out.
    const uint64_t tag = (static_cast<uint64_t>(t.component) << 32) | t.kind;
    return lashup::Mix64(t.key ^ lashup::Mix64(tag));
  }
};

#endif  // LASHUP_CORE_TIMER_ID_H_

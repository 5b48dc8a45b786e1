// Per-node clocks: each node perceives elapsed time at its own rate (drift), from its own boot
// time (monotonic) and with its own wall-clock offset.
#include "sim/sim_world_impl.h"

namespace lashup {
namespace {

// 128-bit intermediates avoid overflow; __extension__ keeps -Wpedantic quiet.
__extension__ using Int128 = __int128;

constexpr int64_t kMillion = 1'000'000;

int64_t Elapsed(const sim_internal::NodeClock& clock, int64_t true_time) {
  const Int128 delta = static_cast<Int128>(true_time - clock.anchor_true) *
                         (kMillion + clock.drift_ppm) / kMillion;
  return clock.anchor_elapsed + static_cast<int64_t>(delta);
}

}  // namespace

Now SimWorld::Impl::LocalNow(const sim_internal::NodeState& node) const {
  const int64_t elapsed = Elapsed(node.clock, now_);
  return Now{InstantFromNanos(node.clock.mono_base + elapsed),
             WallTime(options_.wall_start.time_since_epoch() +
                      Duration(elapsed + node.clock.wall_offset))};
}

// The earliest true time at which the node's monotonic clock reads at least `at`.
int64_t SimWorld::Impl::LocalToTrue(const sim_internal::NodeState& node, Instant at) const {
  const sim_internal::NodeClock& clock = node.clock;
  const int64_t target = ToNanos(at) - clock.mono_base;
  if (target <= Elapsed(clock, now_)) return now_;
  const Int128 ahead = static_cast<Int128>(target - clock.anchor_elapsed) * kMillion /
                         (kMillion + clock.drift_ppm);
  int64_t t = clock.anchor_true + static_cast<int64_t>(ahead);
  // Integer division may land a nanosecond or two either side; settle on the exact boundary.
  while (Elapsed(clock, t) < target) ++t;
  while (t > now_ && Elapsed(clock, t - 1) >= target) --t;
  return t;
}

void SimWorld::Impl::Reanchor(sim_internal::NodeState& node) {
  node.clock.anchor_elapsed = Elapsed(node.clock, now_);
  node.clock.anchor_true = now_;
}

}  // namespace lashup

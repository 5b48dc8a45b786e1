// Simulator laws over random seeds and fault schedules: a run is a function of its seed, and
// without faults every message sent over a live link arrives exactly once.
#include <gtest/gtest.h>
// rapidcheck's gtest glue must come after gtest.
#include <rapidcheck/gtest.h>

#include "lashup/testing/sim_world.h"
#include "sim/ping_pong_core.h"

namespace lashup {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Fault {
  int kind;  // 0 partition, 1 crash+restart, 2 pause+resume, 3 clog
  int node;
  int at_ms;
};

struct Outcome {
  uint64_t hash;
  SimStats stats;
};

Outcome Run(uint64_t seed, double loss, const std::vector<Fault>& faults) {
  SimOptions options;
  options.seed = seed;
  options.network.loss = loss;
  options.network.duplicate = loss / 2;
  options.network.reorder = loss;
  SimWorld world(options);
  std::vector<NodeId> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(NodeId::FromLiteral("n" + std::to_string(i)));
  for (size_t i = 0; i < ids.size(); ++i) {
    PingPongConfig config{{ids[(i + 1) % 6], ids[(i + 2) % 6]}, milliseconds(200), 3};
    RC_ASSERT(world.AddNode(ids[i], [config](const CoreContext& c) {
      return std::make_unique<PingPongCore>(c, config);
    }).ok());
  }
  for (const Fault& f : faults) {
    const NodeId id = ids[static_cast<size_t>(f.node) % ids.size()];
    const Duration at = milliseconds(f.at_ms);
    switch (f.kind % 4) {
      case 0: {
        world.Schedule(at, [&world, id, &ids] {
          std::vector<NodeId> rest;
          for (const NodeId& other : ids) {
            if (other != id) rest.push_back(other);
          }
          world.Partition({id}, rest);
        });
        world.Schedule(at + seconds(4), [&world] { world.HealAll(); });
        break;
      }
      case 1:
        world.Schedule(at, [&world, id] { (void)world.Crash(id); });
        world.Schedule(at + seconds(2), [&world, id] { (void)world.Restart(id); });
        break;
      case 2:
        world.Schedule(at, [&world, id] { (void)world.Pause(id); });
        world.Schedule(at + seconds(1), [&world, id] { (void)world.Resume(id); });
        break;
      default:
        world.Schedule(at, [&world, id, at] { world.ClogNode(id, at + seconds(1)); });
        break;
    }
  }
  world.RunFor(seconds(20));
  return {world.TraceHash(), world.stats()};
}

rc::Gen<std::vector<Fault>> Faults() {
  return rc::gen::container<std::vector<Fault>>(rc::gen::build<Fault>(
      rc::gen::set(&Fault::kind, rc::gen::inRange(0, 4)),
      rc::gen::set(&Fault::node, rc::gen::inRange(0, 6)),
      rc::gen::set(&Fault::at_ms, rc::gen::inRange(0, 15000))));
}

RC_GTEST_PROP(SimProps, RunIsAFunctionOfItsSeed, ()) {
  const auto seed = *rc::gen::arbitrary<uint64_t>();
  const auto faults = *rc::gen::resize(8, Faults());
  const double loss = *rc::gen::element(0.0, 0.01, 0.1);
  const Outcome a = Run(seed, loss, faults);
  const Outcome b = Run(seed, loss, faults);
  RC_ASSERT(a.hash == b.hash);
  RC_ASSERT(a.stats.messages_delivered == b.stats.messages_delivered);
  RC_ASSERT(a.stats.events == b.stats.events);
}

RC_GTEST_PROP(SimProps, WithoutFaultsEveryMessageArrivesOnce, ()) {
  const auto seed = *rc::gen::arbitrary<uint64_t>();
  const Outcome o = Run(seed, 0.0, {});
  RC_ASSERT(o.stats.messages_sent > 0u);
  RC_ASSERT(o.stats.dropped_loss + o.stats.dropped_partition + o.stats.dropped_overflow +
                o.stats.dropped_dead + o.stats.dropped_not_connected + o.stats.duplicated ==
            0u);
  // Messages still in flight at the end are the only ones not yet delivered.
  RC_ASSERT(o.stats.messages_delivered <= o.stats.messages_sent);
  RC_ASSERT(o.stats.messages_sent - o.stats.messages_delivered <= 12u);
}

}  // namespace
}  // namespace lashup

// Simulator throughput: 1,000 idle-ish nodes, each linked to the next two on a ring and pinging
// its connected peers once a second. Reports events per second of real time, with and without
// the wire-codec round trip on every message.
//   build/src/sim/sim_world_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include "lashup/testing/sim_world.h"
#include "sim/ping_pong_core.h"

namespace lashup {
namespace {

std::unique_ptr<SimWorld> BuildCluster(int nodes, bool codec_round_trip) {
  SimOptions options;
  options.seed = 7;
  options.codec_round_trip = codec_round_trip;
  auto world = std::make_unique<SimWorld>(options);
  std::vector<NodeId> ids;
  for (int i = 0; i < nodes; ++i) ids.push_back(NodeId::FromLiteral("node-" + std::to_string(i)));
  for (int i = 0; i < nodes; ++i) {
    PingPongConfig config{{ids[(i + 1) % nodes], ids[(i + 2) % nodes]},
                          std::chrono::seconds(1), 100};
    Status added = world->AddNode(ids[i], [config](const CoreContext& c) {
      return std::make_unique<PingPongCore>(c, config);
    });
    if (!added.ok()) std::abort();
  }
  world->RunFor(std::chrono::seconds(2));  // links up, timers spread
  return world;
}

void BM_SimPings(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  const bool codec = state.range(1) != 0;
  uint64_t events = 0;
  uint64_t messages = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto world = BuildCluster(nodes, codec);
    const uint64_t events_before = world->stats().events;
    const uint64_t messages_before = world->stats().messages_delivered;
    state.ResumeTiming();
    world->RunFor(std::chrono::seconds(30));
    state.PauseTiming();
    events += world->stats().events - events_before;
    messages += world->stats().messages_delivered - messages_before;
    world.reset();
    state.ResumeTiming();
  }
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["messages_per_second"] =
      benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
  state.counters["virtual_seconds_per_iteration"] = 30;
}

BENCHMARK(BM_SimPings)
    ->ArgNames({"nodes", "codec"})
    ->Args({1000, 1})
    ->Args({1000, 0})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

}  // namespace
}  // namespace lashup

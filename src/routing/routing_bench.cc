// Routing figures: the time to compute one shortest-path tree on random graphs shaped like a
// HyParView overlay (each node linked to 7 random others, links both ways, round-trip weights
// 100-2000 us, or unit weights), at 1,000 and 10,000 nodes; the cost of one incremental update
// (one member's record changes one link, then the local tree is brought up to date: recomputed
// only when the change alters it); and a cached tree lookup as multicast forwarding does it.
// Google Benchmark's table first, then ONE JSON object as the last line.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "core/rng.h"
#include "routing/router.h"

namespace lashup::routing {
namespace {

constexpr int kDegree = 7;

NodeId Name(int i) { return NodeId::FromLiteral("node-" + std::to_string(i)); }

// Each node's links: kDegree random peers, made symmetric (so degrees vary around 2 * kDegree,
// as the table's records would show for an overlay whose views are ~kDegree).
std::vector<std::vector<GmLink>> RandomOverlay(int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::map<int, uint32_t>> links(n);
  for (int a = 0; a < n; ++a) {
    while (static_cast<int>(links[a].size()) < kDegree) {
      const int b = static_cast<int>(rng.Uniform(n));
      if (b == a || links[a].contains(b)) continue;
      const uint32_t rtt = 100 + static_cast<uint32_t>(rng.Uniform(1900));
      links[a][b] = rtt;
      links[b][a] = rtt;
    }
  }
  std::vector<std::vector<GmLink>> out(n);
  for (int a = 0; a < n; ++a) {
    for (const auto& [b, rtt] : links[a]) out[a].push_back({Name(b), rtt, false});
  }
  return out;
}

Router Build(int n, bool unit, const std::vector<std::vector<GmLink>>& overlay) {
  RoutingConfig config;
  config.unit_weights = unit;
  Router router(Name(0), config);
  Effects out;
  const Now now{Instant(std::chrono::seconds(1)), WallTime()};
  for (int a = 0; a < n; ++a) router.SetLinks(now, Name(a), overlay[a], out);
  return router;
}

void BmTree(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool unit = state.range(1) != 0;
  const auto overlay = RandomOverlay(n, 7);
  Router router = Build(n, unit, overlay);
  const Graph& graph = router.graph();
  uint64_t reached = 0;
  Vertex root = 0;
  for (auto _ : state) {
    ShortestPathTree tree = ShortestPathTree::Compute(graph, root);
    reached += tree.reached();
    benchmark::DoNotOptimize(tree);
    root = (root + 1) % static_cast<Vertex>(graph.capacity());
  }
  state.counters["reached"] = static_cast<double>(reached) / state.iterations();
}

void BmUpdate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto overlay = RandomOverlay(n, 7);
  Router router = Build(n, false, overlay);
  router.LocalTree();
  Rng rng(11);
  Effects out;
  Now now{Instant(std::chrono::seconds(10)), WallTime()};
  const uint64_t computed_before = router.stats().trees_computed;
  for (auto _ : state) {
    // One member swaps one link for another: a neighbour lost, a new one found.
    const int a = static_cast<int>(rng.Uniform(n));
    std::vector<GmLink>& links = overlay[a];
    links[rng.Uniform(links.size())].peer = Name(static_cast<int>(rng.Uniform(n)));
    std::vector<GmLink> unique;
    for (const GmLink& link : links) {
      bool seen = false;
      for (const GmLink& u : unique) seen = seen || u.peer == link.peer;
      if (!seen) unique.push_back(link);
    }
    now.mono += std::chrono::seconds(1);  // past the event interval: every change may notify
    router.SetLinks(now, Name(a), unique, out);
    benchmark::DoNotOptimize(router.LocalTree());
    out.Clear();
  }
  state.counters["recomputed"] =
      static_cast<double>(router.stats().trees_computed - computed_before) / state.iterations();
}

void BmCachedChildren(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto overlay = RandomOverlay(n, 7);
  Router router = Build(n, false, overlay);
  const std::vector<NodeId> roots = {Name(1), Name(2), Name(3), Name(4)};
  for (const NodeId& root : roots) router.Tree(root);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(router.Children(roots[i++ % roots.size()], Name(0)));
  }
}

BENCHMARK(BmTree)->Args({1000, 0})->Args({10000, 0})->Args({1000, 1})->Args({10000, 1})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BmUpdate)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BmCachedChildren)->Arg(1000)->Unit(benchmark::kMicrosecond);

// Keeps each run's time per iteration (microseconds) by name, for the JSON line.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  // No colour codes: they would prefix the JSON line.
  CollectingReporter() : ConsoleReporter(OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      us_[run.benchmark_name()] = run.GetAdjustedRealTime();  // in the run's unit: us
      for (const auto& [name, counter] : run.counters) {
        counters_[run.benchmark_name() + "/" + name] = counter.value;
      }
    }
  }
  std::map<std::string, double> us_;
  std::map<std::string, double> counters_;
};

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const auto us = [&](const std::string& name) {
    auto it = reporter.us_.find(name);
    return it == reporter.us_.end() ? -1.0 : it->second;
  };
  const double tree_1k = us("BmTree/1000/0");
  const bool ok = tree_1k > 0 && us("BmTree/10000/0") > 0 && us("BmUpdate/1000") > 0 &&
                  us("BmUpdate/10000") > 0;
  std::printf(
      "{\"bench\":\"routing\",\"ok\":%s,\"degree\":%d,\"tree_ms_1000\":%.4f,"
      "\"tree_ms_10000\":%.4f,\"tree_unit_ms_1000\":%.4f,\"tree_unit_ms_10000\":%.4f,"
      "\"update_us_1000\":%.2f,\"update_us_10000\":%.2f,\"update_recomputed_1000\":%.3f,"
      "\"update_recomputed_10000\":%.3f,\"cached_children_us_1000\":%.3f,"
      "\"tree_under_1ms_at_1000\":%s}\n",
      ok ? "true" : "false", kDegree, tree_1k / 1000, us("BmTree/10000/0") / 1000,
      us("BmTree/1000/1") / 1000, us("BmTree/10000/1") / 1000, us("BmUpdate/1000"),
      us("BmUpdate/10000"), reporter.counters_["BmUpdate/1000/recomputed"],
      reporter.counters_["BmUpdate/10000/recomputed"], us("BmCachedChildren/1000"),
      tree_1k > 0 && tree_1k < 1000 ? "true" : "false");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace lashup::routing

int main(int argc, char** argv) { return lashup::routing::Main(argc, argv); }

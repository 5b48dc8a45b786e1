// The harness's own parts: the model, the nemesis plan, the timeline, the options, and short
// simulated runs that must pass, and must fail when anti-entropy is sabotaged.
#include <gtest/gtest.h>

#include <algorithm>

#include "chaos/kv_model.h"
#include "chaos/nemesis.h"
#include "chaos/options.h"
#include "chaos/run.h"
#include "chaos/sim_cluster.h"
#include "chaos/timeline.h"

namespace lashup::chaos {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

crdt::MapValue Apply(const std::vector<crdt::MapOp>& ops) {
  SimClusterOptions options;
  options.nodes = 1;
  SimCluster cluster(options);
  EXPECT_TRUE(cluster.Start(cluster.nodes()[0]).ok());
  EXPECT_TRUE(cluster.Update(cluster.nodes()[0], {"k"}, ops).ok());
  auto snapshot = cluster.Snapshot(cluster.nodes()[0]);
  EXPECT_TRUE(snapshot.ok());
  return snapshot->at({"k"});
}

TEST(KvModel, AgreesWithTheStoreOnEveryKindOfWrite) {
  ModelWrite first;
  first.add = {"a", "b"};
  first.increment = 3;
  first.enable = true;
  first.assign = crdt::RegisterValue{"x", 7};
  first.nested_add = {"t"};
  ModelWrite second;
  second.remove = {"a"};
  second.assign = crdt::RegisterValue{"y", 5};  // older: loses
  KvModel model;
  model.Apply({"k"}, first);
  model.Apply({"k"}, second);
  std::vector<crdt::MapOp> ops = first.Ops();
  for (crdt::MapOp& op : second.Ops()) ops.push_back(std::move(op));
  const crdt::MapValue value = Apply(ops);
  EXPECT_EQ(model.Diff({"k"}, &value), "") << value;
}

TEST(KvModel, NamesWhatIsMissingAndWhatIsExtra) {
  KvModel model;
  ModelWrite write;
  write.add = {"a"};
  write.increment = 2;
  model.Apply({"k"}, write);
  ModelWrite other;
  other.add = {"z"};
  other.increment = 1;
  const crdt::MapValue value = Apply(other.Ops());
  const std::string diff = model.Diff({"k"}, &value);
  EXPECT_NE(diff.find("missing [a] extra [z]"), std::string::npos) << diff;
  EXPECT_NE(diff.find("hits: 1 want 2"), std::string::npos) << diff;
  EXPECT_NE(model.Diff({"k"}, nullptr), "");
  EXPECT_EQ(model.Diff(std::map<Key, crdt::MapValue>{{{"k"}, value}, {{"j"}, value}}).size(), 2u);
}

NemesisPlanOptions PlanOptions(std::set<std::string> enabled) {
  NemesisPlanOptions o;
  o.enabled = std::move(enabled);
  o.start = seconds(20);
  o.end = seconds(320);
  for (int i = 0; i < 25; ++i) o.nodes.push_back(NodeId::FromLiteral("n" + std::to_string(i)));
  o.node_targets.assign(o.nodes.begin(), o.nodes.end() - 2);
  o.capabilities = {.loss = true, .clock_skew = true, .close_connections = true,
                    .deterministic = true};
  return o;
}

TEST(Nemesis, PlansEveryEnabledKindWithinThePeriodOneEpisodePerLaneAtATime) {
  const NemesisPlanOptions o = PlanOptions(ParseNemeses("all").value());
  Rng rng(5);
  const std::vector<Episode> plan = PlanNemesis(o, rng);
  std::set<std::string> kinds;
  std::map<std::string, Duration> lane_free;  // when each lane's last episode ended
  auto lane = [](const std::string& kind) {
    if (kind == "kill" || kind == "pause" || kind == "churn") return std::string("node");
    return kind == "skew" ? std::string("clock") : std::string("network");
  };
  for (const Episode& e : plan) {
    kinds.insert(e.kind);
    EXPECT_GE(e.start, o.start);
    EXPECT_LE(e.end, o.end);
    EXPECT_LE(e.start, e.end);
    EXPECT_GE(e.start, lane_free[lane(e.kind)]) << e.Describe();
    lane_free[lane(e.kind)] = e.end;
    for (const NodeId& node : e.a) {
      if (lane(e.kind) == "node") {
        EXPECT_NE(std::find(o.node_targets.begin(), o.node_targets.end(), node),
                  o.node_targets.end());
      }
    }
  }
  EXPECT_GE(kinds.size(), 7u);
  Rng again(5);
  EXPECT_EQ(PlanNemesis(o, again).size(), plan.size());
}

TEST(Nemesis, LeavesOutWhatIsNotEnabledOrNotInjectable) {
  NemesisPlanOptions o = PlanOptions({"loss", "kill", "skew", "close"});
  o.capabilities.loss = false;
  o.capabilities.close_connections = false;
  Rng rng(9);
  for (const Episode& e : PlanNemesis(o, rng)) {
    EXPECT_TRUE(e.kind == "kill" || e.kind == "skew") << e.kind;
  }
}

TEST(Nemesis, ParsesListsAndRefusesUnknownNames) {
  EXPECT_EQ(ParseNemeses("kill,pause").value(), (std::set<std::string>{"kill", "pause"}));
  EXPECT_EQ(ParseNemeses("all").value().size(), AllNemeses().size());
  EXPECT_TRUE(ParseNemeses("none").value().empty());
  EXPECT_EQ(ParseNemeses("kill,explode").status().code(), StatusCode::kInvalidArgument);
}

TEST(Timeline, QuietOnlyWhereNoIntervalOfTheKindsOverlaps) {
  FaultTimeline timeline;
  const size_t i = timeline.Begin("kill", "n1", seconds(10));
  timeline.End(i, seconds(20));
  timeline.Begin("skew", "n2", seconds(30));
  EXPECT_TRUE(timeline.Quiet(seconds(0), seconds(9)));
  EXPECT_FALSE(timeline.Quiet(seconds(5), seconds(10)));
  EXPECT_FALSE(timeline.Quiet(seconds(20), seconds(25)));
  EXPECT_TRUE(timeline.Quiet(seconds(21), seconds(40), {"kill"}));
  EXPECT_FALSE(timeline.Quiet(seconds(21), seconds(40)));  // the skew never ended
}

TEST(Options, ParsesDurationsAndRefusesBadCombinations) {
  EXPECT_EQ(ParseDuration("300").value(), seconds(300));
  EXPECT_EQ(ParseDuration("5m").value(), seconds(300));
  EXPECT_EQ(ParseDuration("1500ms").value(), milliseconds(1500));
  EXPECT_FALSE(ParseDuration("5h").ok());
  EXPECT_FALSE(ParseDuration("x").ok());
  ChaosOptions o;
  EXPECT_TRUE(Validate(o).ok());
  o.scenario = "fail-hang";
  EXPECT_FALSE(Validate(o).ok());  // scenarios need --real
  o.real = true;
  EXPECT_TRUE(Validate(o).ok());
  o.scenario = "fail-twice";
  EXPECT_FALSE(Validate(o).ok());
  o = ChaosOptions{};
  o.nodes = 1;
  EXPECT_FALSE(Validate(o).ok());
}

RunReport ShortRun(uint64_t seed, bool sabotage) {
  SimClusterOptions sim;
  sim.seed = seed;
  sim.nodes = 10;
  sim.disable_anti_entropy = sabotage;
  SimCluster cluster(sim);
  RunOptions run;
  run.seed = seed;
  run.duration = seconds(60);
  run.nemeses = ParseNemeses("all").value();
  run.calm = seconds(10);
  return RunChaos(cluster, run);
}

std::string Verdicts(const RunReport& report) {
  std::string text;
  for (const CheckResult& check : report.checks) {
    text += check.name + (check.passed ? " pass\n" : " FAIL\n");
    for (const std::string& problem : check.problems) text += "  " + problem + "\n";
  }
  return text;
}

TEST(ChaosRun, AShortRunPassesEveryCheckerAndExercisesTheFaultPaths) {
  const RunReport report = ShortRun(11, false);
  EXPECT_TRUE(report.passed()) << Verdicts(report);
  ASSERT_EQ(report.checks.size(), 4u);
  EXPECT_GT(report.checks[3].figures.at("writes_acked"), 300);
  EXPECT_GT(report.checks[2].figures.at("healthy_messages"), 50);
  EXPECT_FALSE(report.plan.empty());
  EXPECT_GT(report.probes.count("anti_entropy.key_repaired"), 0u);
}

TEST(ChaosRun, WithoutAntiEntropyTheKvCheckerFailsAndTheSeedReplaysTheFailure) {
  const RunReport first = ShortRun(3, true);
  ASSERT_FALSE(first.passed()) << Verdicts(first);
  EXPECT_FALSE(first.checks[3].passed);
  const RunReport again = ShortRun(3, true);
  EXPECT_EQ(Verdicts(again), Verdicts(first));
  EXPECT_EQ(again.trace_hash, first.trace_hash);
}

}  // namespace
}  // namespace lashup::chaos

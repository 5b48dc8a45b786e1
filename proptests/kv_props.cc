// KV convergence: random updates on random nodes under random faults (loss, partitions,
// crashes with restarts), then heal and quiesce. Every live node must hold the same state for
// every key, and each value must equal a sequential model of the acknowledged operations:
// exactly, for keys only one node writes (its operations are causally ordered); for keys every
// node writes, through operations that commute (counter increments, adds of distinct elements),
// so the model does not depend on how the writes raced.
#include <gtest/gtest.h>
// rapidcheck's gtest glue must come after gtest.
#include <rapidcheck/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lashup/testing/sim_world.h"
#include "node/node_core.h"

namespace lashup {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
namespace ops = crdt::ops;

constexpr int kNodes = 6;
constexpr int kSharedKeys = 3;

struct Step {
  int kind = 0;   // 0-2 shared-key op, 3-6 owner-key op, 7 partition, 8 crash, 9 restart all
  int node = 0;
  int arg = 0;
  int delay_ms = 0;
};

// What the owner of a key has written, applied in order.
struct OwnerModel {
  std::set<std::string> set;
  bool flag = false;
  std::optional<std::string> reg;
  int64_t counter = 0;
  bool counter_written = false;
};

struct SharedModel {
  int64_t counter = 0;
  bool counter_written = false;
  std::set<std::string> set;
};

NodeId Id(int i) { return NodeId::FromLiteral("n" + std::to_string(i)); }
kv::KeyPath OwnKey(int i) { return {"own", std::to_string(i)}; }
kv::KeyPath SharedKey(int k) { return {"shared", std::to_string(k)}; }

class Run {
 public:
  Run(uint64_t seed, double loss) : world_(Options(seed, loss)) {
    NodeCoreConfig config;
    for (int i = 0; i < 3; ++i) config.membership.contacts.push_back(Id(i));
    config.kv.anti_entropy.interval = seconds(1);
    for (int i = 0; i < kNodes; ++i) RC_ASSERT(world_.AddNode(Id(i), NodeCoreFactory(config)).ok());
  }

  void Apply(const Step& step, int index) {
    const int node = step.node % kNodes;
    switch (step.kind) {
      case 7: {
        world_.HealAll();
        std::vector<NodeId> a, b;
        for (int i = 0; i < kNodes; ++i) ((step.arg >> i) & 1 ? a : b).push_back(Id(i));
        if (!a.empty() && !b.empty()) world_.Partition(a, b);
        break;
      }
      case 8:
        if (world_.IsAlive(Id(node))) (void)world_.Crash(Id(node));
        break;
      case 9:
        RestartAll();
        break;
      default:
        if (world_.IsAlive(Id(node))) Write(step, node, index);
    }
    world_.RunFor(milliseconds(step.delay_ms));
  }

  // Heals, restarts, and waits until every node holds the same digest.
  bool Quiesce() {
    world_.HealAll();
    RestartAll();
    return world_.RunUntil([&] { return Converged(); }, seconds(300));
  }

  void CheckAgainstModel() {
    for (int n = 0; n < kNodes; ++n) {
      const kv::KvStore& store = Core(n).kv().store();
      for (int owner = 0; owner < kNodes; ++owner) CheckOwner(store, owner, n);
      for (int k = 0; k < kSharedKeys; ++k) CheckShared(store, k, n);
    }
  }

 private:
  static SimOptions Options(uint64_t seed, double loss) {
    SimOptions options;
    options.seed = seed;
    options.network.loss = loss;
    options.network.duplicate = loss / 2;
    options.network.reorder = loss;
    return options;
  }
  NodeCore& Core(int i) { return dynamic_cast<NodeCore&>(*world_.GetCore(Id(i))); }

  void RestartAll() {
    for (int i = 0; i < kNodes; ++i) {
      if (!world_.IsAlive(Id(i))) (void)world_.Restart(Id(i));
    }
  }

  bool Update(int node, const kv::KeyPath& key, std::vector<crdt::MapOp> list) {
    bool ok = false;
    (void)world_.Invoke(Id(node), [&](lashup::Core& core, const Now& now, Effects& out) {
      ok = dynamic_cast<NodeCore&>(core).KvUpdate(now, key, list, std::nullopt, out).ok();
    });
    return ok;
  }

  void Write(const Step& step, int node, int index) {
    if (step.kind <= 2) {
      SharedModel& model = shared_[step.arg % kSharedKeys];
      const kv::KeyPath key = SharedKey(step.arg % kSharedKeys);
      if (step.kind == 0) {
        if (Update(node, key, {ops::Increment("c", step.arg - 5)})) {
          model.counter += step.arg - 5;
          model.counter_written = true;
        }
      } else {
        const std::string element = Id(node).str() + "-" + std::to_string(index);
        if (Update(node, key, {ops::Add("s", element)})) model.set.insert(element);
      }
      return;
    }
    WriteOwn(step, node);
  }

  void WriteOwn(const Step& step, int node) {
    OwnerModel& model = own_[node];
    const kv::KeyPath key = OwnKey(node);
    const std::string element = "e" + std::to_string(step.arg % 5);
    switch (step.kind) {
      case 3:
        if (model.set.count(element) != 0) {
          if (Update(node, key, {ops::Remove("s", element)})) model.set.erase(element);
        } else if (Update(node, key, {ops::Add("s", element)})) {
          model.set.insert(element);
        }
        break;
      case 4:
        if (model.flag) {
          if (Update(node, key, {ops::Disable("f")})) model.flag = false;
        } else if (Update(node, key, {ops::Enable("f")})) {
          model.flag = true;
        }
        break;
      case 5:
        if (Update(node, key, {ops::Assign("r", "v" + std::to_string(step.arg))})) {
          model.reg = "v" + std::to_string(step.arg);
        }
        break;
      default:
        if (Update(node, key, {ops::Increment("c", step.arg)})) {
          model.counter += step.arg;
          model.counter_written = true;
        }
    }
  }

  bool Converged() {
    std::set<uint64_t> roots;
    for (int i = 0; i < kNodes; ++i) roots.insert(Core(i).kv().store().digest().Hash(0, 0));
    return roots.size() == 1;
  }

  void CheckOwner(const kv::KvStore& store, int owner, int at) {
    const OwnerModel& model = own_[owner];
    crdt::MapValue want;
    if (model.counter_written) want.entries.push_back({{"c", crdt::CrdtType::kCounter}, {model.counter}});
    if (model.flag) want.entries.push_back({{"f", crdt::CrdtType::kFlag}, {true}});
    auto value = store.Value(OwnKey(owner));
    if (model.reg.has_value()) {
      // The timestamp is the writer's clock; only the value is modelled.
      RC_ASSERT(value.ok());
      const crdt::Value* r = value->Find("r", crdt::CrdtType::kRegister);
      RC_ASSERT(r != nullptr);
      RC_ASSERT(r->AsRegister()->value == *model.reg);
      want.entries.push_back({{"r", crdt::CrdtType::kRegister}, *r});
    }
    if (!model.set.empty()) {
      want.entries.push_back({{"s", crdt::CrdtType::kOrSet},
                              {crdt::SetValue(model.set.begin(), model.set.end())}});
    }
    if (want.entries.empty()) {
      RC_ASSERT(!value.ok());
      return;
    }
    RC_ASSERT(value.ok());
    if (!(*value == want)) {
      RC_FAIL("node " + std::to_string(at) + " has own/" + std::to_string(owner) + " = " +
              crdt::ToString(*value) + ", model " + crdt::ToString(want));
    }
  }

  void CheckShared(const kv::KvStore& store, int k, int at) {
    const SharedModel& model = shared_[k];
    crdt::MapValue want;
    if (model.counter_written) want.entries.push_back({{"c", crdt::CrdtType::kCounter}, {model.counter}});
    if (!model.set.empty()) {
      want.entries.push_back({{"s", crdt::CrdtType::kOrSet},
                              {crdt::SetValue(model.set.begin(), model.set.end())}});
    }
    auto value = store.Value(SharedKey(k));
    if (want.entries.empty()) {
      RC_ASSERT(!value.ok());
      return;
    }
    RC_ASSERT(value.ok());
    if (!(*value == want)) {
      RC_FAIL("node " + std::to_string(at) + " has shared/" + std::to_string(k) + " = " +
              crdt::ToString(*value) + ", model " + crdt::ToString(want));
    }
  }

  SimWorld world_;
  std::map<int, OwnerModel> own_;
  std::map<int, SharedModel> shared_;
};

rc::Gen<Step> GenStep() {
  return rc::gen::build<Step>(
      rc::gen::set(&Step::kind, rc::gen::weightedElement<int>({{3, 0}, {3, 1}, {1, 2}, {3, 3},
                                                               {2, 4}, {2, 5}, {2, 6}, {1, 7},
                                                               {1, 8}, {1, 9}})),
      rc::gen::set(&Step::node, rc::gen::inRange(0, kNodes)),
      rc::gen::set(&Step::arg, rc::gen::inRange(0, 64)),
      rc::gen::set(&Step::delay_ms, rc::gen::element(0, 1, 5, 50, 500, 3000)));
}

RC_GTEST_PROP(KvProps, EveryNodeConvergesToTheSequentialModel, ()) {
  const auto seed = *rc::gen::inRange<uint64_t>(1, 1'000'000);
  const double loss = *rc::gen::element(0.0, 0.02, 0.2);
  const auto steps = *rc::gen::resize(60, rc::gen::container<std::vector<Step>>(GenStep()));
  Run run(seed, loss);
  run.Apply(Step{9, 0, 0, 20'000}, -1);  // let the cluster form
  for (size_t i = 0; i < steps.size(); ++i) run.Apply(steps[i], static_cast<int>(i));
  RC_ASSERT(run.Quiesce());
  run.CheckAgainstModel();
}

}  // namespace
}  // namespace lashup

// RecordingCore: a test core that records every input with the node's clock, and does nothing
// unless a test tells it to (through SimWorld::Invoke). Used by the simulator's own tests.
#ifndef LASHUP_SIM_RECORDING_CORE_TEST_UTIL_H_
#define LASHUP_SIM_RECORDING_CORE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "core/core.h"
#include "lashup/testing/sim_world.h"

namespace lashup::testing {

struct Input {
  enum class Kind { kStart, kMessage, kTimer, kUp, kDown };
  Kind kind;
  Duration true_time;  // world time when it happened
  Now now;             // the node's own clocks
  NodeId peer;
  Message message;
  TimerId timer;
};

class RecordingCore final : public Core {
 public:
  RecordingCore(const CoreContext& context, const SimWorld* world)
      : context_(context), world_(world) {
    recovered_ = context.recovered->Scan(Column::kTest, "");
  }
  void Start(const Now& now, Effects&) override { Record(Input::Kind::kStart, now, {}, {}, {}); }
  void OnMessage(const Now& now, const NodeId& from, const Message& m, Effects&) override {
    Record(Input::Kind::kMessage, now, from, m, {});
  }
  void OnTimer(const Now& now, TimerId timer, Effects&) override {
    Record(Input::Kind::kTimer, now, {}, {}, timer);
  }
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects&) override {
    Record(state == LinkState::kUp ? Input::Kind::kUp : Input::Kind::kDown, now, peer, {}, {});
  }

  std::vector<Input> Of(Input::Kind kind) const {
    std::vector<Input> out;
    for (const Input& input : inputs_) {
      if (input.kind == kind) out.push_back(input);
    }
    return out;
  }
  const std::vector<Input>& inputs() const { return inputs_; }
  const std::vector<std::pair<std::string, std::string>>& recovered() const { return recovered_; }
  uint64_t seed() const { return context_.seed; }

 private:
  void Record(Input::Kind kind, const Now& now, const NodeId& peer, const Message& m, TimerId t) {
    inputs_.push_back({kind, world_->now(), now, peer, m, t});
  }

  CoreContext context_;
  const SimWorld* world_;
  std::vector<Input> inputs_;
  std::vector<std::pair<std::string, std::string>> recovered_;
};

inline CoreFactory Recording(const SimWorld* world) {
  return [world](const CoreContext& context) {
    return std::make_unique<RecordingCore>(context, world);
  };
}

inline RecordingCore& Rec(SimWorld& world, const NodeId& id) {
  return *static_cast<RecordingCore*>(world.GetCore(id));
}

// Runs one command on `id` that issues effects.
inline void Do(SimWorld& world, const NodeId& id, const std::function<void(Effects&)>& command) {
  Status status = world.Invoke(id, [&](Core&, const Now&, Effects& out) { command(out); });
  if (!status.ok()) std::abort();
}

inline NodeId N(const std::string& name) { return NodeId::FromLiteral(name); }

}  // namespace lashup::testing

#endif  // LASHUP_SIM_RECORDING_CORE_TEST_UTIL_H_

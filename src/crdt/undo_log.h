// UndoLog: how Map::Apply takes back a partly applied operation list without having copied the
// fields it touches. Each change records a step that reverses it; Rollback runs them newest
// first. Steps may own what they need (an extracted map node, an element's old dots); pointers
// they hold into the map stay valid because nothing the list touched is destroyed while the log
// lives (erased fields are extracted into steps, not freed). A disabled log records nothing.
#ifndef LASHUP_CRDT_UNDO_LOG_H_
#define LASHUP_CRDT_UNDO_LOG_H_

#include <memory>
#include <utility>
#include <vector>

namespace lashup::crdt::internal {

class UndoLog {
 public:
  explicit UndoLog(bool enabled) : enabled_(enabled) {}

  bool enabled() const { return enabled_; }

  template <typename F>
  void Push(F&& undo) {
    if (enabled_) steps_.push_back(std::make_unique<Step<std::decay_t<F>>>(std::forward<F>(undo)));
  }

  void Rollback() {
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) (*it)->Undo();
    steps_.clear();
  }

 private:
  struct StepBase {
    virtual ~StepBase() = default;
    virtual void Undo() = 0;
  };
  // Move-only callables (owning node handles) cannot go into std::function.
  template <typename F>
  struct Step : StepBase {
    explicit Step(F f) : fn(std::move(f)) {}
    void Undo() override { fn(); }
    F fn;
  };

  bool enabled_;
  std::vector<std::unique_ptr<StepBase>> steps_;
};

}  // namespace lashup::crdt::internal

#endif  // LASHUP_CRDT_UNDO_LOG_H_

// DeltaBuffer<T>: deltas waiting to be shipped, joined into one delta-group.
//
// Contract: `Add` joins a delta into the group (so duplicates and reorderings collapse), `Take`
// hands the group over and leaves the buffer empty. A group is itself a delta: joining it into a
// replica equals joining each of its deltas in any order. `count()` is how many deltas went in
// since the last Take, for batching decisions. T is one of OrSet, Counter, Flag, LwwRegister, Map.
// Not thread-safe.
#ifndef LASHUP_CRDT_DELTA_BUFFER_H_
#define LASHUP_CRDT_DELTA_BUFFER_H_

#include <cstddef>
#include <utility>

namespace lashup::crdt {

template <typename T>
class DeltaBuffer {
 public:
  void Add(const T& delta) {
    if (delta.IsBottom()) return;
    group_.Join(delta);
    ++count_;
  }
  bool empty() const { return count_ == 0; }
  size_t count() const { return count_; }
  const T& group() const { return group_; }
  T Take() {
    T out = std::move(group_);
    group_ = T();
    count_ = 0;
    return out;
  }

 private:
  T group_;
  size_t count_ = 0;
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_DELTA_BUFFER_H_

// Test helper: random operation lists for maps (nested up to three levels, every field type),
// for tests that drive replicas through many operations. Deterministic per seed.
#ifndef LASHUP_CRDT_RANDOM_MAP_OPS_H_
#define LASHUP_CRDT_RANDOM_MAP_OPS_H_

#include <random>
#include <vector>

#include "lashup/crdt/ops.h"

namespace lashup::crdt {

class RandomOps {
 public:
  explicit RandomOps(uint32_t seed) : rng_(seed) {}

  // One to three ops. Removes carry an empty `seen` context, so they never fail.
  std::vector<MapOp> Next(int depth = 1);
  // An op that fails its precondition whatever the state: removing a field or element whose
  // name no other op uses.
  MapOp Failing(int depth = 1);
  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

 private:
  std::string Name(const char* prefix) { return prefix + std::to_string(Pick(0, 3)); }
  MapOp One(int depth);

  std::mt19937 rng_;
};

// Gives the list's removes a `seen` context (so they remove what it covers).
std::vector<MapOp> WithSeen(std::vector<MapOp> list, const CausalContext& seen);
// Takes the `seen` context off the list's removes, so they fail on absent targets.
std::vector<MapOp> WithoutSeen(std::vector<MapOp> list);

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_RANDOM_MAP_OPS_H_

// CRDT laws (include/lashup/crdt) over generated histories, for OrSet, Counter, Flag,
// LwwRegister and Map (nested maps and every field type included):
// - join is commutative, associative and idempotent, with bottom as identity;
// - the deltas of a run, delivered in any order with duplicates, or grouped by DeltaBuffers
//   first, join to the join of the replicas' final states;
// - a state absorbs its own delta, and the pre-mutation state joined with it is the new state;
// - sequential histories (one replica, or replicas syncing after every op) read as plain models
//   (crdt_model.h), failing ops included: kFailedPrecondition and nothing changed;
// - concurrency: add-wins, enable-wins, update-beats-remove, context-limited removes, and a
//   remove that has seen an update removes it everywhere.
//
// States are never generated directly: they come from replicas with distinct actors running
// generated operations and exchanging states and deltas, because arbitrary states break the
// causal assumptions joins rely on (a dot is made once, for one place).
//
// Each property runs rapidcheck's default 100 cases. Full mode, for a long soak:
//   RC_PARAMS="max_success=10000" proptests --gtest_filter='Crdt*'
#include <gtest/gtest.h>
// rapidcheck's gtest glue must come after gtest.
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <numeric>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "crdt_gen.h"
#include "crdt_model.h"
#include "lashup/crdt/delta_buffer.h"

namespace lashup::crdt::props {
namespace {

namespace gen = rc::gen;

template <typename T>
using OpFor = typename ModelFor<T>::Op;
template <typename T>
using ModelOf = typename ModelFor<T>::Model;

// History lengths: mostly up to MaxSteps, now and then up to four times that, whatever
// rapidcheck's size, so that many cases grow states big enough to make joins interesting, while
// failures still shrink to short histories. Map histories are shorter: each step is a list of up
// to 3 ops, nested up to kMaxDepth.
template <typename T>
int MaxSteps() {
  return std::is_same_v<T, Map> ? 60 : 80;
}

// A vector of 0..max elements, now and then of up to 4 * max, whatever rapidcheck's size. The
// elements are generated at full size: rapidcheck scales inRange by size, which would otherwise
// have small cases pick the same element, field and replica every time.
template <typename E>
rc::Gen<std::vector<E>> GenUpTo(int max, rc::Gen<E> element) {
  const auto vectors = gen::container<std::vector<E>>(gen::resize(100, element));
  return gen::weightedOneOf<std::vector<E>>(
      {{3, gen::resize(max, vectors)}, {1, gen::resize(4 * max, vectors)}});
}

// Picks a value at full size: rapidcheck scales inRange by size, which would otherwise have
// every small case pick the same element, field and replica.
template <typename T>
T Pick(rc::Gen<T> generator) {
  return *gen::resize(100, std::move(generator));
}

void Require(bool condition, const std::string& message) {
  if (!condition) RC_FAIL(message);
}

template <typename V>
void RequireSame(const V& got, const V& want, const std::string& what) {
  if (!(got == want)) RC_FAIL(what + "\n  got:  " + Show(got) + "\n  want: " + Show(want));
}

template <typename T>
T Joined(T a, const T& b) {
  a.Join(b);
  return a;
}

// The library has three join paths that must agree: Join(const T&), which takes a shortcut
// through the keys of a small `other`; Join(T&&), which takes `other` apart; and
// internal::JoinFull, the plain walk over both stores that the shortcut must equal.
enum JoinPath { kJoinCopy, kJoinConsume, kJoinFull, kJoinPaths };

template <typename T>
T FullJoined(const T& a, const T& b) {
  auto store = a.store();
  internal::JoinFull(store, a.context(), b.store(), b.context());
  CausalContext context = a.context();
  context.Merge(b.context());
  auto joined = T::FromParts(std::move(store), std::move(context));
  if (!joined.ok()) RC_FAIL("JoinFull broke an invariant: " + joined.status().ToString());
  return *std::move(joined);
}

template <typename T>
void JoinVia(T& mine, const T& theirs, int path) {
  switch (path % kJoinPaths) {
    case kJoinCopy:
      mine.Join(theirs);
      return;
    case kJoinConsume: {
      T copy = theirs;
      mine.Join(std::move(copy));
      return;
    }
    default:
      mine = FullJoined(mine, theirs);
      return;
  }
}

// FromParts runs the library's own invariant checks (stores.h): dots in the context, no dot
// twice, no empty entry.
template <typename T>
void RequireValid(const T& state, const std::string& what) {
  auto checked = T::FromParts(state.store(), state.context());
  if (!checked.ok()) {
    RC_FAIL(what + " breaks an invariant: " + checked.status().ToString() + "\n  " + Show(state));
  }
}

// Failures a valid op may meet: removing what is absent without a seen context, or a clock
// assignment that cannot win. Either must leave the state (and context) as it was.
bool IsExpectedFailure(StatusCode code) {
  return code == StatusCode::kFailedPrecondition || code == StatusCode::kOutOfRange;
}

// Applies `op` at `replica` and checks the status against the model's verdict: a failed op
// changes nothing, a successful one leaves valid states. Returns the delta, or bottom when the
// op failed.
template <typename T>
T ApplyChecked(Replica<T>& replica, const OpFor<T>& op, const SeenPool& pool, StatusCode verdict,
               const std::string& what) {
  const T before = replica.state;
  Result<T> delta = ApplyOp(replica, op, pool);
  if (delta.status().code() != verdict) {
    RC_FAIL(what + ": the library returned " + delta.status().ToString() +
            " where the model says " + std::string(StatusCodeName(verdict)) +
            "\n  before: " + Show(before));
  }
  if (!delta.ok()) {
    RequireSame(replica.state, before, what + ": a failed op changed the state");
    return T();
  }
  RequireValid(replica.state, what + ": the new state");
  RequireValid(*delta, what + ": the delta");
  return *std::move(delta);
}

// ---------------------------------------------------------------------------------------------
// Synced histories: after every op every replica receives it, so nothing is concurrent and each
// replica must read as the model.

template <typename Op>
struct SeqStep {
  int replica = 0;
  Op op;
  bool sync_by_state = false;  // others join the writer's whole state rather than the delta
};

template <typename Op>
std::ostream& operator<<(std::ostream& os, const SeqStep<Op>& step) {
  return os << 'r' << step.replica << ' ' << step.op << (step.sync_by_state ? " (state)" : "");
}

template <typename Op>
rc::Gen<std::vector<SeqStep<Op>>> GenSeqSteps(int max) {
  return GenUpTo(max, gen::build<SeqStep<Op>>(gen::set(&SeqStep<Op>::replica, gen::inRange(0, 4)),
                                              gen::set(&SeqStep<Op>::op, GenOp<Op>()),
                                              gen::set(&SeqStep<Op>::sync_by_state)));
}

template <typename T>
struct SyncedWorld {
  explicit SyncedWorld(const std::vector<ActorId>& actors) {
    for (ActorId actor : actors) replicas.push_back(Replica<T>{actor, T(), HybridClock()});
  }

  Replica<T>& At(size_t index) { return replicas[index % replicas.size()]; }

  ModelEnv EnvFor(const Replica<T>& writer, int op_epoch) const {
    return ModelEnv{writer.actor.value(), op_epoch, &pool, writer.clock.last(), 0, std::nullopt};
  }

  // Every replica equals the first, which reads as the model.
  void CheckConverged(const std::string& what) const {
    for (const Replica<T>& r : replicas) {
      RequireSame(r.state, replicas[0].state, what + ": replicas differ");
    }
    RequireSame(ValueOf(replicas[0].state), ValueOf(model), what + ": value vs model");
  }

  // Runs `op` at one replica, checked against the model, and syncs the others. Returns the
  // delta (bottom if the op failed).
  T Step(size_t index, const OpFor<T>& op, bool by_state) {
    Replica<T>& writer = At(index);
    ++epoch;
    ModelOf<T> next = model;
    ModelEnv env = EnvFor(writer, epoch);
    const StatusCode verdict = ApplyModel(next, op, env);
    const T before = writer.state;
    const T delta = ApplyChecked(writer, op, pool, verdict, "op");
    if (verdict == StatusCode::kOk) {
      model = std::move(next);
      RequireSame(Joined(before, delta), writer.state, "pre-state joined with the delta");
      for (Replica<T>& r : replicas) {
        if (&r != &writer) r.state.Join(by_state ? writer.state : delta);
      }
    } else {
      ++failures;
    }
    CheckConverged("after a synced op");
    pool.Push(writer.state.context(), epoch);
    return delta;
  }

  std::vector<Replica<T>> replicas;
  ModelOf<T> model;
  SeenPool pool;
  int epoch = 0;
  int failures = 0;
};

// A synced history of generated length over `min`..`max` replicas.
template <typename T>
SyncedWorld<T> GenSyncedWorld(int min_replicas, int max_replicas) {
  SyncedWorld<T> world(Pick(GenActors(min_replicas, max_replicas)));
  for (const auto& step : Pick(GenSeqSteps<OpFor<T>>(MaxSteps<T>()))) {
    world.Step(static_cast<size_t>(step.replica), step.op, step.sync_by_state);
  }
  return world;
}

template <typename T>
void CheckSequentialModel() {
  const SyncedWorld<T> world = GenSyncedWorld<T>(1, 3);
  RC_CLASSIFY(world.failures > 0, "some op failed");
}

// Replica 0 runs `remove` while replica 1 concurrently runs `update`, both from the synced state;
// then every replica receives both deltas (replica 2 in either order). The model sequences the
// update first, then the remove limited to what replica 0 had read: add-wins and
// update-beats-remove. Returns the update's delta (bottom if it failed).
template <typename T>
T Race(SyncedWorld<T>& w, const OpFor<T>& remove, const OpFor<T>& update, bool remove_first) {
  Replica<T>& remover = w.At(0);
  Replica<T>& updater = w.At(1);
  Replica<T>& observer = w.At(2);
  const int read_up_to = w.epoch;
  const int epoch = ++w.epoch;
  ModelOf<T> at_remover = w.model;
  ModelEnv remover_env = w.EnvFor(remover, epoch);
  const StatusCode remove_verdict = ApplyModel(at_remover, remove, remover_env);
  ModelOf<T> merged = w.model;
  ModelEnv updater_env = w.EnvFor(updater, epoch);
  const StatusCode update_verdict = ApplyModel(merged, update, updater_env);
  if (update_verdict != StatusCode::kOk) merged = w.model;
  const T removed = ApplyChecked(remover, remove, w.pool, remove_verdict, "concurrent remove");
  const T updated = ApplyChecked(updater, update, w.pool, update_verdict, "concurrent update");
  if (remove_verdict == StatusCode::kOk) {
    ModelEnv replay = w.EnvFor(remover, epoch);
    replay.cap = read_up_to;
    Require(ApplyModel(merged, remove, replay) == StatusCode::kOk,
            "model: a replayed remove failed");
  }
  remover.state.Join(updated);
  updater.state.Join(removed);
  observer.state.Join(remove_first ? removed : updated);
  observer.state.Join(remove_first ? updated : removed);
  w.model = std::move(merged);
  w.CheckConverged("after a remove raced an update");
  w.pool.Push(remover.state.context(), epoch);
  return updated;
}

// Replica 1 runs `update`; replica 0 receives it and then runs `remove`, which has seen it;
// replica 1 receives the remove and replica 2 both deltas, in either order.
template <typename T>
void UpdateThenRemove(SyncedWorld<T>& w, const OpFor<T>& update, const OpFor<T>& remove,
                      bool remove_first) {
  Replica<T>& remover = w.At(0);
  Replica<T>& updater = w.At(1);
  Replica<T>& observer = w.At(2);
  ModelOf<T> model = w.model;
  ModelEnv updater_env = w.EnvFor(updater, ++w.epoch);
  const StatusCode update_verdict = ApplyModel(model, update, updater_env);
  if (update_verdict != StatusCode::kOk) model = w.model;
  const T updated = ApplyChecked(updater, update, w.pool, update_verdict, "update");
  remover.state.Join(updated);
  w.pool.Push(remover.state.context(), w.epoch);
  ModelOf<T> after_remove = model;
  ModelEnv remover_env = w.EnvFor(remover, ++w.epoch);
  const StatusCode remove_verdict = ApplyModel(after_remove, remove, remover_env);
  if (remove_verdict == StatusCode::kOk) model = std::move(after_remove);
  const T removed = ApplyChecked(remover, remove, w.pool, remove_verdict, "remove after update");
  updater.state.Join(removed);
  observer.state.Join(remove_first ? removed : updated);
  observer.state.Join(remove_first ? updated : removed);
  w.model = std::move(model);
  w.CheckConverged("after a remove that had seen the update");
  w.pool.Push(remover.state.context(), w.epoch);
}

// ---------------------------------------------------------------------------------------------
// Chaotic histories: 2-4 replicas mutate, join each other's states and receive each other's
// deltas, old or new, in any order.

template <typename Op>
struct ChaosStep {
  enum Kind { kMutate, kJoinState, kDeliverDelta };
  Kind kind = kMutate;
  int replica = 0;
  int peer = 0;  // kJoinState, kDeliverDelta: whose state or delta
  int pick = 0;  // kDeliverDelta: which of the peer's deltas (modulo their number)
  int via = 0;   // kJoinState, kDeliverDelta: the JoinPath
  Op op;         // kMutate
};

template <typename Op>
std::ostream& operator<<(std::ostream& os, const ChaosStep<Op>& step) {
  os << 'r' << step.replica << ' ';
  switch (step.kind) {
    case ChaosStep<Op>::kMutate:
      return os << step.op;
    case ChaosStep<Op>::kJoinState:
      return os << "joins r" << step.peer << "'s state via " << step.via;
    case ChaosStep<Op>::kDeliverDelta:
      return os << "receives r" << step.peer << "'s delta #" << step.pick << " via " << step.via;
  }
  return os;
}

template <typename Op>
rc::Gen<std::vector<ChaosStep<Op>>> GenChaosSteps(int max) {
  using Step = ChaosStep<Op>;
  return GenUpTo(
      max,
      gen::build<Step>(
          gen::set(&Step::kind,
                   gen::weightedElement<typename Step::Kind>(
                       {{3, Step::kMutate}, {1, Step::kJoinState}, {1, Step::kDeliverDelta}})),
          gen::set(&Step::replica, gen::inRange(0, 4)), gen::set(&Step::peer, gen::inRange(0, 4)),
          gen::set(&Step::pick, gen::inRange(0, 64)),
          gen::set(&Step::via, gen::inRange(0, static_cast<int>(kJoinPaths))),
          gen::set(&Step::op, GenOp<Op>())));
}

template <typename T>
struct Mutation {
  OpFor<T> op;
  T before;
  T delta;
  T after;
};

template <typename T>
struct Chaos {
  std::vector<Replica<T>> replicas;
  std::vector<std::vector<T>> produced;  // each replica's deltas, in order
  std::vector<T> deltas;                 // every delta, in order
  std::vector<Mutation<T>> mutations;
  std::vector<T> states;  // every state a replica passed through
};

// Records the op's delta, or checks that a failed op changed nothing.
template <typename T>
void Mutate(Chaos<T>& chaos, size_t index, const OpFor<T>& op, const SeenPool& pool) {
  Replica<T>& replica = chaos.replicas[index];
  const T before = replica.state;
  Result<T> delta = ApplyOp(replica, op, pool);
  if (!delta.ok()) {
    Require(IsExpectedFailure(delta.status().code()), "failed with " + delta.status().ToString());
    RequireSame(replica.state, before, "a failed op changed the state");
    return;
  }
  RequireValid(replica.state, "a mutated state");
  RequireValid(*delta, "a delta");
  chaos.produced[index].push_back(*delta);
  chaos.deltas.push_back(*delta);
  chaos.mutations.push_back(Mutation<T>{op, before, *std::move(delta), replica.state});
}

template <typename T>
void ChaosStepOnce(Chaos<T>& chaos, const ChaosStep<OpFor<T>>& step, SeenPool& pool) {
  const size_t n = chaos.replicas.size();
  const size_t index = static_cast<size_t>(step.replica) % n;
  T& state = chaos.replicas[index].state;
  const size_t peer = static_cast<size_t>(step.peer) % n;
  switch (step.kind) {
    case ChaosStep<OpFor<T>>::kMutate:
      Mutate(chaos, index, step.op, pool);
      break;
    case ChaosStep<OpFor<T>>::kJoinState:
      JoinVia(state, chaos.replicas[peer].state, step.via);
      break;
    case ChaosStep<OpFor<T>>::kDeliverDelta:
      if (chaos.produced[peer].empty()) break;
      JoinVia(state,
              chaos.produced[peer][static_cast<size_t>(step.pick) % chaos.produced[peer].size()],
              step.via);
      break;
  }
  RequireValid(state, "a replica's state");
  chaos.states.push_back(state);
  pool.Push(state.context(), 0);
}

template <typename T>
Chaos<T> GenChaos() {
  Chaos<T> chaos;
  for (ActorId actor : Pick(GenActors(2, 4))) {
    chaos.replicas.push_back(Replica<T>{actor, T(), HybridClock()});
  }
  chaos.produced.resize(chaos.replicas.size());
  SeenPool pool;  // contexts any replica had, so removes name both stale and fresh ones
  for (const auto& step : Pick(GenChaosSteps<OpFor<T>>(MaxSteps<T>()))) {
    ChaosStepOnce(chaos, step, pool);
  }
  return chaos;
}

template <typename T>
T JoinOfFinalStates(const Chaos<T>& chaos) {
  T all;
  for (const Replica<T>& r : chaos.replicas) all.Join(r.state);
  return all;
}

template <typename T>
void RequireLaws(const T& a, const T& b, const T& c) {
  auto fail = [&](const std::string& law) {
    RC_FAIL(law + " fails for\n  a: " + Show(a) + "\n  b: " + Show(b) + "\n  c: " + Show(c));
  };
  const T ab = Joined(a, b);
  T consumed = a;
  consumed.Join(T(b));
  if (!(consumed == ab)) fail("Join(T&&) == Join(const T&)");
  if (!(FullJoined(a, b) == ab)) fail("internal::JoinFull == Join");
  if (!(Joined(b, a) == ab)) fail("commutativity a+b == b+a");
  if (!(Joined(Joined(a, b), c) == Joined(a, Joined(b, c)))) fail("associativity");
  if (!(Joined(a, a) == a)) fail("idempotence a+a == a");
  if (!(Joined(T(), a) == a)) fail("identity bottom+a == a");
}

template <typename T>
void CheckJoinLaws() {
  const Chaos<T> chaos = GenChaos<T>();
  // Every triple of final states: the most divergent states of the run.
  for (const auto& a : chaos.replicas) {
    for (const auto& b : chaos.replicas) {
      for (const auto& c : chaos.replicas) RequireLaws(a.state, b.state, c.state);
    }
  }
  // Random triples of intermediate states and deltas, old and new mixed.
  std::vector<T> samples = chaos.states;
  samples.insert(samples.end(), chaos.deltas.begin(), chaos.deltas.end());
  for (const auto& r : chaos.replicas) samples.push_back(r.state);
  const auto picks =
      Pick(gen::container<std::vector<size_t>>(30, gen::inRange<size_t>(0, samples.size())));
  for (size_t i = 0; i + 2 < picks.size(); i += 3) {
    RequireLaws(samples[picks[i]], samples[picks[i + 1]], samples[picks[i + 2]]);
  }
}

// The indices of `n` deltas, some twice, in a generated order.
std::vector<size_t> GenDeliveryOrder(size_t n) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const auto twice = Pick(gen::container<std::vector<bool>>(n, gen::arbitrary<bool>()));
  for (size_t i = 0; i < n; ++i) {
    if (twice[i]) order.push_back(i);
  }
  const auto keys = Pick(gen::container<std::vector<int>>(order.size(), gen::inRange(0, 1 << 20)));
  std::vector<size_t> by_key(order.size());
  std::iota(by_key.begin(), by_key.end(), 0);
  std::stable_sort(by_key.begin(), by_key.end(),
                   [&keys](size_t x, size_t y) { return keys[x] < keys[y]; });
  std::vector<size_t> shuffled;
  for (size_t k : by_key) shuffled.push_back(order[k]);
  return shuffled;
}

template <typename T>
void CheckDeltasInAnyOrder() {
  const Chaos<T> chaos = GenChaos<T>();
  const T expected = JoinOfFinalStates(chaos);
  const std::vector<size_t> order = GenDeliveryOrder(chaos.deltas.size());

  const auto paths = Pick(gen::container<std::vector<int>>(
      order.size(), gen::inRange(0, static_cast<int>(kJoinPaths))));
  T joined;
  for (size_t k = 0; k < order.size(); ++k) JoinVia(joined, chaos.deltas[order[k]], paths[k]);
  RequireSame(joined, expected, "deltas joined in any order vs the join of the final states");

  // The same deltas grouped by DeltaBuffers first, the groups then joined last to first.
  const auto cuts = Pick(gen::container<std::vector<bool>>(order.size(), gen::arbitrary<bool>()));
  DeltaBuffer<T> buffer;
  std::vector<T> groups;
  size_t added = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    buffer.Add(chaos.deltas[order[k]]);
    if (!chaos.deltas[order[k]].IsBottom()) ++added;
    Require(buffer.count() == added, "DeltaBuffer::count");
    if (cuts[k]) {
      groups.push_back(buffer.Take());
      Require(buffer.empty() && buffer.group().IsBottom(), "DeltaBuffer::Take leaves it empty");
      added = 0;
    }
  }
  groups.push_back(buffer.Take());
  T grouped;
  for (auto it = groups.rbegin(); it != groups.rend(); ++it) grouped.Join(*it);
  RequireSame(grouped, expected, "delta groups vs the join of the final states");

  // Each replica is below the join of all deltas: it holds nothing the deltas do not carry.
  for (const auto& r : chaos.replicas) {
    RequireSame(Joined(r.state, expected), expected, "a replica joined with every delta");
  }
}

template <typename T>
void CheckOwnDeltasAbsorbed() {
  const Chaos<T> chaos = GenChaos<T>();
  for (const Mutation<T>& m : chaos.mutations) {
    const T absorbed = Joined(m.after, m.delta);
    const T rebuilt = Joined(m.before, m.delta);
    if (absorbed == m.after && rebuilt == m.after) continue;
    RC_FAIL("after " + rc::toString(m.op) + "\n  before:     " + Show(m.before) +
            "\n  after:      " + Show(m.after) + "\n  delta:      " + Show(m.delta) +
            "\n  after+delta:  " + Show(absorbed) + "\n  before+delta: " + Show(rebuilt));
  }
}

// ---------------------------------------------------------------------------------------------
// OrSet

RC_GTEST_PROP(CrdtOrSetProps, JoinIsCommutativeAssociativeIdempotent, ()) {
  CheckJoinLaws<OrSet>();
}
RC_GTEST_PROP(CrdtOrSetProps, DeltasInAnyOrderEqualJoinOfStates, ()) {
  CheckDeltasInAnyOrder<OrSet>();
}
RC_GTEST_PROP(CrdtOrSetProps, StateAbsorbsItsOwnDeltas, ()) { CheckOwnDeltasAbsorbed<OrSet>(); }
RC_GTEST_PROP(CrdtOrSetProps, SequentialHistoryMatchesStdSet, ()) { CheckSequentialModel<OrSet>(); }

RC_GTEST_PROP(CrdtOrSetProps, ConcurrentAddWinsOverRemove, ()) {
  SyncedWorld<OrSet> w = GenSyncedWorld<OrSet>(3, 3);
  const int e = Pick(gen::inRange(0, static_cast<int>(kElements.size())));
  const int other = (e + 1) % static_cast<int>(kElements.size());
  w.Step(Pick(gen::inRange<size_t>(0, 3)), OrSetOp{OrSetOp::kAdd, {e}, 0}, false);
  const auto remove =
      Pick(gen::element(OrSetOp{OrSetOp::kRemove, {e}, 0}, OrSetOp{OrSetOp::kRemoveAll, {e}, 0},
                        OrSetOp{OrSetOp::kRemoveSeen, {e}, 0}));
  const auto add =
      Pick(gen::element(OrSetOp{OrSetOp::kAdd, {e}, 0}, OrSetOp{OrSetOp::kAddAll, {other, e}, 0}));
  Race(w, remove, add, Pick(gen::arbitrary<bool>()));
  for (const auto& r : w.replicas) Require(r.state.Contains(ElementAt(e)), "add must win");
  // A remove that has seen the add removes the element everywhere.
  UpdateThenRemove(w, add, remove, Pick(gen::arbitrary<bool>()));
  for (const auto& r : w.replicas) Require(!r.state.Contains(ElementAt(e)), "remove after add");
}

RC_GTEST_PROP(CrdtOrSetProps, SeenRemoveSparesLaterAdds, ()) {
  SyncedWorld<OrSet> w = GenSyncedWorld<OrSet>(2, 3);
  const int e = Pick(gen::inRange(0, static_cast<int>(kElements.size())));
  w.Step(Pick(gen::inRange<size_t>(0, 3)), OrSetOp{OrSetOp::kAdd, {e}, 0}, false);
  const size_t read = w.pool.size() - 1;  // a context that has seen the add
  w.Step(1, OrSetOp{OrSetOp::kAdd, {e}, 0}, false);
  w.Step(0, OrSetOp{OrSetOp::kRemoveSeen, {e}, w.pool.RefTo(read)}, false);
  for (const auto& r : w.replicas) {
    Require(r.state.Contains(ElementAt(e)), "an add after the context was read survives");
  }
  w.Step(0, OrSetOp{OrSetOp::kRemoveSeen, {e}, 0}, false);
  for (const auto& r : w.replicas) {
    Require(!r.state.Contains(ElementAt(e)), "a fresh context removes the element");
  }
}

// ---------------------------------------------------------------------------------------------
// Counter

RC_GTEST_PROP(CrdtCounterProps, JoinIsCommutativeAssociativeIdempotent, ()) {
  CheckJoinLaws<Counter>();
}
RC_GTEST_PROP(CrdtCounterProps, DeltasInAnyOrderEqualJoinOfStates, ()) {
  CheckDeltasInAnyOrder<Counter>();
}
RC_GTEST_PROP(CrdtCounterProps, StateAbsorbsItsOwnDeltas, ()) { CheckOwnDeltasAbsorbed<Counter>(); }
RC_GTEST_PROP(CrdtCounterProps, SequentialHistoryMatchesWrappingSum, ()) {
  CheckSequentialModel<Counter>();
}

RC_GTEST_PROP(CrdtCounterProps, ConcurrentAddsAllCount, ()) {
  const Chaos<Counter> chaos = GenChaos<Counter>();
  uint64_t sum = 0;
  for (const auto& m : chaos.mutations) {
    const auto amount = static_cast<uint64_t>(m.op.amount);
    sum += m.op.decrement ? uint64_t{0} - amount : amount;
  }
  RequireSame(JoinOfFinalStates(chaos).value(), static_cast<int64_t>(sum), "synced counter");
}

// ---------------------------------------------------------------------------------------------
// Flag

RC_GTEST_PROP(CrdtFlagProps, JoinIsCommutativeAssociativeIdempotent, ()) { CheckJoinLaws<Flag>(); }
RC_GTEST_PROP(CrdtFlagProps, DeltasInAnyOrderEqualJoinOfStates, ()) {
  CheckDeltasInAnyOrder<Flag>();
}
RC_GTEST_PROP(CrdtFlagProps, StateAbsorbsItsOwnDeltas, ()) { CheckOwnDeltasAbsorbed<Flag>(); }
RC_GTEST_PROP(CrdtFlagProps, SequentialHistoryMatchesBool, ()) { CheckSequentialModel<Flag>(); }

RC_GTEST_PROP(CrdtFlagProps, ConcurrentEnableWinsOverDisable, ()) {
  SyncedWorld<Flag> w = GenSyncedWorld<Flag>(3, 3);
  w.Step(Pick(gen::inRange<size_t>(0, 3)), FlagOp{true, kNoSeen}, false);
  const auto disable = Pick(gen::element(FlagOp{false, kNoSeen}, FlagOp{false, 0}));
  Race(w, disable, FlagOp{true, kNoSeen}, Pick(gen::arbitrary<bool>()));
  for (const auto& r : w.replicas) Require(r.state.value(), "enable must win");
  UpdateThenRemove(w, FlagOp{true, kNoSeen}, disable, Pick(gen::arbitrary<bool>()));
  for (const auto& r : w.replicas) Require(!r.state.value(), "disable after enable");
}

RC_GTEST_PROP(CrdtFlagProps, SeenDisableSparesLaterEnables, ()) {
  SyncedWorld<Flag> w = GenSyncedWorld<Flag>(2, 3);
  w.Step(Pick(gen::inRange<size_t>(0, 3)), FlagOp{true, kNoSeen}, false);
  const size_t read = w.pool.size() - 1;
  w.Step(1, FlagOp{true, kNoSeen}, false);
  w.Step(0, FlagOp{false, w.pool.RefTo(read)}, false);
  for (const auto& r : w.replicas) Require(r.state.value(), "a later enable survives");
  w.Step(0, FlagOp{false, 0}, false);
  for (const auto& r : w.replicas) Require(!r.state.value(), "a fresh context disables");
}

// ---------------------------------------------------------------------------------------------
// LwwRegister

RC_GTEST_PROP(CrdtLwwRegisterProps, JoinIsCommutativeAssociativeIdempotent, ()) {
  CheckJoinLaws<LwwRegister>();
}
RC_GTEST_PROP(CrdtLwwRegisterProps, DeltasInAnyOrderEqualJoinOfStates, ()) {
  CheckDeltasInAnyOrder<LwwRegister>();
}
RC_GTEST_PROP(CrdtLwwRegisterProps, StateAbsorbsItsOwnDeltas, ()) {
  CheckOwnDeltasAbsorbed<LwwRegister>();
}
RC_GTEST_PROP(CrdtLwwRegisterProps, SequentialHistoryMatchesMaxAssignment, ()) {
  CheckSequentialModel<LwwRegister>();
}

// Concurrent assignments: once synced, every replica reads the greatest (timestamp, value) any
// replica assigned. Clock assignments' timestamps are read from their deltas.
RC_GTEST_PROP(CrdtLwwRegisterProps, ConcurrentAssignsPickTheMax, ()) {
  const Chaos<LwwRegister> chaos = GenChaos<LwwRegister>();
  std::optional<RegisterValue> best;
  auto offer = [&best](int64_t timestamp, const std::string& value) {
    if (!best || std::tie(timestamp, value) > std::tie(best->timestamp, best->value)) {
      best = RegisterValue{value, timestamp};
    }
  };
  for (const auto& m : chaos.mutations) {
    if (m.op.timestamp) offer(*m.op.timestamp, std::string(kValues[m.op.value]));
    for (const auto& [dot, entry] : m.delta.store().entries) offer(entry.timestamp, entry.value);
  }
  RequireSame(JoinOfFinalStates(chaos).value(), best, "synced register");
}

// ---------------------------------------------------------------------------------------------
// Map

RC_GTEST_PROP(CrdtMapProps, JoinIsCommutativeAssociativeIdempotent, ()) { CheckJoinLaws<Map>(); }
RC_GTEST_PROP(CrdtMapProps, DeltasInAnyOrderEqualJoinOfStates, ()) { CheckDeltasInAnyOrder<Map>(); }
RC_GTEST_PROP(CrdtMapProps, StateAbsorbsItsOwnDeltas, ()) { CheckOwnDeltasAbsorbed<Map>(); }
RC_GTEST_PROP(CrdtMapProps, SequentialHistoryMatchesModelMap, ()) { CheckSequentialModel<Map>(); }

// Any removes on one replica racing any ops on another.
RC_GTEST_PROP(CrdtMapProps, ConcurrentRemovesMatchModel, ()) {
  SyncedWorld<Map> w = GenSyncedWorld<Map>(3, 3);
  const auto removes = Pick(GenMapList(Mode::kRemovesOnly));
  const auto updates = Pick(GenMapList(Mode::kAny));
  Race(w, removes, updates, Pick(gen::arbitrary<bool>()));
}

MapList OneOp(MapOpSpec op, int64_t now) { return MapList{{std::move(op)}, now}; }

// Makes sure every replica has `field`, as of the synced state.
void EnsureField(SyncedWorld<Map>& w, const FieldRef& field) {
  const auto add = Pick(GenMapOpOn(field, 1, Mode::kAdditive));
  w.Step(Pick(gen::inRange<size_t>(0, 3)), OneOp(add, Pick(gen::inRange<int64_t>(0, 8))), false);
}

void SetSeen(MapOpSpec& op, int seen) {
  if (op.IsRemove()) op.seen = seen;
  for (MapOpSpec& nested : op.nested) SetSeen(nested, seen);
}

// One replica removes a field while another updates it: the field survives with only the
// update's effect (the model checks the contents); a remove that has seen the update wins.
RC_GTEST_PROP(CrdtMapProps, UpdateBeatsConcurrentRemove, ()) {
  SyncedWorld<Map> w = GenSyncedWorld<Map>(3, 3);
  const FieldRef field = Pick(GenFieldRef());
  EnsureField(w, field);
  MapOpSpec remove_field;
  remove_field.kind = MapOpSpec::kRemoveField;
  remove_field.name = field.name;
  remove_field.type = field.type;
  remove_field.seen = Pick(gen::element(kNoSeen, 0));
  const MapList remove = OneOp(remove_field, 0);
  const MapList update = OneOp(Pick(GenMapOpOn(field, 1, Mode::kAdditive)), 9);
  const Map updated = Race(w, remove, update, Pick(gen::arbitrary<bool>()));
  // The update wrote something unless it failed: a clock assignment cannot win over a register
  // that holds INT64_MAX (kOutOfRange).
  RC_CLASSIFY(updated.store().fields.empty(), "update failed");
  if (!updated.store().fields.empty()) {
    for (const auto& r : w.replicas) {
      Require(r.state.Has(field.Name(), field.type), "update must beat remove");
    }
  }
  const MapList again = OneOp(Pick(GenMapOpOn(field, 1, Mode::kAdditive)), 10);
  UpdateThenRemove(w, again, remove, Pick(gen::arbitrary<bool>()));
  for (const auto& r : w.replicas) {
    Require(!r.state.Has(field.Name(), field.type), "remove after update");
  }
}

// A remove naming an old context (field removal, set-element removal, disable, nested removes)
// takes only what that context had seen: a later update of the field survives.
RC_GTEST_PROP(CrdtMapProps, SeenRemoveSparesLaterUpdates, ()) {
  SyncedWorld<Map> w = GenSyncedWorld<Map>(2, 3);
  const FieldRef field = Pick(GenFieldRef());
  EnsureField(w, field);
  const size_t read = w.pool.size() - 1;
  const MapList update = OneOp(Pick(GenMapOpOn(field, 1, Mode::kAdditive)), 9);
  const bool wrote = !w.Step(1, update, false).store().fields.empty();
  MapOpSpec remove = Pick(GenMapOpOn(field, 1, Mode::kRemovesOnly));
  SetSeen(remove, w.pool.RefTo(read));
  w.Step(0, OneOp(remove, 0), false);
  if (wrote) {
    for (const auto& r : w.replicas) {
      Require(r.state.Has(field.Name(), field.type), "a later update survives");
    }
  }
}

}  // namespace
}  // namespace lashup::crdt::props

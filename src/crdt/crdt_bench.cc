// crdt_bench: speed and encoded sizes of the CRDT library.
//
// Figures (Google Benchmark runs, each repeated; the median repetition is reported):
//   - ops/s of local updates: OrSet add (fresh elements) and remove (present ones) on a set of
//     10,000 elements; Counter increment; Map::Apply adding to one set field / incrementing the
//     counter field of a map of 10,000 fields; Map::Apply on one 10,000-element set field; and
//     a remove-then-add list, which Map::Apply must be able to undo (its undo-log path), both on
//     the 10,000-field map and on the 10,000-element field.
//   - ms per join of two OrSet replicas written by different actors, 10,000 and 100,000 elements
//     each, disjoint and sharing half their state; the speedup over the original lashup's
//     0.745 s for 100,000 disjoint elements.
//   - us per join of a one-element-add delta into a 10,000- and a 100,000-element set and a
//     10,000-field map: the work a receiving replica does per remote update.
//   - bytes of a one-add delta against the full state in the deterministic encoding
//     (crdt/encoding.h), for a map with one 10,000-element set field and the 10,000-field map.
// Updates run in batches: after each batch (untimed) the replica is put back to its starting
// state, so sizes stay where the figure says. Joins and delta joins time only the join itself
// (manual timing, by the thread's CPU clock); copying the target and making the delta are
// outside the timed region. Rates are per second of CPU time too.
//
// Project rule: figures live in tools like this one, never in timed unit tests. Output: Google
// Benchmark's table, a summary of the named figures, then ONE JSON object as the last line; the
// exit code is 0 only if no benchmark failed.
//
// Flags: --quick (a tiny minimum time and two repetitions: the CI smoke run; sizes unchanged),
// plus any Google Benchmark flag (--benchmark_filter=... leaves the other figures null).
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <time.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "crdt/encoding.h"
#include "lashup/crdt/counter.h"
#include "lashup/crdt/map.h"
#include "lashup/crdt/ops.h"
#include "lashup/crdt/orset.h"

namespace lashup::crdt {
namespace {

constexpr ActorId kActorA{0xa1};
constexpr ActorId kActorB{0xb2};

constexpr int64_t kSetElements = 10'000;
constexpr int64_t kMapFields = 10'000;
constexpr int64_t kJoinSizes[] = {10'000, 100'000};
// How many updates run between two restores of the starting state.
constexpr int64_t kBatch = 1'000;
// The original lashup (Erlang) merged two 100,000-element disjoint sets in this time.
constexpr double kOriginalJoinSeconds100kDisjoint = 0.745;

struct Options {
  bool quick = false;
};

Options g_options;

// ---- Data --------------------------------------------------------------------------------------

// Short names such as addresses and task ids, the sort of thing lashup sets hold; 12 bytes stay
// in std::string's inline buffer, as such names usually do.
std::string Element(int64_t i) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "elem-%07" PRId64, i);
  return buffer;
}

std::string FieldName(int64_t i) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "field-%06" PRId64, i);
  return buffer;
}

// Elements first, first + stride, ...: strides let two actors' elements interleave, so a join
// merge-walks both sides instead of appending one after the other.
void AddElements(OrSet& set, ActorId actor, int64_t first, int64_t count, int64_t stride) {
  for (int64_t i = 0; i < count; ++i) set.Add(actor, Element(first + i * stride));
}

OrSet MakeSet(ActorId actor, int64_t count) {
  OrSet set;
  AddElements(set, actor, 0, count, 1);
  return set;
}

Map MustApply(Map& map, std::vector<MapOp> ops, ActorId actor) {
  Result<Map> delta = map.Apply(ops, ApplyOptions{actor});
  if (!delta.ok()) {
    std::fprintf(stderr, "crdt_bench: setup failed: %s\n", delta.status().ToString().c_str());
    std::abort();
  }
  return *std::move(delta);
}

// `fields` fields: a counter "hits" and `fields` - 1 set fields of one element each.
Map MakeWideMap(int64_t fields) {
  Map map;
  for (int64_t i = 0; i < fields - 1; ++i) {
    MustApply(map, {ops::Add(FieldName(i), Element(i))}, kActorA);
  }
  MustApply(map, {ops::Increment("hits")}, kActorA);
  return map;
}

// One set field "set" of `elements` elements.
Map MakeBigSetMap(int64_t elements) {
  Map map;
  for (int64_t i = 0; i < elements; ++i) MustApply(map, {ops::Add("set", Element(i))}, kActorA);
  return map;
}

// Built once and shared by every run of a benchmark (Google Benchmark calls a benchmark
// function once per trial and repetition; rebuilding 100,000-element sets each time would
// dominate the wall time).
template <typename T>
const T& Cached(const std::string& key, const std::function<T()>& make) {
  static std::map<std::string, T> cache;
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, make()).first;
  return it->second;
}

// ---- Local updates (ops/s) ---------------------------------------------------------------------

// kIsRate divides by the benchmark's CPU time, which leaves out the paused restores.
void ReportRate(benchmark::State& state) {
  state.counters["ops_per_sec"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Runs `op(i)` for i = 0, 1, ..., kBatch - 1, again and again; before each batch `reset()`
// restores the starting state with the timer paused.
template <typename Reset, typename Op>
void RunBatches(benchmark::State& state, Reset reset, Op op) {
  int64_t i = kBatch;
  for (auto _ : state) {
    if (i == kBatch) {
      state.PauseTiming();
      reset();
      i = 0;
      state.ResumeTiming();
    }
    if (!op(i++)) {
      state.SkipWithError("an update failed");
      break;
    }
  }
  ReportRate(state);
}

std::vector<std::string> Elements(int64_t first, int64_t count) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < count; ++i) out.push_back(Element(first + i));
  return out;
}

void BmOrSetAdd(benchmark::State& state) {
  const OrSet& base = Cached<OrSet>("set", [] { return MakeSet(kActorA, kSetElements); });
  const std::vector<std::string> fresh = Elements(kSetElements, kBatch);
  OrSet set;
  RunBatches(
      state, [&] { set = base; },
      [&](int64_t i) {
        benchmark::DoNotOptimize(set.Add(kActorA, fresh[i]));
        return true;
      });
}

void BmOrSetRemove(benchmark::State& state) {
  const OrSet& base = Cached<OrSet>("set", [] { return MakeSet(kActorA, kSetElements); });
  const std::vector<std::string> present = Elements(0, kBatch);
  OrSet set;
  RunBatches(
      state, [&] { set = base; },
      [&](int64_t i) {
        Result<OrSet> delta = set.Remove(present[i]);
        benchmark::DoNotOptimize(delta);
        return delta.ok();
      });
}

void BmCounterIncrement(benchmark::State& state) {
  // A few writers, as a shared counter has; the increments are all one actor's.
  Counter counter;
  for (uint64_t a = 1; a <= 3; ++a) counter.Increment(ActorId(a), 10);
  for (auto _ : state) benchmark::DoNotOptimize(counter.Increment(kActorA));
  ReportRate(state);
}

// One prepared op list per update of a batch; Apply takes them by reference, so building them
// is not part of the figure.
using OpLists = std::vector<std::vector<MapOp>>;

void RunMapBatches(benchmark::State& state, const Map& base, const OpLists& lists) {
  Map map;
  RunBatches(
      state, [&] { map = base; },
      [&](int64_t i) {
        Result<Map> delta = map.Apply(lists[i], ApplyOptions{kActorA});
        benchmark::DoNotOptimize(delta);
        return delta.ok();
      });
}

const Map& WideMap() {
  return Cached<Map>("wide_map", [] { return MakeWideMap(kMapFields); });
}

const Map& BigSetMap() {
  return Cached<Map>("big_set_map", [] { return MakeBigSetMap(kSetElements); });
}

// Fields spread over the map, so lookups do not stay in one cache-hot corner.
int64_t SpreadField(int64_t i) { return (i * 7919) % (kMapFields - 1); }

void BmMapSetAdd(benchmark::State& state) {
  OpLists lists;
  for (int64_t i = 0; i < kBatch; ++i) {
    lists.push_back({ops::Add(FieldName(SpreadField(i)), Element(kMapFields + i))});
  }
  RunMapBatches(state, WideMap(), lists);
}

void BmMapCounterIncrement(benchmark::State& state) {
  const OpLists lists(kBatch, {ops::Increment("hits")});
  RunMapBatches(state, WideMap(), lists);
}

void BmMapBigSetAdd(benchmark::State& state) {
  OpLists lists;
  for (int64_t i = 0; i < kBatch; ++i) {
    lists.push_back({ops::Add("set", Element(kSetElements + i))});
  }
  RunMapBatches(state, BigSetMap(), lists);
}

// A remove without a `seen` context can fail (the element may be absent), so Apply saves the
// touched fields first: this is the all-or-nothing path.
void BmMapRemoveAdd(benchmark::State& state) {
  OpLists lists;
  for (int64_t i = 0; i < kBatch; ++i) {
    const int64_t field = SpreadField(i);
    lists.push_back({ops::Remove(FieldName(field), Element(field)),
                     ops::Add(FieldName(field), Element(kMapFields + i))});
  }
  RunMapBatches(state, WideMap(), lists);
}

void BmMapBigSetRemoveAdd(benchmark::State& state) {
  OpLists lists;
  for (int64_t i = 0; i < kBatch; ++i) {
    lists.push_back({ops::Remove("set", Element(i)), ops::Add("set", Element(kSetElements + i))});
  }
  RunMapBatches(state, BigSetMap(), lists);
}

// ---- Joins of whole replicas (ms) --------------------------------------------------------------

struct ReplicaPair {
  OrSet target;
  OrSet source;
  size_t joined_size = 0;  // elements after the join, to check it did what it should
};

// Two actors' replicas of `n` elements each, nothing in common; their elements interleave.
ReplicaPair DisjointPair(int64_t n) {
  ReplicaPair pair;
  AddElements(pair.target, kActorA, 0, n, 2);
  AddElements(pair.source, kActorB, 1, n, 2);
  pair.joined_size = static_cast<size_t>(2 * n);
  return pair;
}

// "Share half their state" is modelled as replicas that already synced half of it: A wrote n/2
// elements and B joined them (so both hold them with A's dots), then each wrote n/2 more. This
// is the common case of two replicas of one cluster, rather than both actors adding the same
// elements concurrently (which would give every shared element two dots).
ReplicaPair HalfSharedPair(int64_t n) {
  ReplicaPair pair;
  AddElements(pair.target, kActorA, 0, n / 2, 4);
  pair.source.Join(pair.target);
  AddElements(pair.target, kActorA, 1, n - n / 2, 4);
  AddElements(pair.source, kActorB, 2, n - n / 2, 4);
  pair.joined_size = static_cast<size_t>(n / 2 + 2 * (n - n / 2));
  return pair;
}

// Joins are timed by this thread's CPU clock rather than the wall clock: the host is often shared
// (parallel builds, CI), and a join preempted halfway would otherwise be charged for the time
// other processes ran. On an idle machine the two agree (a join is single-threaded, no I/O).
double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// `consume`: the other replica is a temporary (decoded from the network, say) that the join may
// take apart, Join(OrSet&&); otherwise it is kept and its entries are copied.
void BmOrSetJoin(benchmark::State& state, int64_t n, bool half_shared, bool consume) {
  const std::string key = "pair/" + std::to_string(n) + (half_shared ? "/shared" : "/disjoint");
  const ReplicaPair& pair =
      Cached<ReplicaPair>(key, [&] { return half_shared ? HalfSharedPair(n) : DisjointPair(n); });
  OrSet replica;
  OrSet incoming;
  for (auto _ : state) {
    replica = pair.target;
    incoming = pair.source;
    const double start = ThreadCpuSeconds();
    if (consume) {
      replica.Join(std::move(incoming));
    } else {
      replica.Join(pair.source);
    }
    state.SetIterationTime(ThreadCpuSeconds() - start);
    if (replica.size() != pair.joined_size) {
      state.SkipWithError("the join produced the wrong number of elements");
      break;
    }
  }
}

// ---- Joins of one-update deltas (us) -----------------------------------------------------------

// The receiving replica `target` and the replica `source` the updates come from (actor B, which
// already holds the same state). Every iteration makes a fresh delta on `source` and joins it
// into `target`; both are put back every kBatch updates so the sizes stay put.
template <typename T, typename MakeDelta>
void RunDeltaJoins(benchmark::State& state, const T& base, MakeDelta make_delta) {
  T target;
  T source;
  int64_t i = kBatch;
  for (auto _ : state) {
    if (i == kBatch) {
      target = base;
      source = base;
      i = 0;
    }
    const T delta = make_delta(source, i++);
    const double start = ThreadCpuSeconds();
    target.Join(delta);
    state.SetIterationTime(ThreadCpuSeconds() - start);
  }
}

void BmDeltaJoinOrSet(benchmark::State& state, int64_t n) {
  const OrSet& base =
      Cached<OrSet>("set/" + std::to_string(n), [n] { return MakeSet(kActorA, n); });
  RunDeltaJoins(state, base,
                [n](OrSet& source, int64_t i) { return source.Add(kActorB, Element(n + i)); });
}

void BmDeltaJoinMap(benchmark::State& state) {
  RunDeltaJoins(state, WideMap(), [](Map& source, int64_t i) {
    return MustApply(source, {ops::Add(FieldName(SpreadField(i)), Element(kMapFields + i))},
                     kActorB);
  });
}

// ---- Registration and figures ------------------------------------------------------------------

enum class Kind { kOpsPerSec, kMillis, kMicros };

// A figure in the JSON line: its key, the benchmark it comes from, and what it is.
struct Figure {
  std::string key;
  std::string bench;
  Kind kind;
};

std::vector<Figure> g_figures;

void Register(const std::string& key, const std::string& bench, Kind kind,
              std::function<void(benchmark::State&)> fn) {
  g_figures.push_back({key, bench, kind});
  auto* b = benchmark::RegisterBenchmark(bench.c_str(), std::move(fn));
  b->Repetitions(g_options.quick ? 2 : 5)->DisplayAggregatesOnly(true);
  b->MinTime(g_options.quick ? 0.001 : 0.2);
  if (kind != Kind::kOpsPerSec) {
    b->UseManualTime()->Unit(kind == Kind::kMillis ? benchmark::kMillisecond
                                                   : benchmark::kMicrosecond);
  }
}

std::string SizeLabel(int64_t n) { return std::to_string(n / 1000) + "k"; }

void RegisterAll() {
  Register("ops_per_sec_set_add", "orset_add/10k", Kind::kOpsPerSec, BmOrSetAdd);
  Register("ops_per_sec_set_remove", "orset_remove/10k", Kind::kOpsPerSec, BmOrSetRemove);
  Register("ops_per_sec_counter_increment", "counter_increment", Kind::kOpsPerSec,
           BmCounterIncrement);
  Register("ops_per_sec_map_set_add_10k_fields", "map_set_add/10k_fields", Kind::kOpsPerSec,
           BmMapSetAdd);
  Register("ops_per_sec_map_counter_increment_10k_fields", "map_counter_increment/10k_fields",
           Kind::kOpsPerSec, BmMapCounterIncrement);
  Register("ops_per_sec_map_set_add_10k_set", "map_set_add/10k_set", Kind::kOpsPerSec,
           BmMapBigSetAdd);
  Register("ops_per_sec_map_remove_add_10k_fields", "map_remove_add/10k_fields", Kind::kOpsPerSec,
           BmMapRemoveAdd);
  Register("ops_per_sec_map_remove_add_10k_set", "map_remove_add/10k_set", Kind::kOpsPerSec,
           BmMapBigSetRemoveAdd);
  for (int64_t n : kJoinSizes) {
    for (bool shared : {false, true}) {
      const std::string what = SizeLabel(n) + (shared ? "_overlap50" : "_disjoint");
      Register("join_ms_orset_" + what, "orset_join/" + what, Kind::kMillis,
               [n, shared](benchmark::State& state) { BmOrSetJoin(state, n, shared, false); });
      Register("join_consuming_ms_orset_" + what, "orset_join_consuming/" + what, Kind::kMillis,
               [n, shared](benchmark::State& state) { BmOrSetJoin(state, n, shared, true); });
    }
  }
  for (int64_t n : kJoinSizes) {
    Register("delta_join_us_orset_" + SizeLabel(n), "delta_join/orset_" + SizeLabel(n),
             Kind::kMicros, [n](benchmark::State& state) { BmDeltaJoinOrSet(state, n); });
  }
  Register("delta_join_us_map_10k_fields", "delta_join/map_10k_fields", Kind::kMicros,
           BmDeltaJoinMap);
}

// Google Benchmark's console table, keeping every run shown so the figures can be read back.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  CollectingReporter() : ConsoleReporter(OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) ++errors_;
      runs_.push_back(run);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  int errors() const { return errors_; }

  // The median repetition of `bench` (or its only run), nullopt if it did not run or failed.
  std::optional<double> Value(const Figure& figure) const {
    const Run* found = nullptr;
    for (const Run& run : runs_) {
      if (run.run_name.function_name != figure.bench || run.error_occurred) continue;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        return Of(run, figure);
      }
      if (run.run_type == Run::RT_Iteration) found = &run;
    }
    if (found == nullptr) return std::nullopt;
    return Of(*found, figure);
  }

 private:
  static double Of(const Run& run, const Figure& figure) {
    if (figure.kind == Kind::kOpsPerSec) return run.counters.at("ops_per_sec").value;
    return run.GetAdjustedRealTime();  // in the unit the benchmark was registered with
  }

  std::vector<Run> runs_;
  int errors_ = 0;
};

// ---- Encoded sizes -----------------------------------------------------------------------------

struct SizeFigure {
  std::string key;
  std::optional<double> value;
};

// Encodes the delta of one more element in `set_field` of `base` (on a copy) and the full state,
// and decodes both back, so a broken encoding fails the run instead of reporting its size.
bool MeasureOneAdd(const Map& base, const std::string& set_field, const std::string& what,
                   std::vector<SizeFigure>& out) {
  Map map = base;
  const Map delta =
      MustApply(map, {ops::Add(set_field, Element(kSetElements + kMapFields))}, kActorA);
  const std::string delta_bytes = Encode(delta);
  const std::string full_bytes = Encode(map);
  const bool ok = DecodeMap(delta_bytes).ok() && DecodeMap(full_bytes).ok();
  const auto delta_size = static_cast<double>(delta_bytes.size());
  const auto full_size = static_cast<double>(full_bytes.size());
  out.push_back({"delta_bytes_" + what, delta_size});
  out.push_back({"full_state_bytes_" + what, full_size});
  out.push_back({"delta_to_full_ratio_" + what, delta_size / full_size});
  return ok;
}

// Deterministic encoding (encoding.h) of a one-add delta against the state it was made on:
// (a) a map with one 10,000-element set field, (b) the map of 10,000 fields.
bool MeasureSizes(std::vector<SizeFigure>& out) {
  const bool big_set = MeasureOneAdd(BigSetMap(), "set", "map_one_set_10k", out);
  const bool wide = MeasureOneAdd(WideMap(), FieldName(0), "map_10k_fields", out);
  return big_set && wide;
}

// ---- Output ------------------------------------------------------------------------------------

const char* UnitName(Kind kind) {
  switch (kind) {
    case Kind::kOpsPerSec:
      return "ops/s";
    case Kind::kMillis:
      return "ms";
    case Kind::kMicros:
      return "us";
  }
  return "";
}

std::string JsonNumber(std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return "null";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.6g", *value);
  return buffer;
}

struct Results {
  std::vector<std::pair<Figure, std::optional<double>>> timed;
  std::vector<SizeFigure> sizes;
  std::optional<double> speedup;
  std::optional<double> speedup_consuming;
  bool ok = true;
};

// A figure is missing when its benchmark failed or was filtered out; only failures are errors.
Results Collect(const CollectingReporter& reporter) {
  Results results;
  results.ok = reporter.errors() == 0;
  for (const Figure& figure : g_figures) {
    std::optional<double> value = reporter.Value(figure);
    if (figure.key == "join_ms_orset_100k_disjoint" && value && *value > 0) {
      results.speedup = kOriginalJoinSeconds100kDisjoint / (*value / 1000);
    }
    if (figure.key == "join_consuming_ms_orset_100k_disjoint" && value && *value > 0) {
      results.speedup_consuming = kOriginalJoinSeconds100kDisjoint / (*value / 1000);
    }
    results.timed.emplace_back(figure, value);
  }
  if (!MeasureSizes(results.sizes)) {
    std::fprintf(stderr, "crdt_bench: an encoded state did not decode\n");
    results.ok = false;
  }
  return results;
}

void PrintSummary(const Results& results) {
  std::printf("\ncrdt_bench figures (median of %d repetitions%s)\n", g_options.quick ? 2 : 5,
              g_options.quick ? ", --quick: timings are not meaningful" : "");
  for (const auto& [figure, value] : results.timed) {
    std::printf("  %-46s %14s %-5s  (%s)\n", figure.key.c_str(), JsonNumber(value).c_str(),
                UnitName(figure.kind), figure.bench.c_str());
  }
  std::printf("  %-46s %14s\n", "speedup_vs_original_100k_disjoint",
              JsonNumber(results.speedup).c_str());
  std::printf("  %-46s %14s\n", "speedup_consuming_vs_original_100k_disjoint",
              JsonNumber(results.speedup_consuming).c_str());
  for (const SizeFigure& size : results.sizes) {
    std::printf("  %-46s %14s\n", size.key.c_str(), JsonNumber(size.value).c_str());
  }
}

void PrintJson(const Results& results) {
  std::string json = "{\"bench\":\"crdt\",\"ok\":" + std::string(results.ok ? "true" : "false");
  json += ",\"quick\":" + std::string(g_options.quick ? "true" : "false");
  // The machine's size and how busy it was: figures from a loaded host are not comparable.
  double load[1] = {0};
  const bool have_load = getloadavg(load, 1) == 1;
  json += ",\"host_cpus\":" + std::to_string(std::thread::hardware_concurrency());
  json +=
      ",\"load_avg_1m\":" + JsonNumber(have_load ? std::optional<double>(load[0]) : std::nullopt);
  json += ",\"set_elements\":" + std::to_string(kSetElements);
  json += ",\"map_fields\":" + std::to_string(kMapFields);
  json += ",\"join_sizes\":[" + std::to_string(kJoinSizes[0]) + "," +
          std::to_string(kJoinSizes[1]) + "]";
  for (const auto& [figure, value] : results.timed) {
    json += ",\"" + figure.key + "\":" + JsonNumber(value);
  }
  json += ",\"original_join_s_100k_disjoint\":" + JsonNumber(kOriginalJoinSeconds100kDisjoint);
  json += ",\"speedup_vs_original_100k_disjoint\":" + JsonNumber(results.speedup);
  json +=
      ",\"speedup_consuming_vs_original_100k_disjoint\":" + JsonNumber(results.speedup_consuming);
  for (const SizeFigure& size : results.sizes) {
    json += ",\"" + size.key + "\":" + JsonNumber(size.value);
  }
  json += "}";
  std::printf("%s\n", json.c_str());
}

// Takes --quick out of argv (Google Benchmark rejects flags it does not know).
Options ParseOwnFlags(int& argc, char** argv) {
  Options options;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--quick") {
      options.quick = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return options;
}

int Main(int argc, char** argv) {
  g_options = ParseOwnFlags(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  RegisterAll();
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::fflush(stdout);
  const Results results = Collect(reporter);
  PrintSummary(results);
  PrintJson(results);
  return results.ok ? 0 : 1;
}

}  // namespace
}  // namespace lashup::crdt

int main(int argc, char** argv) { return lashup::crdt::Main(argc, argv); }

// Local KV update throughput on RocksDB next to raw RocksDB Put throughput, measured in the same
// run with the same sync setting, so their ratio is the cost of the KV layer (validation, CRDT
// apply, encoding, digest) over the bare write:
//   sync   every update (every Put) synced on its own before the next starts;
//   group  updates go through GroupCommit and --group of them share one sync (Puts: unsynced,
//          then one SyncWAL).
// Each update assigns a 64-byte register and increments a counter on one of 1,000 keys; each
// Put writes a value as long as that key's encoded state. Prints a table, then ONE JSON object
// as the last line.
//   kv_bench [--seconds S (1)] [--group G (64)] [--dir DIR (a fresh temp directory)]
#include <rocksdb/db.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

#include "kv/kv_store.h"
#include "storage/group_commit.h"
#include "storage/rocksdb_storage.h"

namespace lashup::kv {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kKeys = 1000;

struct Args {
  double seconds = 1.0;
  int group = 64;
  std::filesystem::path dir;
};

// Runs `op(i)` for i = 0, 1, ... until `seconds` pass; `op` returns false on an error.
double OpsPerSecond(double seconds, const std::function<bool(uint64_t)>& op) {
  const auto start = Clock::now();
  uint64_t n = 0;
  for (;; ++n) {
    if (!op(n)) return -1;
    if ((n & 15) == 15 &&
        std::chrono::duration<double>(Clock::now() - start).count() >= seconds) {
      break;
    }
  }
  return static_cast<double>(n + 1) / std::chrono::duration<double>(Clock::now() - start).count();
}

class KvRun {
 public:
  KvRun(Storage* storage, bool group) : storage_(storage), commit_(storage), group_(group) {
    Effects out;
    store_.Start(static_cast<uint64_t>(getpid()), out);
    (void)Persist(out);
  }
  bool Update(uint64_t i, int group_size) {
    Effects out;
    const Now now{InstantFromNanos(static_cast<int64_t>(i)), WallTimeFromNanos(1'800'000'000'000'000'000)};
    auto result = store_.Update(now, {"bench", std::to_string(i % kKeys)},
                                {crdt::ops::Assign("r", std::string(64, 'v')),
                                 crdt::ops::Increment("c")},
                                std::nullopt, out);
    if (!result.ok() || !Persist(out)) return false;
    if (group_ && (i + 1) % group_size == 0) return commit_.Commit().ok();
    return true;
  }
  size_t StateBytes() const { return store_.entries().begin()->second.state_bytes; }

 private:
  bool Persist(const Effects& out) {
    for (const PersistOp& op : out.persists()) {
      Status status = group_ ? commit_.Apply(op.batch, op.durability)
                             : storage_->Apply(op.batch, op.durability);
      if (!status.ok()) return false;
    }
    return true;
  }
  Storage* storage_;
  GroupCommit commit_;
  bool group_;
  KvStore store_{nullptr, {}};
};

double MeasureKv(const Args& args, const std::string& name, bool group, size_t* state_bytes) {
  auto storage = RocksDbStorage::Open(RocksDbOptions{(args.dir / name).string()});
  if (!storage.ok()) {
    std::fprintf(stderr, "kv_bench: %s\n", storage.status().ToString().c_str());
    return -1;
  }
  KvRun run(storage->get(), group);
  const double rate =
      OpsPerSecond(args.seconds, [&](uint64_t i) { return run.Update(i, args.group); });
  if (state_bytes != nullptr) *state_bytes = run.StateBytes();
  return rate;
}

double MeasurePut(const Args& args, const std::string& name, bool group, size_t value_bytes) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, (args.dir / name).string(), &raw).ok()) return -1;
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions write;
  write.sync = !group;
  const std::string value(value_bytes, 'v');
  return OpsPerSecond(args.seconds, [&](uint64_t i) {
    const std::string key = EncodeKey({"bench", std::to_string(i % kKeys)});
    if (!db->Put(write, key, value).ok()) return false;
    if (group && (i + 1) % args.group == 0) return db->SyncWAL().ok();
    return true;
  });
}

int Main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") args.seconds = std::atof(argv[i + 1]);
    else if (flag == "--group") args.group = std::atoi(argv[i + 1]);
    else if (flag == "--dir") args.dir = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: kv_bench [--seconds S] [--group G] [--dir DIR]\n");
      return 2;
    }
  }
  if (args.seconds <= 0 || args.group < 1) {
    std::fprintf(stderr, "kv_bench: --seconds > 0 and --group >= 1\n");
    return 2;
  }
  const bool own_dir = args.dir.empty();
  if (own_dir) {
    args.dir = std::filesystem::temp_directory_path() / ("lashup-kv-bench-" + std::to_string(getpid()));
  }
  std::filesystem::remove_all(args.dir);
  std::filesystem::create_directories(args.dir);
  size_t state_bytes = 0;
  const double kv_sync = MeasureKv(args, "kv-sync", false, &state_bytes);
  const double put_sync = MeasurePut(args, "put-sync", false, state_bytes);
  const double kv_group = MeasureKv(args, "kv-group", true, nullptr);
  const double put_group = MeasurePut(args, "put-group", true, state_bytes);
  if (own_dir) std::filesystem::remove_all(args.dir);
  const bool ok = kv_sync > 0 && put_sync > 0 && kv_group > 0 && put_group > 0;
  std::printf("%-28s %14s\n", "mode", "ops/s");
  std::printf("%-28s %14.0f\n", "raw Put, sync each", put_sync);
  std::printf("%-28s %14.0f\n", "KV Update, sync each", kv_sync);
  std::printf("%-28s %14.0f\n", "raw Put, group commit", put_group);
  std::printf("%-28s %14.0f\n", "KV Update, group commit", kv_group);
  std::printf("{\"bench\":\"kv\",\"ok\":%s,\"seconds\":%g,\"group\":%d,\"value_bytes\":%zu,"
              "\"raw_put_sync_ops_s\":%.0f,\"kv_update_sync_ops_s\":%.0f,\"sync_ratio\":%.3f,"
              "\"raw_put_group_ops_s\":%.0f,\"kv_update_group_ops_s\":%.0f,"
              "\"group_ratio\":%.3f}\n",
              ok ? "true" : "false", args.seconds, args.group, state_bytes, put_sync, kv_sync,
              put_sync > 0 ? kv_sync / put_sync : 0.0, put_group, kv_group,
              put_group > 0 ? kv_group / put_group : 0.0);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace lashup::kv

int main(int argc, char** argv) { return lashup::kv::Main(argc, argv); }

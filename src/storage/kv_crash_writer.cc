// The writer half of kv_crash_test: applies KV updates to a RocksDB store and prints "ack N"
// (flushed) for each one only once it is durable under the chosen policy, until it is killed.
//
//   kv_crash_writer DIR sync|group FIRST
//
// sync: every update's batch is written with Durability::kSync, then acknowledged.
// group: updates go through GroupCommit; every 16 (the group) one sync, then their acks.
// Update N adds element "eN" to the set "s" of key {"crash", N mod 50}.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kv/kv_store.h"
#include "storage/group_commit.h"
#include "storage/rocksdb_storage.h"

namespace lashup::kv {
namespace {

int Die(const std::string& what, const Status& status) {
  std::fprintf(stderr, "kv_crash_writer: %s: %s\n", what.c_str(), status.ToString().c_str());
  return 1;
}

int Run(const std::string& dir, bool group, uint64_t first) {
  auto storage = RocksDbStorage::Open(RocksDbOptions{dir});
  if (!storage.ok()) return Die("open " + dir, storage.status());
  KvStore store(storage->get(), {});
  if (store.stats().load_failures != 0) return Die("load", DataLossError("unreadable keys"));
  GroupCommit commit(storage->get());
  Effects out;
  // The step's batches, as the driver applies them under the chosen policy.
  auto persist = [&]() -> Status {
    for (const PersistOp& op : out.persists()) {
      LASHUP_RETURN_IF_ERROR(group ? commit.Apply(op.batch, op.durability)
                                   : (*storage)->Apply(op.batch, op.durability));
    }
    out.Clear();
    return Status::Ok();
  };
  const auto wall = std::chrono::system_clock::now().time_since_epoch().count();
  store.Start(static_cast<uint64_t>(wall) ^ static_cast<uint64_t>(getpid()), out);
  if (Status status = persist(); !status.ok()) return Die("apply", status);
  std::vector<uint64_t> waiting;
  for (uint64_t n = first; n < first + 1'000'000; ++n) {
    Now now{InstantFromNanos(static_cast<int64_t>(n)), WallTimeFromNanos(wall)};
    auto result = store.Update(now, {"crash", std::to_string(n % 50)},
                               {crdt::ops::Add("s", "e" + std::to_string(n))}, std::nullopt, out);
    if (!result.ok()) return Die("update", result.status());
    if (Status status = persist(); !status.ok()) return Die("apply", status);
    waiting.push_back(n);
    if (group && waiting.size() < 16) continue;
    if (group) {
      Status status = commit.Commit();
      if (!status.ok()) return Die("commit", status);
    }
    for (uint64_t acked : waiting) std::printf("ack %llu\n", static_cast<unsigned long long>(acked));
    std::fflush(stdout);
    waiting.clear();
  }
  return 0;
}

}  // namespace
}  // namespace lashup::kv

int main(int argc, char** argv) {
  if (argc != 4 || (std::string(argv[2]) != "sync" && std::string(argv[2]) != "group")) {
    std::fprintf(stderr, "usage: kv_crash_writer DIR sync|group FIRST\n");
    return 2;
  }
  return lashup::kv::Run(argv[1], std::string(argv[2]) == "group", std::strtoull(argv[3], nullptr, 10));
}

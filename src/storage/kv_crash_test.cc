// Crash safety with the real RocksDB: a writer process (kv_crash_writer) is killed with SIGKILL
// in the middle of acknowledged writes, again and again, under both sync policies. After each
// kill the store must open cleanly, load every key, and hold every write the writer
// acknowledged.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>

#include "kv/kv_store.h"
#include "storage/rocksdb_storage.h"

#ifndef LASHUP_KV_CRASH_WRITER
#error "LASHUP_KV_CRASH_WRITER must name the writer binary"
#endif

namespace lashup::kv {
namespace {

struct Writer {
  pid_t pid = -1;
  FILE* acks = nullptr;
};

Writer Spawn(const std::string& dir, const char* mode, uint64_t first) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  Writer w;
  w.pid = fork();
  if (w.pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const std::string first_text = std::to_string(first);
    execl(LASHUP_KV_CRASH_WRITER, LASHUP_KV_CRASH_WRITER, dir.c_str(), mode, first_text.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  w.acks = fdopen(fds[0], "r");
  return w;
}

// Reads acknowledgements until `kill_after` of them, kills the writer, then reads the ones
// already in the pipe (acknowledged before it died too).
std::set<uint64_t> RunAndKill(Writer& w, size_t kill_after) {
  std::set<uint64_t> acked;
  unsigned long long n = 0;
  bool killed = false;
  while (std::fscanf(w.acks, "ack %llu\n", &n) == 1) {
    acked.insert(n);
    if (!killed && acked.size() >= kill_after) {
      kill(w.pid, SIGKILL);
      killed = true;
    }
  }
  if (!killed) kill(w.pid, SIGKILL);
  int status = 0;
  waitpid(w.pid, &status, 0);
  fclose(w.acks);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer ended on its own (status " << status << ") before it was killed";
  return acked;
}

TEST(KvCrashTest, EveryAcknowledgedWriteSurvivesSigkillUnderBothSyncPolicies) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lashup-kv-crash-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::mt19937_64 rng(20261123);
  std::set<uint64_t> all_acked;
  uint64_t next = 0;
  for (int round = 0; round < 12; ++round) {
    const char* mode = round % 2 == 0 ? "sync" : "group";
    Writer w = Spawn(dir.string(), mode, next);
    const std::set<uint64_t> acked = RunAndKill(w, 20 + rng() % 300);
    ASSERT_FALSE(acked.empty()) << "round " << round;
    all_acked.insert(acked.begin(), acked.end());
    next = *acked.rbegin() + 1;

    auto storage = RocksDbStorage::Open(RocksDbOptions{dir.string()});
    ASSERT_TRUE(storage.ok()) << "round " << round << ": " << storage.status();
    KvStore store(storage->get(), {});
    ASSERT_EQ(store.stats().load_failures, 0u) << "round " << round;
    std::map<uint64_t, std::set<std::string>> sets;
    for (uint64_t k = 0; k < 50; ++k) {
      auto value = store.Value({"crash", std::to_string(k)});
      if (!value.ok()) continue;
      const crdt::Value* s = value->Find("s", crdt::CrdtType::kOrSet);
      if (s != nullptr) sets[k] = std::set<std::string>(s->AsSet()->begin(), s->AsSet()->end());
    }
    size_t missing = 0;
    for (uint64_t n : all_acked) missing += sets[n % 50].count("e" + std::to_string(n)) == 0;
    EXPECT_EQ(missing, 0u) << "round " << round << " (" << mode << "): " << missing << " of "
                           << all_acked.size() << " acknowledged writes lost";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lashup::kv

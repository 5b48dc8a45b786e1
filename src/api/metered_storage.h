// MeteredStorage: a Storage that forwards to another and counts what passes through it, for
// the node's metrics: batches, operations and bytes written, syncs, and how long each write and
// each sync took. Counters are atomics (read from any thread); the histograms are thread-safe.
// Like every Storage, one thread at a time calls it.
#ifndef LASHUP_API_METERED_STORAGE_H_
#define LASHUP_API_METERED_STORAGE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "metrics/histogram.h"
#include "storage/storage.h"

namespace lashup::api {

// A histogram over metrics::LatencyBoundsSeconds().
std::unique_ptr<metrics::Histogram> NewLatencyHistogram();

class MeteredStorage final : public Storage {
 public:
  explicit MeteredStorage(std::unique_ptr<Storage> inner);

  Status Apply(const WriteBatch& batch, Durability durability) override;
  Status Flush() override;
  std::optional<std::string> Get(Column column, const std::string& key) const override;
  std::vector<std::pair<std::string, std::string>> Scan(Column column,
                                                        const std::string& prefix) const override;

  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> ops{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> synced_batches{0};  // batches applied with kSync
  std::atomic<uint64_t> flushes{0};
  std::atomic<uint64_t> failures{0};
  std::unique_ptr<metrics::Histogram> write_seconds;  // every Apply, synced or not
  std::unique_ptr<metrics::Histogram> sync_seconds;   // synced Applies and Flushes

 private:
  std::unique_ptr<Storage> inner_;
};

}  // namespace lashup::api

#endif  // LASHUP_API_METERED_STORAGE_H_

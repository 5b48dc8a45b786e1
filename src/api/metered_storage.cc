#include "api/metered_storage.h"

#include <chrono>

namespace lashup::api {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::unique_ptr<metrics::Histogram> NewLatencyHistogram() {
  // The bounds are constants that CheckBounds accepts; value() would abort otherwise.
  return std::move(metrics::Histogram::Create(metrics::LatencyBoundsSeconds()).value());
}

MeteredStorage::MeteredStorage(std::unique_ptr<Storage> inner)
    : write_seconds(NewLatencyHistogram()),
      sync_seconds(NewLatencyHistogram()),
      inner_(std::move(inner)) {}

Status MeteredStorage::Apply(const WriteBatch& batch, Durability durability) {
  const auto start = std::chrono::steady_clock::now();
  Status status = inner_->Apply(batch, durability);
  const double seconds = SecondsSince(start);
  write_seconds->Observe(seconds);
  batches.fetch_add(1, std::memory_order_relaxed);
  ops.fetch_add(batch.ops().size(), std::memory_order_relaxed);
  uint64_t size = 0;
  for (const WriteOp& op : batch.ops()) size += op.key.size() + op.value.size();
  bytes.fetch_add(size, std::memory_order_relaxed);
  if (durability == Durability::kSync) {
    synced_batches.fetch_add(1, std::memory_order_relaxed);
    sync_seconds->Observe(seconds);
  }
  if (!status.ok()) failures.fetch_add(1, std::memory_order_relaxed);
  return status;
}

Status MeteredStorage::Flush() {
  const auto start = std::chrono::steady_clock::now();
  Status status = inner_->Flush();
  sync_seconds->Observe(SecondsSince(start));
  flushes.fetch_add(1, std::memory_order_relaxed);
  if (!status.ok()) failures.fetch_add(1, std::memory_order_relaxed);
  return status;
}

std::optional<std::string> MeteredStorage::Get(Column column, const std::string& key) const {
  return inner_->Get(column, key);
}

std::vector<std::pair<std::string, std::string>> MeteredStorage::Scan(
    Column column, const std::string& prefix) const {
  return inner_->Scan(column, prefix);
}

}  // namespace lashup::api

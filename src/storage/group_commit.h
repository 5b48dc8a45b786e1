// GroupCommit: many batches that each ask to be synced, made durable by one sync.
//
// Contract: `Apply` writes a batch at once (visible to reads) without syncing it and remembers
// whether it asked for kSync; `Commit` then syncs once for the whole group, and only after it
// returns OK may whoever waits on those batches be answered (their sends released, their
// writers acknowledged). A crash before Commit may lose the group, which nobody was told about.
// The driver commits when its loop has no more ready work, so a busy node syncs once per burst
// of steps instead of once per batch (docs/storage.md). One thread at a time.
#ifndef LASHUP_STORAGE_GROUP_COMMIT_H_
#define LASHUP_STORAGE_GROUP_COMMIT_H_

#include <cstdint>

#include "storage/storage.h"

namespace lashup {

class GroupCommit {
 public:
  explicit GroupCommit(Storage* storage) : storage_(storage) {}

  Status Apply(const WriteBatch& batch, Durability durability) {
    LASHUP_RETURN_IF_ERROR(storage_->Apply(batch, Durability::kBuffered));
    if (durability == Durability::kSync) {
      sync_owed_ = true;
      ++waiting_;
    }
    return Status::Ok();
  }
  // True when a batch of the group asked for kSync and is not yet durable.
  bool sync_owed() const { return sync_owed_; }
  // One sync for the group; a no-op when none is owed.
  Status Commit() {
    if (!sync_owed_) return Status::Ok();
    LASHUP_RETURN_IF_ERROR(storage_->Flush());
    sync_owed_ = false;
    ++groups_;
    batches_ += waiting_;
    waiting_ = 0;
    return Status::Ok();
  }
  uint64_t groups() const { return groups_; }    // syncs done
  uint64_t batches() const { return batches_; }  // kSync batches they made durable

 private:
  Storage* storage_;
  bool sync_owed_ = false;
  uint64_t waiting_ = 0;
  uint64_t groups_ = 0;
  uint64_t batches_ = 0;
};

}  // namespace lashup

#endif  // LASHUP_STORAGE_GROUP_COMMIT_H_

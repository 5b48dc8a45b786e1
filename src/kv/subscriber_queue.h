// SubscriberQueue: the changes one subscription has yet to hand to its subscriber, bounded so
// that a slow subscriber never holds the node up or grows its memory without limit.
//
// Contract: the node's loop `Push`es each KvChanged for the subscription; the subscriber's side
// `Pop`s them in order, at its own pace. Push never blocks and never fails:
// - A change to a key that is already waiting replaces the waiting value in place (the
//   subscriber gets the newest value once, where the key first queued), so the queue never
//   holds a key twice and a subscriber never sees an older value after a newer one.
// - A change to a new key while `capacity` keys wait overflows the queue: everything waiting
//   is dropped and `overflowed()` turns true until `Reset`. The subscriber then asks for a
//   fresh snapshot (the node resubscribes) instead of silently missing a key.
// So after the last change, the subscriber has each key's final value, unless it is told it
// must resynchronise. Not thread-safe: the owner (the node facade) locks around it.
#ifndef LASHUP_KV_SUBSCRIBER_QUEUE_H_
#define LASHUP_KV_SUBSCRIBER_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"

namespace lashup::kv {

class SubscriberQueue {
 public:
  explicit SubscriberQueue(size_t capacity) : capacity_(capacity) {}

  void Push(KvChanged change);
  std::optional<KvChanged> Pop();
  bool overflowed() const { return overflowed_; }
  // After the subscriber has asked for a snapshot: accept changes again.
  void Reset();

  size_t size() const { return order_.size(); }
  uint64_t coalesced() const { return coalesced_; }  // values replaced before delivery
  uint64_t overflows() const { return overflows_; }

 private:
  size_t capacity_;
  std::deque<std::vector<std::string>> order_;         // keys, in first-queued order
  std::map<std::vector<std::string>, KvChanged> waiting_;
  bool overflowed_ = false;
  uint64_t coalesced_ = 0;
  uint64_t overflows_ = 0;
};

}  // namespace lashup::kv

#endif  // LASHUP_KV_SUBSCRIBER_QUEUE_H_

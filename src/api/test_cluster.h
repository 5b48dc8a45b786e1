// Test helpers for lashup::Node: a cluster of real nodes on loopback (TLS certificates from
// WriteClusterCerts, RocksDB in a temporary directory, the Local preset) and a mailbox that
// listeners push into and tests wait on.
#ifndef LASHUP_API_TEST_CLUSTER_H_
#define LASHUP_API_TEST_CLUSTER_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lashup/node.h"

namespace lashup::api::testing {

template <typename T>
class Mailbox {
 public:
  void Push(T value) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(value));
    cv_.notify_all();
  }
  // The first item matching `match`, dropping those before it; nullopt after `timeout`.
  std::optional<T> WaitFor(const std::function<bool(const T&)>& match,
                           std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    while (true) {
      while (!items_.empty()) {
        T item = std::move(items_.front());
        items_.pop_front();
        if (match(item)) return item;
      }
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && items_.empty()) {
        return std::nullopt;
      }
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<T> items_;
};

class TestCluster {
 public:
  explicit TestCluster(int size);
  ~TestCluster();

  NodeConfig Config(int i) const;
  // Nodes opened from now on inject faults from `faults` (which must outlive them).
  void set_faults(lashup::testing::NetworkFaults* faults) { faults_ = faults; }
  Status Open(int i);
  // Opens node `i` with a config of the caller's (usually Config(i), changed).
  Status Open(int i, NodeConfig config);
  Status OpenAll();
  void Close(int i);

  Node& node(int i) { return *nodes_.at(i); }
  Node* node_or_null(int i) { return nodes_.at(i).get(); }
  const NodeId& id(int i) const { return ids_.at(i); }
  const std::string& dir() const { return dir_; }

  // Waits (polling the public API) until every open node reaches every other open node.
  bool WaitAllReachable(std::chrono::milliseconds timeout);
  // Waits until node `observer` sees `target` as `reachable`.
  bool WaitReachable(int observer, const NodeId& target, bool reachable,
                     std::chrono::milliseconds timeout);
  // Waits until node `i` holds `key`.
  bool WaitForKey(int i, const Key& key, std::chrono::milliseconds timeout);
  std::string Describe();

 private:
  std::string dir_;
  std::vector<NodeId> ids_;
  std::vector<NodeTls> tls_;
  std::vector<std::unique_ptr<Node>> nodes_;
  lashup::testing::NetworkFaults* faults_ = nullptr;
};

}  // namespace lashup::api::testing

#endif  // LASHUP_API_TEST_CLUSTER_H_

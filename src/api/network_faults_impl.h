// NetworkFaults::Impl: the fault tables every attached node's driver reads (as a net::LinkFaults)
// and the table of attached nodes that node control acts on.
//
// Two locks, never held together: `links_mutex_` guards the blocks and delays, which loop threads
// read on every envelope (a shared lock, skipped entirely while no fault of that kind is set);
// `nodes_mutex_` guards the attached nodes and is held across the driver call node control makes,
// so a node cannot be detached (and its driver stopped) under that call. A loop thread never
// takes `nodes_mutex_`, so holding it while waiting for a loop cannot deadlock.
#ifndef LASHUP_API_NETWORK_FAULTS_IMPL_H_
#define LASHUP_API_NETWORK_FAULTS_IMPL_H_

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "lashup/testing/network_faults.h"
#include "net/asio_driver.h"
#include "net/link_faults.h"

namespace lashup {
namespace testing {

class NetworkFaults::Impl final : public net::LinkFaults {
 public:
  using Pair = std::pair<NodeId, NodeId>;  // (from, to)

  // net::LinkFaults, called on loop threads.
  bool Blocked(const NodeId& from, const NodeId& to) const override;
  Duration Delay(const NodeId& from, const NodeId& to) const override;
  void Record(net::FaultEvent event) override;

  // All at once, so no loop sees a partition half made.
  void Block(const std::vector<Pair>& pairs);
  void Unblock(const NodeId& from, const NodeId& to);
  void HealAll();
  void SetDelay(const NodeId& from, const NodeId& to, Duration delay);
  void ClearDelays();

  // Node::Open attaches its node once the driver runs; Node::Close detaches it (thawing it) before
  // stopping the driver. Detach ignores a driver that is not the one attached under `node`.
  void Attach(const NodeId& node, net::AsioDriver* driver);
  void Detach(const NodeId& node, net::AsioDriver* driver);

  Status CloseConnections(const NodeId& node);
  Status Freeze(const NodeId& node);
  Status Thaw(const NodeId& node);

  Counters counters() const;

 private:
  struct Attached {
    net::AsioDriver* driver = nullptr;
    bool frozen = false;
  };
  Attached* Find(const NodeId& node);  // nodes_mutex_ held

  mutable std::shared_mutex links_mutex_;
  std::set<Pair> blocked_;
  std::map<Pair, Duration> delays_;
  // Mirrors of !blocked_.empty() and !delays_.empty(), read without the lock: the common case
  // (no fault of that kind) costs one atomic load per envelope.
  std::atomic<bool> any_blocked_{false};
  std::atomic<bool> any_delay_{false};

  std::mutex nodes_mutex_;
  std::map<NodeId, Attached> nodes_;

  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> delayed_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace testing

namespace internal {

// The node's way in (node_open.cc, node.cc): NetworkFaults keeps its Impl private.
struct NetworkFaultsAccess {
  static testing::NetworkFaults::Impl& Of(testing::NetworkFaults& faults) { return *faults.impl_; }
};

}  // namespace internal
}  // namespace lashup

#endif  // LASHUP_API_NETWORK_FAULTS_IMPL_H_

// NetworkFaults: fault injection between real lashup::Nodes in one process, for tests and chaos
// runs over loopback TCP/TLS. Never for production.
//
// Contract: one NetworkFaults object is shared by every node it should affect, through
// `NodeConfig::faults` (it must outlive those nodes). Each node's transport consults it for every
// envelope it receives and every connection it makes or accepts, as a network would behave:
// - A block `from -> to` drops, on arrival at `to`, every envelope `from` sends, before `to`'s
//   protocols see it; a connection that then hears nothing else idles out as a cut one would.
//   No new connection is made or accepted between two nodes while either direction is blocked
//   (TCP needs both), so a one-way block stalls the links that exist and prevents new ones.
// - A delay `from -> to` hands `from`'s envelopes to `to` that much later, in the order they
//   arrived.
// - Node control acts on the nodes opened with this object in their config: it knows a node from
//   `Node::Open` until `Node::Close` (kNotFound otherwise). `CloseConnections` ends every
//   connection of the node at once (its links go down and are redialled as usual); `Freeze`
//   stops the node's thread as SIGSTOP would (its sockets stay open, nothing is read or
//   answered) and returns once it is stopped; `Thaw` lets it run on. `Close` thaws a frozen node
//   first, so it never hangs.
// Faults apply to envelopes and connections from the moment the call returns; envelopes already
// delivered stay delivered. docs/transport.md ("Fault injection") has the details.
//
// Thread-safety: every method may be called from any thread, except that node control must not
// be called from a node's listener (it would wait for a node thread, maybe its own).
#ifndef LASHUP_TESTING_NETWORK_FAULTS_H_
#define LASHUP_TESTING_NETWORK_FAULTS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "lashup/status.h"
#include "lashup/types.h"

namespace lashup {
namespace internal {
struct NetworkFaultsAccess;
}  // namespace internal

namespace testing {

class NetworkFaults {
 public:
  struct Counters {
    uint64_t envelopes_dropped = 0;  // by a block, on arrival (or at the end of a delay)
    uint64_t envelopes_delayed = 0;  // held back before delivery
    uint64_t dials_refused = 0;      // connections not made, or refused, across a block
  };

  NetworkFaults();
  ~NetworkFaults();
  NetworkFaults(const NetworkFaults&) = delete;
  NetworkFaults& operator=(const NetworkFaults&) = delete;

  // Links. Blocks and delays are directed: `from` is the sender.
  void Block(const NodeId& from, const NodeId& to);
  void Unblock(const NodeId& from, const NodeId& to);
  // Blocks both ways between every node of `a` and every node of `b`.
  void Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b);
  // Partition({node}, others).
  void Isolate(const NodeId& node, const std::vector<NodeId>& others);
  // Removes every block and every delay.
  void HealAll();
  // Zero (or less) removes the delay.
  void SetDelay(const NodeId& from, const NodeId& to, Duration delay);
  void ClearDelays();

  bool Blocked(const NodeId& from, const NodeId& to) const;
  Duration Delay(const NodeId& from, const NodeId& to) const;

  // Nodes opened with this object; kNotFound for any other (or one closed since).
  // CloseConnections returns once the connections are closed; on a node a storage failure
  // stopped, it returns that failure.
  Status CloseConnections(const NodeId& node);
  Status Freeze(const NodeId& node);
  Status Thaw(const NodeId& node);

  Counters counters() const;

  class Impl;

 private:
  friend struct internal::NetworkFaultsAccess;
  std::unique_ptr<Impl> impl_;
};

}  // namespace testing
}  // namespace lashup

#endif  // LASHUP_TESTING_NETWORK_FAULTS_H_

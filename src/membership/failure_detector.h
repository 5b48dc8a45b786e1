// FailureDetector: decides when an active neighbour has failed, for the membership core.
//
// Contract: each monitored peer is pinged about once per `ping_interval`. A ping must be
// acknowledged within a timeout that adapts to the link:
//   timeout = clamp(srtt + 4 * rttvar, timeout_floor, timeout_cap) * (1 + local_health)
// with srtt/rttvar estimated as TCP does (RFC 6298: gains 1/8 and 1/4). A new link is pinged
// within a tenth of an interval; until its first sample its direct pings borrow the slowest
// srtt + 4 * rttvar among this node's measured links (timeout_cap when there is none), and its
// indirect probes use timeout_cap. An ack that comes late still counts as a sample.
// A missed ack is not yet a failure: up to `indirect_probes` helpers (other neighbours, and one
// vantage point such as a contact node) are asked to ping the peer (SWIM's ping-req), each
// waiting one timeout for it; only if no helper reports it alive within two timeouts is the
// peer declared failed. If helpers reach it but `broken_link_misses` direct probes in a row
// missed, the link is reported broken instead (the peer lives; the path does not). Local health (Lifeguard) is a
// saturating counter 0..max_local_health: +1 when a probe of ours goes unanswered or a helper's
// answer never comes, -1 on every timely ack; while it is high this node stretches its
// timeouts, since a slow node would otherwise blame its neighbours for its own delays.
//
// The component answers other nodes' pings and probe requests itself. Sans-IO and deterministic;
// timers under Component::kFailureDetector. Failed peers are reported through TakeFailed().
#ifndef LASHUP_MEMBERSHIP_FAILURE_DETECTOR_H_
#define LASHUP_MEMBERSHIP_FAILURE_DETECTOR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/core.h"
#include "core/effects.h"
#include "core/message.h"
#include "core/rng.h"
#include "core/rtt_estimator.h"
#include "lashup/types.h"

namespace lashup::membership {

struct FailureDetectorConfig {
  Duration ping_interval = std::chrono::seconds(1);
  Duration timeout_floor = std::chrono::milliseconds(100);
  Duration timeout_cap = std::chrono::milliseconds(1000);
  size_t indirect_probes = 3;
  int max_local_health = 8;
  // A link whose direct pings go unanswered this many probes in a row while a helper reaches the
  // peer every time is broken, though the peer lives (an asymmetric cut): it is reported through
  // TakeBroken() so the overlay replaces it. One miss alone is forgiven (a slow packet).
  int broken_link_misses = 2;
};

enum class FdTimer : uint32_t {
  kPing = 1,
  kDirectTimeout = 2,
  kIndirectTimeout = 3,
  kHelp = 4,
  kVerify = 5,
};

// Whether helpers found a peer alive (see FailureDetector::Verify).
struct Verdict {
  NodeId peer;
  bool alive = false;
  friend bool operator==(const Verdict&, const Verdict&) = default;
};

// The adaptive timeout, pinned by table tests.
Duration ProbeTimeout(const FailureDetectorConfig& config, std::optional<Duration> srtt,
                      Duration rttvar, int local_health);

class FailureDetector {
 public:
  FailureDetector(FailureDetectorConfig config, Rng rng);

  // Start or stop monitoring `peer` (an active neighbour).
  void Monitor(const Now& now, const NodeId& peer, Effects& out);
  void Forget(const NodeId& peer, Effects& out);
  // Probe `peer` now rather than at its next turn (another node dropped it from its view).
  void ProbeNow(const Now& now, const NodeId& peer, Effects& out);

  // Handles FdPing/FdAck/FdProbeRequest/FdProbeResult; false for other messages. `neighbours`
  // are the candidates for indirect probes.
  bool OnMessage(const Now& now, const NodeId& from, const Message& message,
                 const std::vector<NodeId>& neighbours, Effects& out);
  void OnTimer(const Now& now, const TimerId& timer, const std::vector<NodeId>& neighbours,
               Effects& out);

  // Nodes asked to help with every indirect probe, in addition to neighbours (the contact
  // nodes): a vantage point outside this node's neighbourhood tells a dead peer from a broken
  // path, where neighbours may all sit on this node's side of a cut.
  void SetVantagePoints(std::vector<NodeId> nodes) { vantage_ = std::move(nodes); }

  // Peers declared failed since the last call: no one could reach them.
  std::vector<NodeId> TakeFailed();
  // Peers whose direct link broke while helpers still reach them, since the last call.
  std::vector<NodeId> TakeBroken();
  // Whether the last probe of `peer` missed directly but reached it through a helper.
  bool ReachedOnlyThroughOthers(const NodeId& peer) const;
  // Asks helpers (as for an indirect probe, waiting timeout_cap) whether `peer`, whose link is
  // gone, still lives. The answer comes once through TakeVerdicts(): alive as soon as a helper
  // reaches it; not alive at the first nack (a helper that reaches the peer answers long before
  // any nack can come), or after one and a half waits.
  void Verify(const Now& now, const NodeId& peer, const std::vector<NodeId>& neighbours,
              Effects& out);
  std::vector<Verdict> TakeVerdicts();
  int local_health() const { return local_health_; }
  // The smoothed round trip to `peer`, if measured.
  std::optional<Duration> Rtt(const NodeId& peer) const;

 private:
  enum class Phase : uint8_t { kIdle, kDirect, kIndirect };
  struct Peer {
    uint64_t key = 0;  // timer key
    RttEstimator rtt;
    Phase phase = Phase::kIdle;
    uint64_t seq = 0;  // of the probe in flight
    Instant sent_at;
    // The direct ping sent again alongside the indirect probes (0: none), with its own number
    // so its ack measures the link unambiguously.
    uint64_t retry_seq = 0;
    Instant retry_at;
    size_t helpers_asked = 0;
    size_t nacks = 0;
    int direct_misses = 0;  // probes in a row that only a helper answered
  };
  // A probe this node runs for another node.
  struct Help {
    NodeId requester;
    NodeId target;
    uint64_t request_seq = 0;
  };

  void SendPing(const Now& now, const NodeId& peer, Peer& state, Effects& out);
  void OnAck(const Now& now, const NodeId& from, uint64_t seq, Effects& out);
  void Alive(const Now& now, const NodeId& peer, Peer& state, Effects& out);
  std::vector<NodeId> PickHelpers(const NodeId& peer, const std::vector<NodeId>& neighbours);
  void StartIndirect(const Now& now, const NodeId& peer, Peer& state,
                     const std::vector<NodeId>& neighbours, Effects& out);
  Duration Timeout(const Peer& state) const;
  // The timeout with no round trip known: timeout_cap, stretched by local health.
  Duration CapTimeout() const;
  void Health(int delta);
  TimerId Timer(FdTimer kind, uint64_t key) const {
    return {Component::kFailureDetector, static_cast<uint32_t>(kind), key};
  }
  Peer* Find(const NodeId& peer);
  const NodeId* PeerByKey(uint64_t key) const;

  const FailureDetectorConfig config_;
  Rng rng_;
  std::map<NodeId, Peer> peers_;
  std::map<uint64_t, NodeId> by_key_;
  std::map<uint64_t, Help> helping_;  // by the seq of our ping to the target
  uint64_t next_key_ = 1;
  uint64_t next_seq_ = 1;
  int local_health_ = 0;
  std::vector<NodeId> failed_;
  std::vector<NodeId> broken_;
  std::vector<NodeId> vantage_;
  struct Verification {
    NodeId peer;
  };
  std::map<uint64_t, Verification> verifying_;  // by the request's seq
  std::vector<Verdict> verdicts_;
  void EndVerification(uint64_t seq, bool alive, Effects& out);
};

}  // namespace lashup::membership

#endif  // LASHUP_MEMBERSHIP_FAILURE_DETECTOR_H_

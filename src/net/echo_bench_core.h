// EchoBenchCore: the sans-IO core behind the transport benchmark (transport_bench.cc).
//
// Two roles. A server echoes every TestData it receives back to its sender, unchanged. A client,
// once told to (Open), keeps a long-lived link to its server; once a run begins and the link is
// up, it keeps `window` TestData messages outstanding (pipelined: each echo releases the next
// send) until it has sent `count`. Each payload starts with a header (run number, sequence
// number, the client's `now.mono` at sending), so a round trip is measured from the echo itself;
// the rest of the payload is a fixed pattern the client checks on return, so a benchmark cannot
// report speed for data the transport mangled.
//
// Like every core it reads no clock and does no I/O: times come from the `Now` the driver passes
// in (DESIGN.md section 3, docs/core-contract.md). It emits RttMeasured for each echo of the
// current run, which lets a driver's application count completions without polling. If the
// link drops, sending pauses until it returns, but messages in flight are lost and never resent,
// so that run cannot complete: a benchmark measures a healthy link or times out, never a mix.
#ifndef LASHUP_NET_ECHO_BENCH_CORE_H_
#define LASHUP_NET_ECHO_BENCH_CORE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/core.h"
#include "lashup/status.h"

namespace lashup::net {

enum class EchoRole : uint8_t { kServer = 0, kClient = 1 };

// One measured run of the client.
struct EchoRun {
  uint64_t count = 0;         // messages to send (and get back)
  uint32_t window = 1;        // outstanding messages at most; 1 measures unloaded latency
  size_t payload_bytes = 64;  // TestData payload size, header included
};

class EchoBenchCore final : public Core {
 public:
  // Run number, sequence number and send time: three little-endian 64-bit words.
  static constexpr size_t kHeaderBytes = 24;
  // The transport drops a peer whose send queue exceeds TransportLimits::max_send_queue_frames
  // (16384 by default); a window well below that keeps the benchmark measuring, not shedding.
  static constexpr uint32_t kMaxWindow = 4096;
  // Bounds the run and the memory it takes (about 8 bytes and 1 bit per message).
  static constexpr uint64_t kMaxCount = 100'000'000;
  static constexpr size_t kMaxPayloadBytes = 1 << 20;

  // `server` is whom a client echoes against; a server ignores it.
  EchoBenchCore(const CoreContext& context, EchoRole role, NodeId server);

  void Start(const Now& now, Effects& out) override;
  void OnMessage(const Now& now, const NodeId& from, const Message& message, Effects& out) override;
  void OnTimer(const Now& now, TimerId timer, Effects& out) override;
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out) override;
  void CheckInvariants() const override;

  // Client command: asks for the link to the server. A command rather than part of Start because
  // Start runs before a driver's owner can tell the driver where the server listens
  // (AsioDriver::SetPeerAddress), and a dial without an address fails and backs off.
  // kFailedPrecondition on a server.
  Status Open(Effects& out);

  // Client command: starts a run, replacing any earlier one (whose late echoes are then counted
  // as stray and ignored). Sends at once if the link is up, else when it comes up.
  // kInvalidArgument for a count, window or payload size out of range; kFailedPrecondition on a
  // server.
  Status Begin(const EchoRun& run, const Now& now, Effects& out);

  // The current run. `rtts` holds one round trip per echo, in arrival order.
  bool done() const { return echoed_ == run_.count; }
  uint64_t sent() const { return sent_; }
  uint64_t echoed() const { return echoed_; }
  const std::vector<Duration>& rtts() const { return rtts_; }
  // Anomalies since construction: echoes that are unparsable, from another run or repeated
  // (stray, not counted as round trips), echoes whose pattern bytes changed (corrupt), and echoes
  // that arrived out of sequence (reordered: both one that overtook and the one it overtook).
  uint64_t stray() const { return stray_; }
  uint64_t corrupt() const { return corrupt_; }
  uint64_t reordered() const { return reordered_; }
  // Server: messages echoed since construction.
  uint64_t served() const { return served_; }
  bool linked() const { return linked_; }
  uint64_t link_downs() const { return link_downs_; }

 private:
  void OnEcho(const Now& now, const NodeId& from, const TestData& data, Effects& out);
  void FillWindow(const Now& now, Effects& out);
  bool PatternIntact(const std::vector<uint8_t>& payload) const;

  NodeId self_;
  EchoRole role_;
  NodeId server_;
  bool linked_ = false;
  uint64_t link_downs_ = 0;

  EchoRun run_;
  uint64_t run_number_ = 0;       // 0: no run begun yet
  std::vector<uint8_t> pattern_;  // the payload of every message of this run, header zeroed
  uint64_t sent_ = 0;
  uint64_t echoed_ = 0;
  uint64_t next_expected_ = 0;     // TCP keeps order, so echoes should arrive in sequence
  std::vector<bool> echoed_seqs_;  // one bit per message: a duplicate echo must not count twice
  std::vector<Duration> rtts_;

  uint64_t stray_ = 0;
  uint64_t corrupt_ = 0;
  uint64_t reordered_ = 0;
  uint64_t served_ = 0;
};

}  // namespace lashup::net

#endif  // LASHUP_NET_ECHO_BENCH_CORE_H_

// PingPongCore: a small protocol core that exercises every part of the core contract. Tests,
// the demo and the simulator benchmark run it; real protocols replace it.
//
// It keeps long-lived connections to its configured peers, pings each connected peer every
// `interval` (jittered), answers pings with pongs, emits RttMeasured for each pong, and persists
// the count of pongs received: buffered on every pong, synced on every `sync_every`-th. On
// construction it reads that count back, so tests can see what survived a crash.
#ifndef LASHUP_SIM_PING_PONG_CORE_H_
#define LASHUP_SIM_PING_PONG_CORE_H_

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "core/core.h"
#include "core/rng.h"

namespace lashup {

struct PingPongConfig {
  std::vector<NodeId> peers;
  Duration interval = std::chrono::seconds(1);
  uint64_t sync_every = 10;  // 0: never sync
};

class PingPongCore final : public Core {
 public:
  static constexpr uint32_t kTickTimer = 1;
  static constexpr const char* kPongCountKey = "pongs";

  PingPongCore(const CoreContext& context, PingPongConfig config);

  void Start(const Now& now, Effects& out) override;
  void OnMessage(const Now& now, const NodeId& from, const Message& message,
                 Effects& out) override;
  void OnTimer(const Now& now, TimerId timer, Effects& out) override;
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out) override;
  void CheckInvariants() const override;

  // Sends one TestData message to `to` over a short-lived connection if need be.
  void SendData(const NodeId& to, TestData data, Effects& out);

  uint64_t pings_received() const { return pings_received_; }
  uint64_t pongs_received() const { return pongs_received_; }
  uint64_t recovered_pongs() const { return recovered_pongs_; }
  const std::vector<TestData>& data_received() const { return data_received_; }
  const std::set<NodeId>& connected() const { return connected_; }
  // Pings received per sender, in arrival order of their nonces.
  const std::map<NodeId, std::vector<uint64_t>>& ping_nonces() const { return ping_nonces_; }
  uint64_t ups() const { return ups_; }
  uint64_t downs() const { return downs_; }

 private:
  void OnPing(const Now& now, const NodeId& from, const Ping& ping, Effects& out);
  void OnPong(const Now& now, const NodeId& from, const Pong& pong, Effects& out);
  void ScheduleTick(const Now& now, Effects& out);

  NodeId self_;
  PingPongConfig config_;
  Rng rng_;
  std::set<NodeId> connected_;
  uint64_t next_nonce_ = 1;
  uint64_t pings_received_ = 0;
  uint64_t pongs_received_ = 0;
  uint64_t recovered_pongs_ = 0;
  uint64_t ups_ = 0;
  uint64_t downs_ = 0;
  std::vector<TestData> data_received_;
  std::map<NodeId, std::vector<uint64_t>> ping_nonces_;
};

}  // namespace lashup

#endif  // LASHUP_SIM_PING_PONG_CORE_H_

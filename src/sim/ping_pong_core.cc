#include "sim/ping_pong_core.h"

#include <charconv>
#include <string>

#include "core/check.h"

namespace lashup {
namespace {

constexpr TimerId kTick{Component::kTest, PingPongCore::kTickTimer, 0};

// A missing or unreadable count starts from zero: this is test state, not user data.
uint64_t ParseCount(const std::optional<std::string>& text) {
  uint64_t value = 0;
  if (text) std::from_chars(text->data(), text->data() + text->size(), value);
  return value;
}

}  // namespace

PingPongCore::PingPongCore(const CoreContext& context, PingPongConfig config)
    : self_(context.self),
      config_(std::move(config)),
      rng_(context.seed),
      recovered_pongs_(ParseCount(context.recovered->Get(Column::kTest, kPongCountKey))) {
  pongs_received_ = recovered_pongs_;
}

void PingPongCore::Start(const Now& now, Effects& out) {
  for (const NodeId& peer : config_.peers) {
    if (peer != self_) out.Connect(peer);
  }
  ScheduleTick(now, out);
}

void PingPongCore::ScheduleTick(const Now& now, Effects& out) {
  out.SetTimer(kTick, now.mono + rng_.Jitter(config_.interval, 0.1));
}

void PingPongCore::OnTimer(const Now& now, TimerId timer, Effects& out) {
  LASHUP_CHECK(timer == kTick, "unexpected timer");
  for (const NodeId& peer : connected_) {
    out.Send(peer, Ping{next_nonce_++, ToNanos(now.mono)});
  }
  ScheduleTick(now, out);
}

void PingPongCore::OnMessage(const Now& now, const NodeId& from, const Message& message,
                             Effects& out) {
  if (const auto* ping = std::get_if<Ping>(&message)) {
    OnPing(now, from, *ping, out);
  } else if (const auto* pong = std::get_if<Pong>(&message)) {
    OnPong(now, from, *pong, out);
  } else if (const auto* data = std::get_if<TestData>(&message)) {
    data_received_.push_back(*data);
  }
}

void PingPongCore::OnPing(const Now&, const NodeId& from, const Ping& ping, Effects& out) {
  ++pings_received_;
  ping_nonces_[from].push_back(ping.nonce);
  out.Send(from, Pong{ping.nonce, ping.sent_at_ns});
}

void PingPongCore::OnPong(const Now& now, const NodeId& from, const Pong& pong, Effects& out) {
  ++pongs_received_;
  out.Emit(RttMeasured{from, Duration(ToNanos(now.mono) - pong.echoed_sent_at_ns)});
  WriteBatch batch;
  batch.Put(Column::kTest, kPongCountKey, std::to_string(pongs_received_));
  const bool sync = config_.sync_every != 0 && pongs_received_ % config_.sync_every == 0;
  out.Persist(std::move(batch), sync ? Durability::kSync : Durability::kBuffered);
}

void PingPongCore::OnConnection(const Now&, const NodeId& peer, LinkState state, Effects&) {
  if (state == LinkState::kUp) {
    ++ups_;
    connected_.insert(peer);
  } else {
    ++downs_;
    connected_.erase(peer);
  }
}

void PingPongCore::SendData(const NodeId& to, TestData data, Effects& out) {
  out.Send(to, std::move(data), SendMode::kConnectFirst);
}

void PingPongCore::CheckInvariants() const {
  LASHUP_CHECK(!connected_.contains(self_), "connected to itself");
  LASHUP_CHECK(pongs_received_ >= recovered_pongs_, "pong count went backwards");
}

}  // namespace lashup

// DelayLine: envelopes held back by fault injection (LinkFaults::Delay) until their time, on the
// driver's loop thread.
//
// One FIFO per sender keeps each sender's envelopes in the order they arrived: an envelope is
// never handed on ahead of an earlier one from the same sender, even when the delay shrinks in
// between (it then waits for the one ahead of it). Senders do not hold each other up. One steady
// timer is armed for the earliest head, so the loop never sleeps. Loop thread only.
#ifndef LASHUP_NET_DELAY_LINE_H_
#define LASHUP_NET_DELAY_LINE_H_

#include <asio.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>

#include "wire/codec.h"

namespace lashup::net {

class DelayLine {
 public:
  using Clock = std::chrono::steady_clock;
  using Deliver = std::function<void(wire::Envelope&& envelope)>;

  DelayLine(asio::io_context& io, Deliver deliver);

  // Holds `envelope` until `due`, or later if an earlier one from its sender is due later.
  void Push(Clock::time_point due, wire::Envelope envelope);
  // Whether an envelope from `sender` is waiting: a new one must then queue behind it.
  bool Holds(const NodeId& sender) const { return queues_.contains(sender); }
  size_t size() const { return size_; }
  // Drops everything and cancels the timer (the driver stops).
  void Clear();

 private:
  struct Held {
    Clock::time_point due;
    wire::Envelope envelope;
  };
  void Rearm();
  void OnTimer();

  asio::steady_timer timer_;
  Deliver deliver_;
  std::map<NodeId, std::deque<Held>> queues_;  // never holds an empty queue
  size_t size_ = 0;
  std::optional<Clock::time_point> armed_at_;
};

}  // namespace lashup::net

#endif  // LASHUP_NET_DELAY_LINE_H_

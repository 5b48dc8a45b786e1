#include "net/delay_line.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace lashup::net {

DelayLine::DelayLine(asio::io_context& io, Deliver deliver)
    : timer_(io), deliver_(std::move(deliver)) {}

void DelayLine::Push(Clock::time_point due, wire::Envelope envelope) {
  std::deque<Held>& queue = queues_[envelope.sender];
  // Due times never decrease along a queue, so its head is always its earliest.
  if (!queue.empty()) due = std::max(due, queue.back().due);
  queue.push_back(Held{due, std::move(envelope)});
  ++size_;
  if (!armed_at_ || due < *armed_at_) Rearm();
}

void DelayLine::Clear() {
  queues_.clear();
  size_ = 0;
  armed_at_.reset();
  timer_.cancel();
}

void DelayLine::Rearm() {
  std::optional<Clock::time_point> earliest;
  for (const auto& [sender, queue] : queues_) {
    if (!earliest || queue.front().due < *earliest) earliest = queue.front().due;
  }
  if (earliest == armed_at_) return;
  armed_at_ = earliest;
  if (!earliest) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*earliest);
  timer_.async_wait([this](const std::error_code& error) {
    if (!error) OnTimer();
  });
}

void DelayLine::OnTimer() {
  armed_at_.reset();
  const Clock::time_point now = Clock::now();
  // Take every due envelope first, then hand them on: delivering runs core steps, and nothing
  // they do may find this table half-walked.
  std::vector<wire::Envelope> due;
  for (auto it = queues_.begin(); it != queues_.end();) {
    std::deque<Held>& queue = it->second;
    while (!queue.empty() && queue.front().due <= now) {
      due.push_back(std::move(queue.front().envelope));
      queue.pop_front();
      --size_;
    }
    it = queue.empty() ? queues_.erase(it) : std::next(it);
  }
  Rearm();
  for (wire::Envelope& envelope : due) deliver_(std::move(envelope));
}

}  // namespace lashup::net

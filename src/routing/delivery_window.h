// DeliveryWindow: which messages of one origin were already delivered, in bounded memory.
//
// Contract: remembers the highest sequence number seen in the origin's newest incarnation and
// the last `kSpan` numbers below it (a bitmap, like IPsec's anti-replay window). Accept() says
// whether a message is new and marks it. A message older than the window is refused (it may be
// a duplicate, and delivering a duplicate is worse than dropping a message that late, which the
// KV's anti-entropy repairs); so is one from an older incarnation. A newer incarnation (the
// origin restarted) starts the window over.
#ifndef LASHUP_ROUTING_DELIVERY_WINDOW_H_
#define LASHUP_ROUTING_DELIVERY_WINDOW_H_

#include <array>
#include <cstdint>

namespace lashup::routing {

class DeliveryWindow {
 public:
  static constexpr uint64_t kSpan = 1024;

  enum class Verdict : uint8_t { kNew, kDuplicate, kTooOld, kOldIncarnation };
  Verdict Accept(uint64_t incarnation, uint64_t seq);

 private:
  bool Test(uint64_t seq) const;
  void Set(uint64_t seq);
  void Clear(uint64_t seq);

  bool started_ = false;
  uint64_t incarnation_ = 0;
  uint64_t highest_ = 0;
  std::array<uint64_t, kSpan / 64> bits_{};  // bit seq % kSpan: seq in (highest - kSpan, highest]
};

}  // namespace lashup::routing

#endif  // LASHUP_ROUTING_DELIVERY_WINDOW_H_

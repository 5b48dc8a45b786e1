#include "routing/delivery_window.h"

namespace lashup::routing {

bool DeliveryWindow::Test(uint64_t seq) const {
  return (bits_[(seq % kSpan) / 64] >> (seq % 64)) & 1;
}
void DeliveryWindow::Set(uint64_t seq) { bits_[(seq % kSpan) / 64] |= uint64_t{1} << (seq % 64); }
void DeliveryWindow::Clear(uint64_t seq) {
  bits_[(seq % kSpan) / 64] &= ~(uint64_t{1} << (seq % 64));
}

DeliveryWindow::Verdict DeliveryWindow::Accept(uint64_t incarnation, uint64_t seq) {
  if (started_ && incarnation < incarnation_) return Verdict::kOldIncarnation;
  if (!started_ || incarnation > incarnation_) {
    started_ = true;
    incarnation_ = incarnation;
    highest_ = seq;
    bits_.fill(0);
    Set(seq);
    return Verdict::kNew;
  }
  if (seq > highest_) {
    // Slide: the numbers leaving the window's bottom free their bits for the new top.
    if (seq - highest_ >= kSpan) {
      bits_.fill(0);
    } else {
      for (uint64_t s = highest_ + 1; s <= seq; ++s) Clear(s);
    }
    highest_ = seq;
    Set(seq);
    return Verdict::kNew;
  }
  if (highest_ - seq >= kSpan) return Verdict::kTooOld;
  if (Test(seq)) return Verdict::kDuplicate;
  Set(seq);
  return Verdict::kNew;
}

}  // namespace lashup::routing

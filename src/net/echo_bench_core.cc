#include "net/echo_bench_core.h"

#include <algorithm>
#include <string>

#include "core/check.h"

namespace lashup::net {
namespace {

// Header words, in payload order.
constexpr size_t kRunOffset = 0;
constexpr size_t kSeqOffset = 8;
constexpr size_t kSentAtOffset = 16;

// Spelled out byte by byte so the layout does not depend on the host's endianness.
void PutWord(std::vector<uint8_t>& bytes, size_t offset, uint64_t value) {
  for (size_t i = 0; i < 8; ++i) bytes[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t GetWord(const std::vector<uint8_t>& bytes, size_t offset) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value |= uint64_t{bytes[offset + i]} << (8 * i);
  return value;
}

// Not all zeros, and different at every offset, so a shifted or zero-filled buffer shows.
std::vector<uint8_t> MakePattern(size_t bytes) {
  std::vector<uint8_t> pattern(bytes, 0);
  for (size_t i = EchoBenchCore::kHeaderBytes; i < bytes; ++i) {
    pattern[i] = static_cast<uint8_t>(i * 131 + 7);
  }
  return pattern;
}

}  // namespace

EchoBenchCore::EchoBenchCore(const CoreContext& context, EchoRole role, NodeId server)
    : self_(context.self), role_(role), server_(std::move(server)) {
  LASHUP_CHECK(role_ == EchoRole::kServer || server_.valid(), "a client needs a server");
}

// Nothing to do yet: a client links when opened (see Open in the header for why not here).
void EchoBenchCore::Start(const Now&, Effects&) {}

Status EchoBenchCore::Open(Effects& out) {
  if (role_ != EchoRole::kClient) return FailedPreconditionError("only a client opens a link");
  out.Connect(server_);
  return Status::Ok();
}

void EchoBenchCore::OnTimer(const Now&, TimerId, Effects&) {
  LASHUP_CHECK(false, "EchoBenchCore sets no timers");
}

void EchoBenchCore::OnConnection(const Now& now, const NodeId& peer, LinkState state,
                                 Effects& out) {
  if (role_ != EchoRole::kClient || peer != server_) return;
  linked_ = state == LinkState::kUp;
  if (!linked_) {
    ++link_downs_;
    return;
  }
  FillWindow(now, out);
}

Status EchoBenchCore::Begin(const EchoRun& run, const Now& now, Effects& out) {
  if (role_ != EchoRole::kClient) return FailedPreconditionError("only a client runs echoes");
  if (run.count == 0 || run.count > kMaxCount) {
    return InvalidArgumentError("echo count must be in [1, " + std::to_string(kMaxCount) + "]");
  }
  if (run.window == 0 || run.window > kMaxWindow) {
    return InvalidArgumentError("echo window must be in [1, " + std::to_string(kMaxWindow) + "]");
  }
  if (run.payload_bytes < kHeaderBytes || run.payload_bytes > kMaxPayloadBytes) {
    return InvalidArgumentError("echo payload must be in [" + std::to_string(kHeaderBytes) + ", " +
                                std::to_string(kMaxPayloadBytes) + "] bytes");
  }
  run_ = run;
  ++run_number_;
  pattern_ = MakePattern(run.payload_bytes);
  sent_ = echoed_ = next_expected_ = 0;
  rtts_.clear();
  echoed_seqs_.assign(run.count, false);
  // Reserve up front so a long run does not reallocate mid-measurement; capped so a huge count
  // grows on demand instead of claiming all its memory at once.
  rtts_.reserve(std::min<uint64_t>(run.count, uint64_t{1} << 20));
  if (linked_) FillWindow(now, out);
  return Status::Ok();
}

void EchoBenchCore::FillWindow(const Now& now, Effects& out) {
  while (linked_ && sent_ < run_.count && sent_ - echoed_ < run_.window) {
    TestData data;
    data.payload = pattern_;
    PutWord(data.payload, kRunOffset, run_number_);
    PutWord(data.payload, kSeqOffset, sent_);
    PutWord(data.payload, kSentAtOffset, static_cast<uint64_t>(ToNanos(now.mono)));
    out.Send(server_, std::move(data));
    ++sent_;
  }
}

void EchoBenchCore::OnMessage(const Now& now, const NodeId& from, const Message& message,
                              Effects& out) {
  const auto* data = std::get_if<TestData>(&message);
  if (data == nullptr) return;
  if (role_ == EchoRole::kServer) {
    ++served_;
    out.Send(from, message);
    return;
  }
  if (from == server_) OnEcho(now, from, *data, out);
}

void EchoBenchCore::OnEcho(const Now& now, const NodeId& from, const TestData& data, Effects& out) {
  if (data.payload.size() != run_.payload_bytes || run_number_ == 0 ||
      GetWord(data.payload, kRunOffset) != run_number_) {
    ++stray_;
    return;
  }
  const uint64_t seq = GetWord(data.payload, kSeqOffset);
  const Duration rtt =
      now.mono - InstantFromNanos(static_cast<int64_t>(GetWord(data.payload, kSentAtOffset)));
  // Never sent, from the future, or a second echo of one message: not a round trip to count.
  if (seq >= sent_ || rtt < Duration(0) || echoed_seqs_[seq]) {
    ++stray_;
    return;
  }
  echoed_seqs_[seq] = true;
  if (!PatternIntact(data.payload)) ++corrupt_;
  if (seq != next_expected_) ++reordered_;
  next_expected_ = std::max(next_expected_, seq + 1);
  ++echoed_;
  rtts_.push_back(rtt);
  out.Emit(RttMeasured{from, rtt});
  FillWindow(now, out);
}

bool EchoBenchCore::PatternIntact(const std::vector<uint8_t>& payload) const {
  return std::equal(payload.begin() + kHeaderBytes, payload.end(), pattern_.begin() + kHeaderBytes);
}

void EchoBenchCore::CheckInvariants() const {
  LASHUP_CHECK(role_ == EchoRole::kClient || sent_ == 0, "a server sent echo requests");
  LASHUP_CHECK(sent_ <= run_.count, "sent more than the run's count");
  LASHUP_CHECK(echoed_ <= sent_, "more echoes than messages sent");
  LASHUP_CHECK(sent_ - echoed_ <= run_.window || run_.count == 0, "window overrun");
  LASHUP_CHECK(rtts_.size() == echoed_, "one round trip per echo");
}

}  // namespace lashup::net

// Fuzz target for the frame decoder: any byte string, fed in pieces whose sizes the input itself
// chooses, must yield frames or clear errors, never a crash, a hang or unbounded memory. A frame
// that decodes must re-encode to bytes that decode to the same envelope.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/check.h"
#include "wire/codec.h"

namespace {

void CheckRoundTrip(const lashup::wire::Envelope& envelope) {
  auto bytes = lashup::wire::EncodeEnvelope(envelope.sender, envelope.message);
  LASHUP_CHECK(bytes.ok(), bytes.status().ToString());
  auto again = lashup::wire::DecodeEnvelope(*bytes);
  LASHUP_CHECK(again.ok(), again.status().ToString());
  LASHUP_CHECK(*again == envelope, "re-encoded envelope differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lashup::wire::CodecLimits limits;
  limits.max_frame_bytes = 1 << 16;
  limits.traversal_limit_words = (1 << 16) / 8 * 4;

  // Whole input as one unframed message.
  auto direct = lashup::wire::DecodeEnvelope(std::span<const uint8_t>(data, size), limits);
  if (direct.ok()) CheckRoundTrip(*direct);

  // Whole input as a stream, cut into chunks of 1..16 bytes chosen by the first byte.
  if (size == 0) return 0;
  const size_t chunk = 1 + (data[0] & 0x0f);
  lashup::wire::FrameDecoder decoder(limits);
  for (size_t offset = 1; offset < size && !decoder.failed(); offset += chunk) {
    const size_t n = offset + chunk <= size ? chunk : size - offset;
    if (!decoder.Feed(std::span<const uint8_t>(data + offset, n)).ok()) break;
    while (true) {
      auto next = decoder.Next();
      if (!next.ok() || !next->has_value()) break;
      CheckRoundTrip(**next);
    }
  }
  return 0;
}

// The wire codec: Message <-> bytes, and framing for a byte stream.
//
// Contract:
// - `EncodeEnvelope` turns (sender, message) into one Cap'n Proto message in flat-array form, and
//   `EncodeFrame` prefixes it with its length (4 bytes, little-endian). Encoding fails only when
//   the result would exceed the frame limit.
// - `DecodeEnvelope` and `FrameDecoder` never trust their input: the frame length is checked
//   before anything is buffered beyond it, Cap'n Proto reads under traversal and nesting limits,
//   every text is validated (node ids, sizes), and every failure is a Status, never a crash or an
//   exception. A FrameDecoder that reported an error stays failed (the stream is out of sync and
//   its connection must be dropped), except for kUnimplemented: a well-formed frame of a message
//   kind this node does not know (from a newer peer) is skipped and the stream goes on.
// Not thread-safe; a FrameDecoder belongs to one connection.
#ifndef LASHUP_WIRE_CODEC_H_
#define LASHUP_WIRE_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/message.h"
#include "lashup/status.h"
#include "lashup/types.h"

namespace lashup::wire {

inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr size_t kFrameHeaderBytes = 4;

struct CodecLimits {
  // Largest frame payload accepted or produced. Large enough for a full-state KV sync batch,
  // small enough that a hostile length cannot make a node allocate much.
  size_t max_frame_bytes = 4 << 20;
  // Cap'n Proto traversal limit, in 8-byte words, per message: bounds the work a message with
  // aliased pointers ("amplification") can cause. Four times the frame size.
  uint64_t traversal_limit_words = (4u << 20) / 8 * 4;
  // Maximum pointer nesting; our schema needs 4.
  int nesting_limit = 16;
};

struct Envelope {
  uint16_t version = kProtocolVersion;
  NodeId sender;
  Message message;
  friend bool operator==(const Envelope&, const Envelope&) = default;
};

// One Cap'n Proto message (segment table + segments), without the frame header.
Result<std::vector<uint8_t>> EncodeEnvelope(const NodeId& sender, const Message& message,
                                            const CodecLimits& limits = {});

// Header + payload, ready to write to a stream.
Result<std::vector<uint8_t>> EncodeFrame(const NodeId& sender, const Message& message,
                                         const CodecLimits& limits = {});

Result<Envelope> DecodeEnvelope(std::span<const uint8_t> bytes, const CodecLimits& limits = {});

// A frame of length zero: a keepalive. Decoders skip it (and count it).
std::vector<uint8_t> KeepaliveFrame();

// Header + the given payload (which the caller encoded, for example a handshake).
std::vector<uint8_t> FramePayload(std::span<const uint8_t> payload);

// Reassembles frames from a byte stream delivered in arbitrary pieces. Empty frames are
// keepalives: skipped, counted, never returned.
class FrameDecoder {
 public:
  explicit FrameDecoder(CodecLimits limits = {}) : limits_(limits) {}

  // Appends received bytes. Fails (and stays failed) if the next frame's header announces a frame
  // beyond the limit; later headers are checked by Next / NextPayload as they come up. Either
  // way nothing beyond the header of an oversized frame is ever waited for.
  Status Feed(std::span<const uint8_t> bytes);

  // The next complete frame, nullopt when more bytes are needed, or an error (sticky).
  Result<std::optional<Envelope>> Next();

  // The next complete frame's payload, undecoded (for frames that are not envelopes, such as
  // the transport handshake). The span stays valid until the next Feed.
  Result<std::optional<std::span<const uint8_t>>> NextPayload();

  // Poisons the decoder: the caller found the stream's content unacceptable.
  void Fail(Status status);

  // The payload size the next buffered frame header announces, once its 4 bytes are in.
  std::optional<uint32_t> next_frame_bytes() const;

  bool failed() const { return !error_.ok(); }
  const Status& error() const { return error_; }
  uint64_t keepalives() const { return keepalives_; }
  size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  Status CheckHeader();

  CodecLimits limits_;
  std::vector<uint8_t> buffer_;
  size_t consumed_ = 0;
  uint64_t keepalives_ = 0;
  Status error_;
};

}  // namespace lashup::wire

#endif  // LASHUP_WIRE_CODEC_H_

// The transport handshake: who is at the other end of a connection, and whether the acceptor
// takes the connection.
//
// After TCP (and TLS) setup, the dialer sends one Hello frame and the acceptor answers with one
// HelloReply frame; envelopes follow. The transport checks that the node id claimed here matches
// the peer's certificate. `incarnation` is random per driver start, so a restarted peer is told
// apart from a reconnecting one; `link_id` / `last_link_id` let the acceptor tell a peer that gave
// up on a link from one racing to open it (docs/transport.md). Decoding never trusts its input.
#ifndef LASHUP_WIRE_HANDSHAKE_H_
#define LASHUP_WIRE_HANDSHAKE_H_

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "lashup/status.h"
#include "lashup/types.h"
#include "wire/codec.h"

namespace lashup::wire {

struct Hello {
  NodeId node;
  uint64_t incarnation = 0;
  bool long_lived = true;
  uint64_t link_id = 0;
  uint64_t last_link_id = 0;
  friend bool operator==(const Hello&, const Hello&) = default;
};

enum class Verdict : uint8_t { kAccept = 0, kDuplicate = 1, kRefused = 2 };

struct HelloReply {
  NodeId node;
  uint64_t incarnation = 0;
  Verdict verdict = Verdict::kAccept;
  std::string reason;  // why, when refused; at most kMaxReasonBytes
  friend bool operator==(const HelloReply&, const HelloReply&) = default;
};

inline constexpr size_t kMaxReasonBytes = 256;
// A handshake frame is a few hundred bytes at most; a stranger announcing more is refused before
// anything beyond the header is buffered.
inline constexpr size_t kMaxHandshakeFrameBytes = 1024;

using Handshake = std::variant<Hello, HelloReply>;

// Header + payload. A reason longer than kMaxReasonBytes is cut.
std::vector<uint8_t> EncodeHandshakeFrame(const Handshake& handshake);

// Decodes one frame payload (without the header). A frame of an unsupported version fails with
// kFailedPrecondition; anything malformed with kInvalidArgument.
Result<Handshake> DecodeHandshake(std::span<const uint8_t> payload, const CodecLimits& limits = {});

}  // namespace lashup::wire

#endif  // LASHUP_WIRE_HANDSHAKE_H_

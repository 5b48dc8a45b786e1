#include "wire/codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <string>

#include "wire/flat_reader.h"
#include "wire/lashup.capnp.h"
#include "wire/message_codec.h"

namespace lashup::wire {
namespace {

Status TooLarge(size_t bytes, size_t limit) { return internal::FrameTooLarge(bytes, limit); }

uint32_t ReadLength(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

Result<Envelope> ReadEnvelope(capnp::FlatArrayMessageReader& reader) {
  auto root = reader.getRoot<schema::Envelope>();
  Envelope out;
  out.version = root.getVersion();
  if (out.version != kProtocolVersion) {
    return FailedPreconditionError("unsupported protocol version " + std::to_string(out.version) +
                                   " (this node speaks " + std::to_string(kProtocolVersion) + ")");
  }
  auto sender = root.getSender();
  Result<NodeId> id = NodeId::Parse(std::string_view(sender.begin(), sender.size()));
  if (!id.ok()) return id.status().WithContext("envelope sender");
  out.sender = std::move(id).value();
  LASHUP_ASSIGN_OR_RETURN(out.message, internal::ReadBody(root.getBody()));
  return out;
}

}  // namespace

Result<std::vector<uint8_t>> EncodeEnvelope(const NodeId& sender, const Message& message,
                                            const CodecLimits& limits) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::Envelope>();
  root.setVersion(kProtocolVersion);
  root.setSender(capnp::Text::Reader(sender.str().data(), sender.str().size()));
  internal::WriteBody(message, root.initBody());
  kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  const auto bytes = words.asBytes();
  if (bytes.size() > limits.max_frame_bytes) return TooLarge(bytes.size(), limits.max_frame_bytes);
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

Result<std::vector<uint8_t>> EncodeFrame(const NodeId& sender, const Message& message,
                                         const CodecLimits& limits) {
  LASHUP_ASSIGN_OR_RETURN(std::vector<uint8_t> payload, EncodeEnvelope(sender, message, limits));
  return FramePayload(payload);
}

Result<Envelope> DecodeEnvelope(std::span<const uint8_t> bytes, const CodecLimits& limits) {
  return internal::ReadFlat<Envelope>(
      bytes, limits, [](capnp::FlatArrayMessageReader& reader) { return ReadEnvelope(reader); });
}

Status FrameDecoder::CheckHeader() {
  if (buffered_bytes() < kFrameHeaderBytes) return Status::Ok();
  const uint32_t length = ReadLength(buffer_.data() + consumed_);
  if (length > limits_.max_frame_bytes) return TooLarge(length, limits_.max_frame_bytes);
  return Status::Ok();
}

Status FrameDecoder::Feed(std::span<const uint8_t> bytes) {
  if (failed()) return error_;
  // Compact before growing so a long-lived connection does not keep consumed bytes around.
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ > (64 << 10) && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  // A driver drains Next() after each Feed, so one frame plus one read is all that can pile up;
  // more means the caller is not draining, and memory must not grow without bound.
  if (buffered_bytes() + bytes.size() > 2 * (limits_.max_frame_bytes + kFrameHeaderBytes)) {
    error_ = ResourceExhaustedError("frame decoder buffer full: drain Next() between Feed() calls");
    return error_;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  // A hostile length is refused as soon as its header is complete.
  error_ = CheckHeader();
  return error_;
}

Result<std::optional<std::span<const uint8_t>>> FrameDecoder::NextPayload() {
  using Payload = std::optional<std::span<const uint8_t>>;
  while (true) {
    if (failed()) return error_;
    error_ = CheckHeader();
    if (failed()) return error_;
    if (buffered_bytes() < kFrameHeaderBytes) return Payload();
    const uint32_t length = ReadLength(buffer_.data() + consumed_);
    if (buffered_bytes() < kFrameHeaderBytes + length) return Payload();
    std::span<const uint8_t> payload(buffer_.data() + consumed_ + kFrameHeaderBytes, length);
    consumed_ += kFrameHeaderBytes + length;
    // An empty frame is a keepalive: it proves the peer is alive and carries nothing.
    if (length == 0) {
      ++keepalives_;
      continue;
    }
    return Payload(payload);
  }
}

Result<std::optional<Envelope>> FrameDecoder::Next() {
  LASHUP_ASSIGN_OR_RETURN(std::optional<std::span<const uint8_t>> payload, NextPayload());
  if (!payload) return std::optional<Envelope>();
  Result<Envelope> envelope = DecodeEnvelope(*payload, limits_);
  if (!envelope.ok()) {
    // A frame that is well delimited but undecodable leaves the stream in sync only if its kind
    // is merely unknown (a newer peer); anything else means a broken or hostile peer.
    if (envelope.status().code() != StatusCode::kUnimplemented) error_ = envelope.status();
    return envelope.status();
  }
  return std::optional<Envelope>(std::move(envelope).value());
}

std::optional<uint32_t> FrameDecoder::next_frame_bytes() const {
  if (buffered_bytes() < kFrameHeaderBytes) return std::nullopt;
  return ReadLength(buffer_.data() + consumed_);
}

void FrameDecoder::Fail(Status status) {
  if (!status.ok() && error_.ok()) error_ = std::move(status);
}

std::vector<uint8_t> KeepaliveFrame() { return std::vector<uint8_t>(kFrameHeaderBytes, 0); }

std::vector<uint8_t> FramePayload(std::span<const uint8_t> payload) {
  std::vector<uint8_t> frame(kFrameHeaderBytes + payload.size());
  const auto n = static_cast<uint32_t>(payload.size());
  for (size_t i = 0; i < kFrameHeaderBytes; ++i) frame[i] = static_cast<uint8_t>(n >> (8 * i));
  if (!payload.empty())
    std::memcpy(frame.data() + kFrameHeaderBytes, payload.data(), payload.size());
  return frame;
}

}  // namespace lashup::wire

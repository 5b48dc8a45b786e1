#include "wire/codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <string>

#include "wire/lashup.capnp.h"
#include "wire/message_codec.h"

namespace lashup::wire {
namespace {

Status TooLarge(size_t bytes, size_t limit) {
  return ResourceExhaustedError("frame of " + std::to_string(bytes) + " bytes exceeds the limit of " +
                                std::to_string(limit));
}

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

// Decodes word-aligned bytes; Cap'n Proto reports malformed input by throwing, which stops here.
Result<Envelope> DecodeAligned(kj::ArrayPtr<const capnp::word> words, const CodecLimits& limits) {
  try {
    capnp::ReaderOptions options;
    options.traversalLimitInWords = limits.traversal_limit_words;
    options.nestingLimit = limits.nesting_limit;
    capnp::FlatArrayMessageReader reader(words, options);
    if (reader.getEnd() != words.end()) {
      return InvalidArgumentError("frame has " +
                                  std::to_string((words.end() - reader.getEnd()) * 8) +
                                  " trailing bytes after the message");
    }
    return ReadEnvelope(reader);
  } catch (const kj::Exception& e) {
    return InvalidArgumentError("malformed message: " + std::string(e.getDescription().cStr()));
  }
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
  std::vector<uint8_t> frame(kFrameHeaderBytes + payload.size());
  const auto n = static_cast<uint32_t>(payload.size());
  for (size_t i = 0; i < kFrameHeaderBytes; ++i) frame[i] = static_cast<uint8_t>(n >> (8 * i));
  std::memcpy(frame.data() + kFrameHeaderBytes, payload.data(), payload.size());
  return frame;
}

Result<Envelope> DecodeEnvelope(std::span<const uint8_t> bytes, const CodecLimits& limits) {
  if (bytes.size() > limits.max_frame_bytes) return TooLarge(bytes.size(), limits.max_frame_bytes);
  if (bytes.empty()) return InvalidArgumentError("empty message");
  if (bytes.size() % sizeof(capnp::word) != 0) {
    return InvalidArgumentError("message of " + std::to_string(bytes.size()) +
                                " bytes is not a whole number of 8-byte words");
  }
  // Cap'n Proto reads words in place; copy unless the caller's bytes are already aligned.
  const size_t n_words = bytes.size() / sizeof(capnp::word);
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
    return DecodeAligned(
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(bytes.data()), n_words), limits);
  }
  kj::Array<capnp::word> aligned = kj::heapArray<capnp::word>(n_words);
  std::memcpy(aligned.begin(), bytes.data(), bytes.size());
  return DecodeAligned(kj::ArrayPtr<const capnp::word>(aligned.begin(), aligned.size()), limits);
}

Status FrameDecoder::CheckHeader() {
  if (buffered_bytes() < kFrameHeaderBytes) return Status::Ok();
  const uint32_t length = ReadLength(buffer_.data() + consumed_);
  if (length > limits_.max_frame_bytes) return TooLarge(length, limits_.max_frame_bytes);
  if (length == 0) return InvalidArgumentError("frame header announces an empty frame");
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

Result<std::optional<Envelope>> FrameDecoder::Next() {
  if (failed()) return error_;
  error_ = CheckHeader();
  if (failed()) return error_;
  if (buffered_bytes() < kFrameHeaderBytes) return std::optional<Envelope>();
  const uint32_t length = ReadLength(buffer_.data() + consumed_);
  if (buffered_bytes() < kFrameHeaderBytes + length) return std::optional<Envelope>();
  std::span<const uint8_t> payload(buffer_.data() + consumed_ + kFrameHeaderBytes, length);
  consumed_ += kFrameHeaderBytes + length;
  Result<Envelope> envelope = DecodeEnvelope(payload, limits_);
  if (!envelope.ok()) {
    // A frame that is well delimited but undecodable leaves the stream in sync only if its kind
    // is merely unknown (a newer peer); anything else means a broken or hostile peer.
    if (envelope.status().code() != StatusCode::kUnimplemented) error_ = envelope.status();
    return envelope.status();
  }
  return std::optional<Envelope>(std::move(envelope).value());
}

}  // namespace lashup::wire

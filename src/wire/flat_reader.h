// ReadFlat: runs a reader function over one Cap'n Proto flat-array message under the codec's
// limits, turning every size check and every Cap'n Proto exception into a Status. Private to
// src/wire (it exposes Cap'n Proto types).
#ifndef LASHUP_WIRE_FLAT_READER_H_
#define LASHUP_WIRE_FLAT_READER_H_

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "lashup/status.h"
#include "wire/codec.h"

namespace lashup::wire::internal {

inline Status FrameTooLarge(size_t bytes, size_t limit) {
  return ResourceExhaustedError("frame of " + std::to_string(bytes) +
                                " bytes exceeds the limit of " + std::to_string(limit));
}

// `read(capnp::FlatArrayMessageReader&)` returns a Result<T>.
template <typename T, typename ReadFn>
Result<T> ReadFlatAligned(kj::ArrayPtr<const capnp::word> words, const CodecLimits& limits,
                          ReadFn&& read) {
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
    return read(reader);
  } catch (const kj::Exception& e) {
    return InvalidArgumentError("malformed message: " + std::string(e.getDescription().cStr()));
  }
}

template <typename T, typename ReadFn>
Result<T> ReadFlat(std::span<const uint8_t> bytes, const CodecLimits& limits, ReadFn&& read) {
  if (bytes.size() > limits.max_frame_bytes) {
    return FrameTooLarge(bytes.size(), limits.max_frame_bytes);
  }
  if (bytes.empty()) return InvalidArgumentError("empty message");
  if (bytes.size() % sizeof(capnp::word) != 0) {
    return InvalidArgumentError("message of " + std::to_string(bytes.size()) +
                                " bytes is not a whole number of 8-byte words");
  }
  // Cap'n Proto reads words in place; copy unless the caller's bytes are already aligned.
  const size_t n_words = bytes.size() / sizeof(capnp::word);
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
    return ReadFlatAligned<T>(
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(bytes.data()), n_words), limits, read);
  }
  kj::Array<capnp::word> aligned = kj::heapArray<capnp::word>(n_words);
  std::memcpy(aligned.begin(), bytes.data(), bytes.size());
  return ReadFlatAligned<T>(kj::ArrayPtr<const capnp::word>(aligned.begin(), aligned.size()),
                            limits, read);
}

}  // namespace lashup::wire::internal

#endif  // LASHUP_WIRE_FLAT_READER_H_

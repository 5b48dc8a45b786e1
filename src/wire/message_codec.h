// Per-message mapping between the core's structs and the schema's union branches. Internal to
// src/wire: only codec.cc includes it.
#ifndef LASHUP_WIRE_MESSAGE_CODEC_H_
#define LASHUP_WIRE_MESSAGE_CODEC_H_

#include "core/message.h"
#include "lashup/status.h"
#include "wire/lashup.capnp.h"

namespace lashup::wire::internal {

void WriteBody(const Message& message, schema::Envelope::Body::Builder body);

// Fails on an unknown branch (kUnimplemented) or invalid content (kInvalidArgument).
Result<Message> ReadBody(schema::Envelope::Body::Reader body);

}  // namespace lashup::wire::internal

#endif  // LASHUP_WIRE_MESSAGE_CODEC_H_

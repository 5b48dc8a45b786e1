// Core: the shape every protocol state machine has, and what a driver needs to run one.
//
// A core is deterministic: given the same construction context and the same sequence of calls
// (with the same `Now`), it produces the same effects. It reads no clock, opens no socket or
// file, starts no thread and draws randomness only from the Rng in its context. Drivers call it
// from one thread at a time. See DESIGN.md section 3.
#ifndef LASHUP_CORE_CORE_H_
#define LASHUP_CORE_CORE_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "core/effects.h"
#include "core/message.h"
#include "core/persistence.h"
#include "core/timer_id.h"
#include "lashup/types.h"

namespace lashup {

enum class LinkState : uint8_t { kDown = 0, kUp = 1 };

class Core {
 public:
  virtual ~Core() = default;

  virtual void Start(const Now& now, Effects& out) = 0;
  virtual void OnMessage(const Now& now, const NodeId& from, const Message& message,
                         Effects& out) = 0;
  virtual void OnTimer(const Now& now, TimerId timer, Effects& out) = 0;
  // A long-lived connection to `peer` came up or went down (a failed connect also reports down).
  virtual void OnConnection(const Now& now, const NodeId& peer, LinkState state,
                            Effects& out) = 0;
  // Aborts (LASHUP_CHECK) if an internal invariant is broken; drivers call it after every step
  // in debug and simulation builds.
  virtual void CheckInvariants() const {}
};

// What a driver hands a core when it builds one (at first start and at every restart).
struct CoreContext {
  NodeId self;
  uint64_t seed = 0;  // seeds the core's Rng
  // What survived in storage. Drivers always set it (an empty store for a new node).
  const StorageReader* recovered = nullptr;
};

using CoreFactory = std::function<std::unique_ptr<Core>(const CoreContext&)>;

}  // namespace lashup

#endif  // LASHUP_CORE_CORE_H_

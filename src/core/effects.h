// Effects: everything a protocol core wants done, collected during one step.
//
// A core never performs I/O; each handler appends requests here and returns. The driver (the
// simulator or the Asio driver) then applies them in a fixed order:
//   1. persistence, synced when asked, so later sends never announce unsynced state;
//   2. connection changes and sends, in the order the core issued them;
//   3. timer changes, in order (a later SetTimer of the same id replaces an earlier one);
//   4. events to the application.
// Coverage probes (Probe) are not applied: they only name a rare path the step took. The
// simulator counts them (SimStats::probes) so chaos runs can report which paths they hit; the
// Asio driver ignores them.
// One Effects object is reused across steps (Clear keeps capacity) to keep the loop
// allocation-light. Not thread-safe; owned by the driver's loop.
#ifndef LASHUP_CORE_EFFECTS_H_
#define LASHUP_CORE_EFFECTS_H_

#include <utility>
#include <vector>

#include "core/event.h"
#include "core/message.h"
#include "core/persistence.h"
#include "core/timer_id.h"
#include "lashup/types.h"

namespace lashup {

enum class SendMode : uint8_t {
  // Deliver over the existing connection; if there is none, the driver drops the message and
  // counts it (the core learns about links only from connection notices).
  kIfConnected = 0,
  // Open a short-lived connection if needed, then deliver (joins, probes of non-neighbours).
  kConnectFirst = 1,
};

struct NetOp {
  enum class Kind : uint8_t { kSend, kConnect, kDisconnect };
  Kind kind = Kind::kSend;
  SendMode mode = SendMode::kIfConnected;
  NodeId peer;
  Message message;  // only for kSend
};

struct TimerOp {
  bool cancel = false;
  TimerId id;
  Instant at;  // only when !cancel
};

struct PersistOp {
  WriteBatch batch;
  Durability durability = Durability::kBuffered;
};

class Effects {
 public:
  void Send(const NodeId& to, Message message, SendMode mode = SendMode::kIfConnected) {
    net_.push_back({NetOp::Kind::kSend, mode, to, std::move(message)});
  }
  // Ask for a long-lived connection to `peer`; the driver keeps reconnecting (with backoff) until
  // Disconnect, and reports each up/down through the core's OnConnection. A failed first attempt
  // reports down once; silent retries follow. The end that calls Disconnect gets no notice (it
  // knows); the other end gets down and, if it still wants the link, reconnects.
  void Connect(const NodeId& peer) { net_.push_back({NetOp::Kind::kConnect, {}, peer, {}}); }
  void Disconnect(const NodeId& peer) { net_.push_back({NetOp::Kind::kDisconnect, {}, peer, {}}); }

  void SetTimer(TimerId id, Instant at) { timers_.push_back({false, id, at}); }
  void CancelTimer(TimerId id) { timers_.push_back({true, id, {}}); }

  void Persist(WriteBatch batch, Durability durability) {
    if (!batch.empty()) persist_.push_back({std::move(batch), durability});
  }

  // Built in place: any Event alternative, or an Event. (Moving an Event temporary into the
  // vector trips a g++ 12 maybe-uninitialized false positive now that alternatives hold vectors.)
  template <typename E>
  void Emit(E&& event) {
    events_.emplace_back(std::forward<E>(event));
  }

  // Marks that this step took a rare protocol path. `name` must be one of the constants in
  // core/coverage_probes.h (a string literal with static storage): only the pointer is kept.
  // A probe is an effect like the others, so cores stay free of global counters.
  void Probe(const char* name) { probes_.push_back(name); }

  const std::vector<PersistOp>& persists() const { return persist_; }
  const std::vector<NetOp>& net() const { return net_; }
  std::vector<NetOp>& mutable_net() { return net_; }
  const std::vector<TimerOp>& timers() const { return timers_; }
  const std::vector<Event>& events() const { return events_; }
  // For a composing core that consumes some of its components' events itself.
  std::vector<Event>& mutable_events() { return events_; }
  // In the order the core marked them; a path taken twice in one step appears twice.
  const std::vector<const char*>& probes() const { return probes_; }

  bool empty() const {
    return persist_.empty() && net_.empty() && timers_.empty() && events_.empty() &&
           probes_.empty();
  }
  void Clear() {
    persist_.clear();
    net_.clear();
    timers_.clear();
    events_.clear();
    probes_.clear();
  }

 private:
  std::vector<PersistOp> persist_;
  std::vector<NetOp> net_;
  std::vector<TimerOp> timers_;
  std::vector<Event> events_;
  std::vector<const char*> probes_;
};

}  // namespace lashup

#endif  // LASHUP_CORE_EFFECTS_H_

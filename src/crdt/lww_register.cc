#include "lashup/crdt/lww_register.h"

#include "crdt/mutators.h"

namespace lashup::crdt {

Result<LwwRegister> LwwRegister::FromParts(RegisterStore store, CausalContext context) {
  LASHUP_RETURN_IF_ERROR(internal::ValidateState(store, context));
  return LwwRegister(std::move(store), std::move(context));
}

LwwRegister LwwRegister::Assign(ActorId actor, std::string value, int64_t timestamp) {
  LwwRegister delta;
  internal::AssignRegister(store_, context_, actor, RegisterEntry{timestamp, std::move(value)},
                           delta.store_, delta.context_);
  return delta;
}

Result<LwwRegister> LwwRegister::AssignNow(ActorId actor, std::string value, HybridClock& clock,
                                           WallTime now) {
  const int64_t timestamp = clock.Next(now, internal::TimestampToWin(store_));
  LwwRegister delta = Assign(actor, std::move(value), timestamp);
  if (delta.IsBottom()) {
    return OutOfRangeError("the register holds timestamp INT64_MAX; no newer assignment can win");
  }
  return delta;
}

std::optional<RegisterValue> LwwRegister::value() const {
  const RegisterEntry* winner = internal::RegisterWinner(store_);
  if (winner == nullptr) return std::nullopt;
  return RegisterValue{winner->value, winner->timestamp};
}

}  // namespace lashup::crdt

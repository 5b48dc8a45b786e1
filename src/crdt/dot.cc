#include "lashup/crdt/dot.h"

#include <cstdio>

namespace lashup::crdt {

std::string ActorId::ToString() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value_));
  return buf;
}

std::ostream& operator<<(std::ostream& os, ActorId actor) { return os << actor.ToString(); }

std::ostream& operator<<(std::ostream& os, const Dot& dot) {
  return os << dot.actor << ':' << dot.counter;
}

}  // namespace lashup::crdt

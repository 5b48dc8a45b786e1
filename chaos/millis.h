// Durations as whole or fractional milliseconds, the unit every chaos figure is reported in.
#ifndef LASHUP_CHAOS_MILLIS_H_
#define LASHUP_CHAOS_MILLIS_H_

#include <chrono>

#include "lashup/types.h"

namespace lashup::chaos {

inline int64_t ToMillis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}
inline double ToMillisF(Duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_MILLIS_H_

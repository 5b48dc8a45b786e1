// RttEstimator: a link's smoothed round trip and its variation, estimated as TCP does
// (RFC 6298: the first sample sets srtt and half of it as rttvar; later ones move srtt by 1/8
// and rttvar by 1/4 of the error). Used by the failure detector's probe timeouts and by
// multicast's per-hop resends. A plain value; no clock of its own.
#ifndef LASHUP_CORE_RTT_ESTIMATOR_H_
#define LASHUP_CORE_RTT_ESTIMATOR_H_

#include <optional>

#include "lashup/types.h"

namespace lashup {

struct RttEstimator {
  std::optional<Duration> srtt;  // none until the first sample
  Duration rttvar{0};

  void Sample(Duration sample) {
    if (!srtt) {
      srtt = sample;
      rttvar = sample / 2;
      return;
    }
    const Duration error = sample > *srtt ? sample - *srtt : *srtt - sample;
    rttvar = (3 * rttvar + error) / 4;
    *srtt = (7 * *srtt + sample) / 8;
  }
  // srtt + 4 * rttvar, the classic retransmission bound; none before the first sample.
  std::optional<Duration> Bound() const {
    if (!srtt) return std::nullopt;
    return *srtt + 4 * rttvar;
  }
};

}  // namespace lashup

#endif  // LASHUP_CORE_RTT_ESTIMATOR_H_

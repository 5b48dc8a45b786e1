#include "net/transport_stats.h"

namespace lashup::net {

TransportCounters TransportStats::Snapshot() const {
  TransportCounters out;
#define LASHUP_X(name) out.name = name.load(std::memory_order_relaxed);
  LASHUP_TRANSPORT_COUNTERS(LASHUP_X)
#undef LASHUP_X
  return out;
}

std::string TransportCounters::ToJson() const {
  std::string json = "{";
#define LASHUP_X(name) \
  json += std::string(json.size() > 1 ? "," : "") + "\"" #name "\":" + std::to_string(name);
  LASHUP_TRANSPORT_COUNTERS(LASHUP_X)
#undef LASHUP_X
  return json + "}";
}

}  // namespace lashup::net

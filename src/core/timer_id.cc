#include "core/timer_id.h"

namespace lashup {

std::string_view ComponentName(Component component) {
  switch (component) {
    case Component::kTest: return "test";
    case Component::kHyParView: return "hyparview";
    case Component::kFailureDetector: return "failure_detector";
    case Component::kMembership: return "membership";
    case Component::kRouting: return "routing";
    case Component::kMulticast: return "multicast";
    case Component::kKv: return "kv";
    case Component::kAntiEntropy: return "anti_entropy";
    case Component::kNode: return "node";
  }
  return "unknown";
}

}  // namespace lashup

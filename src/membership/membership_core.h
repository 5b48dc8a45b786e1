// MembershipCore: the membership protocols of one node as a Core (src/core/core.h), for the
// simulator and, composed into the node core, for real nodes.
//
// Contract: deterministic and sans-IO like every core. It routes HyParView's messages, timers and
// link notices to the HyParView component; the failure detector and the global membership table
// join it as they land (issue 5). Thread-compatible: one driver thread calls it.
#ifndef LASHUP_MEMBERSHIP_MEMBERSHIP_CORE_H_
#define LASHUP_MEMBERSHIP_MEMBERSHIP_CORE_H_

#include <vector>

#include "core/core.h"
#include "membership/hyparview.h"

namespace lashup::membership {

struct MembershipConfig {
  std::vector<NodeId> contacts;
  HyParViewConfig hyparview;
};

class MembershipCore final : public Core {
 public:
  MembershipCore(const CoreContext& context, MembershipConfig config);

  void Start(const Now& now, Effects& out) override;
  void OnMessage(const Now& now, const NodeId& from, const Message& message,
                 Effects& out) override;
  void OnTimer(const Now& now, TimerId timer, Effects& out) override;
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out) override;
  void CheckInvariants() const override;

  const HyParView& hyparview() const { return hyparview_; }
  HyParView& mutable_hyparview() { return hyparview_; }

 private:
  MembershipConfig config_;
  HyParView hyparview_;
};

// A factory for SimWorld::AddNode and the drivers.
CoreFactory MembershipCoreFactory(MembershipConfig config);

}  // namespace lashup::membership

#endif  // LASHUP_MEMBERSHIP_MEMBERSHIP_CORE_H_

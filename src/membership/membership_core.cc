#include "membership/membership_core.h"

#include <memory>
#include <utility>

namespace lashup::membership {

MembershipCore::MembershipCore(const CoreContext& context, MembershipConfig config)
    : config_(std::move(config)),
      hyparview_(context.self, config_.hyparview, Rng(context.seed).Fork(1)) {}

void MembershipCore::Start(const Now& now, Effects& out) {
  hyparview_.Start(now, config_.contacts, {}, out);
}

void MembershipCore::OnMessage(const Now& now, const NodeId& from, const Message& message,
                               Effects& out) {
  hyparview_.OnMessage(now, from, message, out);
}

void MembershipCore::OnTimer(const Now& now, TimerId timer, Effects& out) {
  if (timer.component == Component::kHyParView) hyparview_.OnTimer(now, timer, out);
}

void MembershipCore::OnConnection(const Now& now, const NodeId& peer, LinkState state,
                                  Effects& out) {
  hyparview_.OnConnection(now, peer, state, out);
}

void MembershipCore::CheckInvariants() const { hyparview_.CheckInvariants(); }

CoreFactory MembershipCoreFactory(MembershipConfig config) {
  return [config = std::move(config)](const CoreContext& context) -> std::unique_ptr<Core> {
    return std::make_unique<MembershipCore>(context, config);
  };
}

}  // namespace lashup::membership

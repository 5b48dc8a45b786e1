// Coverage probes: named markers on rare protocol paths (FoundationDB's CODE_PROBE is the model).
//
// A core that takes one of these paths calls `out.Probe(kProbeXxx)` (core/effects.h). A probe is
// an effect: it changes nothing and costs a pointer push. The simulator counts every probe into
// SimStats::probes, so a chaos run can report which rare paths it exercised and, with
// AllProbes(), which it never reached. The Asio driver ignores them.
//
// Names are "component.snake_case" and unique (coverage_probes_test.cc checks both). Every
// constant here must also be listed, with a one-line description of the path, in AllProbes()
// (coverage_probes.cc); this file is the list. A probe marks a path, not an error: most fire only
// under faults, some only with non-default configuration. See docs/simulator.md.
#ifndef LASHUP_CORE_COVERAGE_PROBES_H_
#define LASHUP_CORE_COVERAGE_PROBES_H_

#include <span>

namespace lashup {

// ---- HyParView (src/membership/hyparview.cc) ----------------------------------------------
inline constexpr char kProbeHvJoinThrottled[] = "hyparview.join_throttled";
inline constexpr char kProbeHvForwardJoinEnded[] = "hyparview.forward_join_ended";
inline constexpr char kProbeHvNeighborRefused[] = "hyparview.neighbor_refused";
inline constexpr char kProbeHvPassivePromoted[] = "hyparview.passive_promoted";
inline constexpr char kProbeHvNeighborTimeout[] = "hyparview.neighbor_timeout";
inline constexpr char kProbeHvActiveEvicted[] = "hyparview.active_evicted";
inline constexpr char kProbeHvShuffleReplyMerged[] = "hyparview.shuffle_reply_merged";

// ---- Failure detector (src/membership/failure_detector.cc) --------------------------------
inline constexpr char kProbeFdSuspectSaved[] = "failure_detector.suspect_saved";
inline constexpr char kProbeFdSuspectConfirmedDead[] = "failure_detector.suspect_confirmed_dead";
inline constexpr char kProbeFdTimeoutStretched[] = "failure_detector.timeout_stretched";
inline constexpr char kProbeFdLinkBroken[] = "failure_detector.link_broken";

// ---- Membership core (src/membership/membership_core.cc) ----------------------------------
inline constexpr char kProbeMembershipDepartitionProbe[] = "membership.departition_probe";
inline constexpr char kProbeMembershipVerifyLostLink[] = "membership.verify_lost_link";

// ---- Global membership (src/membership/global_membership.cc) -------------------------------
inline constexpr char kProbeGmRestartSeen[] = "global_membership.restart_seen";
inline constexpr char kProbeGmSelfOutdated[] = "global_membership.self_outdated";
inline constexpr char kProbeGmMemberForgotten[] = "global_membership.member_forgotten";

// ---- Multicast (src/routing/multicast.cc) -------------------------------------------------
inline constexpr char kProbeMcExtraTree[] = "multicast.extra_tree";
inline constexpr char kProbeMcDuplicateDropped[] = "multicast.duplicate_dropped";
inline constexpr char kProbeMcStaleDropped[] = "multicast.stale_dropped";
inline constexpr char kProbeMcOriginRefused[] = "multicast.origin_refused";
inline constexpr char kProbeMcTtlExpired[] = "multicast.ttl_expired";
inline constexpr char kProbeMcOffTreeFlood[] = "multicast.off_tree_flood";
inline constexpr char kProbeMcResentOnGraphChange[] = "multicast.resent_on_graph_change";
inline constexpr char kProbeMcCopyGivenUp[] = "multicast.copy_given_up";

// ---- KV store (src/kv/kv_core.cc, src/kv/kv_store.cc) -------------------------------------
inline constexpr char kProbeKvDeltaGap[] = "kv.delta_gap";
inline constexpr char kProbeKvDeltaAlreadyKnown[] = "kv.delta_already_known";
inline constexpr char kProbeKvUpdateIfConflict[] = "kv.update_if_conflict";
inline constexpr char kProbeKvActorReplaced[] = "kv.actor_replaced";

// ---- Anti-entropy (src/kv/anti_entropy.cc) ------------------------------------------------
inline constexpr char kProbeAeKeyRepaired[] = "anti_entropy.key_repaired";
inline constexpr char kProbeAeRoundTruncated[] = "anti_entropy.round_truncated";

struct ProbeInfo {
  const char* name;         // one of the constants above (the same pointer)
  const char* description;  // the rare path, in one line
};

// Every probe, in the order above.
std::span<const ProbeInfo> AllProbes();

}  // namespace lashup

#endif  // LASHUP_CORE_COVERAGE_PROBES_H_

#include "chaos/nemesis.h"

#include <algorithm>
#include <memory>
#include <sstream>

#include "chaos/millis.h"
#include "chaos/node_names.h"

namespace lashup::chaos {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::vector<std::string> kNetworkLane = {"partition", "oneway", "loss", "latency", "close"};
const std::vector<std::string> kNodeLane = {"kill", "pause", "churn"};
const std::vector<std::string> kClockLane = {"skew"};

bool Capable(const std::string& kind, const Capabilities& caps) {
  if (kind == "loss") return caps.loss;
  if (kind == "skew") return caps.clock_skew;
  if (kind == "close") return caps.close_connections;
  return true;
}

std::vector<NodeId> Take(std::vector<NodeId> nodes, size_t k, Rng& rng) {
  rng.Shuffle(nodes);
  nodes.resize(std::min(k, nodes.size()));
  std::sort(nodes.begin(), nodes.end());
  return nodes;
}

std::vector<NodeId> Rest(const std::vector<NodeId>& all, const std::vector<NodeId>& taken) {
  std::vector<NodeId> rest;
  for (const NodeId& node : all) {
    if (std::find(taken.begin(), taken.end(), node) == taken.end()) rest.push_back(node);
  }
  return rest;
}

size_t Between(Rng& rng, size_t lo, size_t hi) {
  hi = std::max(lo, hi);
  return lo + static_cast<size_t>(rng.Uniform(hi - lo + 1));
}

void PlanNetworkEpisode(Episode& e, const NemesisPlanOptions& o, Rng& rng) {
  const size_t n = o.nodes.size();
  if (e.kind == "partition") {
    const uint64_t mode = rng.Uniform(3);  // halves, a minority, one node alone
    const size_t side = mode == 0 ? n / 2 : mode == 1 ? Between(rng, 1, n / 3) : 1;
    e.a = Take(o.nodes, std::max<size_t>(side, 1), rng);
    e.b = Rest(o.nodes, e.a);
    e.end = e.start + rng.UniformDuration(seconds(10), seconds(60));
  } else if (e.kind == "oneway") {
    e.a = Take(o.nodes, Between(rng, 1, n / 2), rng);
    e.b = Rest(o.nodes, e.a);
    e.end = e.start + rng.UniformDuration(seconds(10), seconds(40));
  } else if (e.kind == "loss") {
    e.loss = 0.05 + 0.25 * rng.UniformDouble();
    e.end = e.start + rng.UniformDuration(seconds(10), seconds(30));
  } else if (e.kind == "latency") {
    e.latency = rng.UniformDuration(milliseconds(20), milliseconds(150));
    e.end = e.start + rng.UniformDuration(seconds(10), seconds(30));
  } else {  // close
    e.a = Take(o.nodes, Between(rng, 1, 3), rng);
    e.end = e.start + seconds(1);
  }
}

void PlanNodeEpisode(Episode& e, const NemesisPlanOptions& o, Rng& rng) {
  const size_t max_down = std::clamp<size_t>(o.node_targets.size() / 8, 1, 3);
  if (e.kind == "kill") {
    e.a = Take(o.node_targets, Between(rng, 1, max_down), rng);
    e.end = e.start + rng.UniformDuration(seconds(10), seconds(40));
  } else if (e.kind == "pause") {
    e.a = Take(o.node_targets, Between(rng, 1, std::min<size_t>(max_down, 2)), rng);
    e.end = e.start + rng.UniformDuration(seconds(3), seconds(60));
  } else {  // churn: a quick restart
    e.a = Take(o.node_targets, 1, rng);
    e.end = e.start + rng.UniformDuration(milliseconds(200), seconds(2));
  }
}

void PlanClockEpisode(Episode& e, const NemesisPlanOptions& o, Rng& rng) {
  e.a = Take(o.nodes, 1, rng);
  e.clock_offset = milliseconds(rng.UniformRange(-30'000, 30'000));
  e.clock_drift_ppm = rng.UniformRange(-500, 500);
  e.end = e.start;
}

using Planner = void (*)(Episode&, const NemesisPlanOptions&, Rng&);

void PlanLane(const std::vector<std::string>& lane, Planner plan, Duration gap_lo, Duration gap_hi,
              const NemesisPlanOptions& o, Rng& rng, std::vector<Episode>& out) {
  std::vector<std::string> kinds;
  for (const std::string& kind : lane) {
    if (o.enabled.count(kind) > 0 && Capable(kind, o.capabilities)) kinds.push_back(kind);
  }
  if (kinds.empty() || o.nodes.empty()) return;
  Duration t = o.start + rng.UniformDuration(gap_lo, gap_hi);
  while (t < o.end) {
    Episode e;
    e.kind = rng.Pick(kinds);
    e.start = t;
    plan(e, o, rng);
    const bool acts_on_nodes = e.kind != "loss" && e.kind != "latency";
    if (acts_on_nodes && e.a.empty()) break;  // nothing to act on (no node targets)
    e.end = std::min(e.end, o.end);
    out.push_back(e);
    t = e.end + rng.UniformDuration(gap_lo, gap_hi);
  }
}


}  // namespace

const std::vector<std::string>& AllNemeses() {
  static const std::vector<std::string> all = {"partition", "oneway", "loss",  "latency", "close",
                                               "kill",      "pause",  "churn", "skew"};
  return all;
}

Result<std::set<std::string>> ParseNemeses(const std::string& list) {
  std::set<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (item == "all") {
      out.insert(AllNemeses().begin(), AllNemeses().end());
    } else if (item == "none" || item.empty()) {
      continue;
    } else if (std::find(AllNemeses().begin(), AllNemeses().end(), item) == AllNemeses().end()) {
      return InvalidArgumentError("unknown nemesis \"" + item +
                                  "\" (partition, oneway, loss, latency, close, kill, pause, "
                                  "churn, skew, all, none)");
    } else {
      out.insert(item);
    }
  }
  return out;
}

std::string Episode::Describe() const {
  std::ostringstream out;
  out << kind;
  if (kind == "partition") out << " {" << NodeNames(a) << "} | {" << NodeNames(b) << "}";
  if (kind == "oneway") out << " {" << NodeNames(a) << "} -> {" << NodeNames(b) << "} blocked";
  if (kind == "loss") out << " " << static_cast<int>(loss * 100) << "%";
  if (kind == "latency") out << " +" << ToMillis(latency) << " ms";
  if (kind == "kill" || kind == "pause" || kind == "churn" || kind == "close") {
    out << " " << NodeNames(a);
  }
  if (kind == "skew") {
    out << " " << NodeNames(a) << " " << ToMillis(clock_offset) << " ms, " << clock_drift_ppm
        << " ppm";
  }
  return out.str();
}

std::vector<Episode> PlanNemesis(const NemesisPlanOptions& options, Rng& rng) {
  std::vector<Episode> plan;
  PlanLane(kNetworkLane, PlanNetworkEpisode, seconds(3), seconds(12), options, rng, plan);
  PlanLane(kNodeLane, PlanNodeEpisode, seconds(3), seconds(12), options, rng, plan);
  PlanLane(kClockLane, PlanClockEpisode, seconds(20), seconds(60), options, rng, plan);
  std::stable_sort(plan.begin(), plan.end(),
                   [](const Episode& x, const Episode& y) { return x.start < y.start; });
  return plan;
}

}  // namespace lashup::chaos

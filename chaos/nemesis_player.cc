// Plays a nemesis plan against a cluster: each episode's start injects its fault and records it
// in the timeline, its end repairs it.
#include <memory>

#include "chaos/nemesis.h"

namespace lashup::chaos {
namespace {

struct Player {
  Cluster& cluster;
  FaultTimeline& timeline;
  std::map<std::string, uint64_t>& counts;
  NodeFaultObserver observer;

  // Counts a refusal; tells the observer when a node fault took hold.
  void Count(const std::string& kind, const Status& status) {
    if (!status.ok()) ++counts[kind + "_refused"];
  }
  void NodeDown(const std::string& kind, const NodeId& node, const Status& status) {
    Count(kind, status);
    if (status.ok() && observer.began) observer.began(node, kind);
  }
  void NodeUp(const std::string& kind, const NodeId& node, const Status& status) {
    Count(kind, status);
    if (status.ok() && observer.ended) observer.ended(node);
  }

  void Begin(const Episode& e) {
    ++counts[e.kind];
    if (e.kind == "partition") cluster.Partition(e.a, e.b);
    if (e.kind == "oneway") cluster.PartitionOneWay(e.a, e.b);
    if (e.kind == "loss") cluster.SetNetworkDegradation(e.loss, Duration{0});
    if (e.kind == "latency") cluster.SetNetworkDegradation(0, e.latency);
    for (const NodeId& node : e.a) {
      if (e.kind == "close") Count(e.kind, cluster.CloseConnections(node));
      if (e.kind == "kill" || e.kind == "churn") NodeDown(e.kind, node, cluster.Crash(node));
      if (e.kind == "pause") NodeDown(e.kind, node, cluster.Pause(node));
      if (e.kind == "skew") {
        Count(e.kind, cluster.SetClockSkew(node, e.clock_offset, e.clock_drift_ppm));
      }
    }
  }

  void End(const Episode& e) {
    if (e.kind == "partition" || e.kind == "oneway") cluster.HealPartitions();
    if (e.kind == "loss" || e.kind == "latency") cluster.SetNetworkDegradation(0, Duration{0});
    for (const NodeId& node : e.a) {
      if ((e.kind == "kill" || e.kind == "churn") && !cluster.Alive(node)) {
        NodeUp(e.kind + "_restart", node, cluster.Restart(node));
      }
      if (e.kind == "pause" && cluster.Paused(node)) NodeUp("resume", node, cluster.Resume(node));
    }
  }
};

}  // namespace

void ScheduleNemesis(Cluster& cluster, const std::vector<Episode>& plan, FaultTimeline& timeline,
                     std::map<std::string, uint64_t>& counts, NodeFaultObserver observer) {
  auto player =
      std::make_shared<Player>(Player{cluster, timeline, counts, std::move(observer)});
  for (const Episode& episode : plan) {
    auto index = std::make_shared<size_t>(0);
    cluster.Schedule(episode.start, [player, episode, index] {
      player->Begin(episode);
      *index = player->timeline.Begin(episode.kind, episode.Describe(), player->cluster.Now());
      if (episode.end == episode.start) player->timeline.End(*index, player->cluster.Now());
    });
    if (episode.end == episode.start) continue;
    cluster.Schedule(episode.end, [player, episode, index] {
      player->End(episode);
      player->timeline.End(*index, player->cluster.Now());
    });
  }
}

}  // namespace lashup::chaos

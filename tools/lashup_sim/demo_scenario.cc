// The demo scenario: what a user sees first. A small cluster of ping/pong nodes comes up, is
// split by a partition, heals, loses a node to a crash and gets it back, all in virtual time.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"
#include "flags.h"
#include "lashup/testing/sim_world.h"
#include "scenarios.h"
#include "sim/ping_pong_core.h"
#include "storage/memory_storage.h"

namespace lashup::tools {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

// Wraps a core to print the connection notices it receives.
class NarratedCore final : public Core {
 public:
  NarratedCore(std::unique_ptr<PingPongCore> inner, const SimWorld& world, bool quiet)
      : inner_(std::move(inner)), world_(world), quiet_(quiet) {}
  void Start(const Now& now, Effects& out) override { inner_->Start(now, out); }
  void OnMessage(const Now& now, const NodeId& from, const Message& m, Effects& out) override {
    inner_->OnMessage(now, from, m, out);
  }
  void OnTimer(const Now& now, TimerId timer, Effects& out) override {
    inner_->OnTimer(now, timer, out);
  }
  void OnConnection(const Now& now, const NodeId& peer, LinkState state, Effects& out) override {
    if (!quiet_) {
      std::fprintf(stderr, "[%8.3fs] %s: link to %s %s\n", Seconds(world_.now()),
                   self_.c_str(), peer.str().c_str(), state == LinkState::kUp ? "up" : "down");
    }
    inner_->OnConnection(now, peer, state, out);
  }
  void CheckInvariants() const override { inner_->CheckInvariants(); }
  PingPongCore& inner() { return *inner_; }
  std::string self_;

 private:
  std::unique_ptr<PingPongCore> inner_;
  const SimWorld& world_;
  bool quiet_;
};

struct DemoOptions {
  uint64_t nodes = 5;
  uint64_t seed = 1;
  double loss = 0;
  bool quiet = false;
};

Result<DemoOptions> ParseDemo(const std::vector<std::string>& args) {
  LASHUP_ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, {"nodes", "seed", "loss", "quiet"},
                                                    {"quiet"}));
  DemoOptions options;
  LASHUP_ASSIGN_OR_RETURN(options.nodes, flags.Uint("nodes", 5));
  LASHUP_ASSIGN_OR_RETURN(options.seed, flags.Uint("seed", 1));
  LASHUP_ASSIGN_OR_RETURN(options.loss, flags.Double("loss", 0));
  options.quiet = flags.Has("quiet");
  if (options.nodes < 2 || options.nodes > 1000) {
    return InvalidArgumentError("--nodes must be between 2 and 1000");
  }
  if (options.loss < 0 || options.loss >= 1) return InvalidArgumentError("--loss must be in [0, 1)");
  return options;
}

// Each node connects to the next two around a ring: a connected graph with few links.
std::vector<NodeId> RingPeers(const std::vector<NodeId>& ids, size_t i) {
  std::vector<NodeId> peers;
  for (size_t step = 1; step <= 2 && step < ids.size(); ++step) {
    peers.push_back(ids[(i + step) % ids.size()]);
  }
  return peers;
}

class Demo {
 public:
  explicit Demo(const DemoOptions& options) : options_(options), world_(MakeOptions(options)) {
    for (uint64_t i = 0; i < options.nodes; ++i) {
      ids_.push_back(NodeId::FromLiteral("node-" + std::to_string(i)));
    }
    world_.SetStepObserver([this](const NodeId&, Duration, const Effects& effects) {
      for (const Event& event : effects.events()) {
        if (const auto* rtt = std::get_if<RttMeasured>(&event)) rtts_.push_back(rtt->rtt);
      }
    });
  }

  int Run();

 private:
  static SimOptions MakeOptions(const DemoOptions& options) {
    SimOptions sim;
    sim.seed = options.seed;
    sim.network.loss = options.loss;
    return sim;
  }
  void Say(const std::string& what) {
    if (!options_.quiet) std::fprintf(stderr, "[%8.3fs] == %s\n", Seconds(world_.now()), what.c_str());
  }
  PingPongCore& PingPong(const NodeId& id) {
    return static_cast<NarratedCore*>(world_.GetCore(id))->inner();
  }
  size_t UpLinks() const;
  void PrintFigures(uint64_t pongs_before_crash, uint64_t pongs_recovered, double wall_ms);

  DemoOptions options_;
  SimWorld world_;
  std::vector<NodeId> ids_;
  std::vector<Duration> rtts_;
};

size_t Demo::UpLinks() const {
  size_t up = 0;
  for (size_t i = 0; i < ids_.size(); ++i) {
    for (size_t j = i + 1; j < ids_.size(); ++j) up += world_.IsLinkUp(ids_[i], ids_[j]) ? 1 : 0;
  }
  return up;
}

int Demo::Run() {
  const auto wall_start = std::chrono::steady_clock::now();
  Say("starting " + std::to_string(ids_.size()) + " nodes, each linked to the next two on a ring");
  for (size_t i = 0; i < ids_.size(); ++i) {
    PingPongConfig config{RingPeers(ids_, i), seconds(1), 10};
    const bool quiet = options_.quiet;
    Status added = world_.AddNode(ids_[i], [this, config, quiet](const CoreContext& context) {
      auto core = std::make_unique<NarratedCore>(std::make_unique<PingPongCore>(context, config),
                                                 world_, quiet);
      core->self_ = context.self.str();
      return core;
    });
    if (!added.ok()) {
      std::fprintf(stderr, "lashup-sim: %s\n", added.ToString().c_str());
      return 1;
    }
  }
  world_.RunFor(seconds(5));
  Say(std::to_string(UpLinks()) + " links up; partitioning the first half from the rest");
  const size_t half = ids_.size() / 2;
  std::vector<NodeId> left(ids_.begin(), ids_.begin() + static_cast<long>(half));
  std::vector<NodeId> right(ids_.begin() + static_cast<long>(half), ids_.end());
  world_.Partition(left, right);
  world_.RunFor(seconds(10));
  Say(std::to_string(UpLinks()) + " links up during the partition; healing it");
  world_.HealAll();
  world_.RunFor(seconds(10));
  const uint64_t pongs_before_crash = PingPong(ids_[0]).pongs_received();
  Say(std::to_string(UpLinks()) + " links up after healing; crashing " + ids_[0].str() +
      " (it has received " + std::to_string(pongs_before_crash) + " pongs)");
  (void)world_.Crash(ids_[0]);
  world_.RunFor(seconds(5));
  Say("restarting " + ids_[0].str());
  (void)world_.Restart(ids_[0]);
  const uint64_t recovered = PingPong(ids_[0]).recovered_pongs();
  Say(ids_[0].str() + " recovered a pong count of " + std::to_string(recovered) +
      " from storage (only synced writes survive a crash)");
  world_.RunFor(seconds(10));
  Say(std::to_string(UpLinks()) + " links up at the end");
  const double wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
          .count();
  PrintFigures(pongs_before_crash, recovered, wall_ms);
  return 0;
}

void Demo::PrintFigures(uint64_t pongs_before_crash, uint64_t pongs_recovered, double wall_ms) {
  std::sort(rtts_.begin(), rtts_.end());
  auto percentile_us = [this](double p) {
    if (rtts_.empty()) return 0.0;
    const size_t index = std::min(rtts_.size() - 1, static_cast<size_t>(p * rtts_.size()));
    return std::chrono::duration<double, std::micro>(rtts_[index]).count();
  };
  const SimStats& s = world_.stats();
  std::printf(
      "{\"scenario\":\"demo\",\"seed\":%" PRIu64 ",\"nodes\":%zu,\"virtual_seconds\":%.3f,"
      "\"wall_ms\":%.1f,\"events\":%" PRIu64 ",\"messages_sent\":%" PRIu64
      ",\"messages_delivered\":%" PRIu64 ",\"dropped_partition\":%" PRIu64
      ",\"dropped_loss\":%" PRIu64 ",\"link_ups\":%" PRIu64 ",\"link_downs\":%" PRIu64
      ",\"links_up_at_end\":%zu,\"rtt_samples\":%zu,\"rtt_p50_us\":%.1f,\"rtt_p99_us\":%.1f,"
      "\"pongs_before_crash\":%" PRIu64 ",\"pongs_recovered\":%" PRIu64
      ",\"bytes_encoded\":%" PRIu64 ",\"trace_hash\":\"%016" PRIx64 "\"}\n",
      world_.seed(), ids_.size(), Seconds(world_.now()), wall_ms, s.events, s.messages_sent,
      s.messages_delivered, s.dropped_partition, s.dropped_loss, s.link_ups, s.link_downs,
      UpLinks(), rtts_.size(), percentile_us(0.5), percentile_us(0.99), pongs_before_crash,
      pongs_recovered, s.bytes_encoded, world_.TraceHash());
}

}  // namespace

int RunDemoScenario(const std::vector<std::string>& args) {
  Result<DemoOptions> options = ParseDemo(args);
  if (!options.ok()) {
    std::fprintf(stderr, "lashup-sim demo: %s\n", options.status().ToString().c_str());
    return 2;
  }
  Demo demo(*options);
  return demo.Run();
}

}  // namespace lashup::tools

#include "chaos/real_cluster.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lashup/testing/cluster_certs.h"

namespace lashup::chaos {

namespace {

// The first port of the kernel's ephemeral range: outgoing connections take ports from there on,
// so a listen port below it cannot be taken by one of the cluster's own dials meanwhile.
uint16_t EphemeralStart() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned first = 32768;
  range >> first;
  return static_cast<uint16_t>(std::clamp(first, 2048u, 65535u));
}

bool CanListen(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

}  // namespace

std::vector<uint16_t> FreeLoopbackPorts(size_t count, uint64_t seed) {
  const uint16_t end = EphemeralStart();
  const uint16_t begin = end > 12000 ? static_cast<uint16_t>(end - 10000) : 1024;
  const size_t span = end - begin;
  std::vector<uint16_t> ports;
  const size_t offset = static_cast<size_t>((seed * 0x9e3779b97f4a7c15ULL) >> 40) % span;
  for (size_t i = 0; i < span && ports.size() < count; ++i) {
    const auto port = static_cast<uint16_t>(begin + (offset + i) % span);
    if (CanListen(port)) ports.push_back(port);
  }
  return ports;
}

Result<std::unique_ptr<RealCluster>> RealCluster::Create(const RealClusterOptions& options) {
  std::string pattern = (std::filesystem::temp_directory_path() / "lashup-chaos-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return InternalError("cannot make a temporary directory");
  const std::vector<uint16_t> ports =
      FreeLoopbackPorts(static_cast<size_t>(options.nodes), options.seed ^ getpid());
  if (ports.size() < static_cast<size_t>(options.nodes)) {
    return UnavailableError("not enough free loopback ports below the ephemeral range");
  }
  std::vector<NodeId> ids;
  for (int i = 0; i < options.nodes; ++i) {
    char name[64];
    std::snprintf(name, sizeof(name), "n%02d@127.0.0.1:%u", i + 1, ports[i]);
    ids.push_back(NodeId::FromLiteral(name));
  }
  auto tls = testing::WriteClusterCerts(pattern + "/certs", ids);
  if (!tls.ok()) return tls.status();
  return std::unique_ptr<RealCluster>(
      new RealCluster(options, pattern, std::move(ids), std::move(*tls)));
}

RealCluster::RealCluster(RealClusterOptions options, std::string dir, std::vector<NodeId> ids,
                         std::map<NodeId, NodeTls> tls)
    : options_(std::move(options)), dir_(std::move(dir)), ids_(std::move(ids)),
      tls_(std::move(tls)) {}

RealCluster::~RealCluster() {
  for (const NodeId& node : paused_) (void)faults_.Thaw(node);
  for (auto& [id, node] : open_) node->Close();
  open_.clear();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

NodeConfig RealCluster::Config(const NodeId& id) const {
  NodeConfig config;
  config.id = id;
  config.data_dir = dir_ + "/" + id.str().substr(0, id.str().find('@'));
  config.tls = tls_.at(id);
  config.preset = options_.preset;
  for (int i = 0; i < options_.contacts && i < static_cast<int>(ids_.size()); ++i) {
    if (ids_[i] != id) config.contacts.push_back(ids_[i]);
  }
  config.seed = options_.seed * 1000 + static_cast<uint64_t>(
                                           std::find(ids_.begin(), ids_.end(), id) - ids_.begin());
  config.faults = &faults_;
  return config;
}

Result<std::unique_ptr<Node>> RealCluster::OpenNode(const NodeId& id) {
  LASHUP_ASSIGN_OR_RETURN(std::unique_ptr<Node> node, Node::Open(Config(id)));
  auto subscribed = node->SubscribeTopic(options_.topic, [this, id](const TopicMessage& m) {
    std::shared_ptr<std::function<void(const Delivery&)>> observer;
    {
      std::lock_guard lock(observer_mutex_);
      observer = observer_;
    }
    if (observer && *observer) {
      (*observer)(Delivery{id, m.origin, std::string(m.payload.begin(), m.payload.end())});
    }
  });
  if (!subscribed.ok()) return subscribed.status();
  return node;
}

Status RealCluster::Start(const NodeId& id) {
  if (open_.count(id) > 0) return AlreadyExistsError(id.str() + " is running");
  LASHUP_ASSIGN_OR_RETURN(std::unique_ptr<Node> node, OpenNode(id));
  open_.emplace(id, std::move(node));
  started_.insert(id);
  return Status::Ok();
}

Status RealCluster::StartAll(int threads) {
  std::vector<Result<std::unique_ptr<Node>>> opened;
  for (size_t i = 0; i < ids_.size(); ++i) opened.emplace_back(InternalError("not opened"));
  std::atomic<size_t> next{0};
  std::vector<std::thread> openers;
  for (int t = 0; t < threads; ++t) {
    openers.emplace_back([&] {
      for (size_t i = next++; i < ids_.size(); i = next++) opened[i] = OpenNode(ids_[i]);
    });
  }
  for (std::thread& opener : openers) opener.join();
  Status first_error;
  for (size_t i = 0; i < ids_.size(); ++i) {
    if (!opened[i].ok()) {
      if (first_error.ok()) first_error = opened[i].status();
      continue;
    }
    open_.emplace(ids_[i], std::move(*opened[i]));
    started_.insert(ids_[i]);
  }
  return first_error;
}

void RealCluster::Schedule(Duration at, std::function<void()> action) {
  schedule_.push(Scheduled{at, next_seq_++, std::move(action)});
}

void RealCluster::RunDue() {
  while (!schedule_.empty() && schedule_.top().at <= Now()) {
    std::function<void()> action = schedule_.top().action;
    schedule_.pop();
    action();
  }
}

void RealCluster::RunUntil(Duration until) {
  RunUntil([] { return false; }, until - Now(), until - Now());
}

bool RealCluster::RunUntil(const std::function<bool()>& done, Duration limit, Duration poll) {
  const Duration end = Now() + std::max(limit, Duration{0});
  while (true) {
    RunDue();
    if (done()) return true;
    const Duration now = Now();
    if (now >= end) return false;
    Duration wake = std::min(end, now + poll);
    if (!schedule_.empty()) wake = std::min(wake, schedule_.top().at);
    std::this_thread::sleep_until(epoch_ + wake);  // the scenario's own clock, not a sync
  }
}

Status RealCluster::Crash(const NodeId& id) {
  auto it = open_.find(id);
  if (it == open_.end()) return FailedPreconditionError(id.str() + " is not running");
  it->second->Close();
  open_.erase(it);
  return Status::Ok();
}

Status RealCluster::Restart(const NodeId& id) {
  if (started_.count(id) == 0) return FailedPreconditionError(id.str() + " was never started");
  ++restarts_;
  return Start(id);
}

Status RealCluster::Pause(const NodeId& id) {
  LASHUP_RETURN_IF_ERROR(faults_.Freeze(id));
  paused_.insert(id);
  return Status::Ok();
}

Status RealCluster::Resume(const NodeId& id) {
  LASHUP_RETURN_IF_ERROR(faults_.Thaw(id));
  paused_.erase(id);
  return Status::Ok();
}

bool RealCluster::Alive(const NodeId& id) const { return open_.count(id) > 0; }

void RealCluster::Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b) {
  faults_.Partition(a, b);
}

void RealCluster::PartitionOneWay(const std::vector<NodeId>& from, const std::vector<NodeId>& to) {
  for (const NodeId& f : from) {
    for (const NodeId& t : to) faults_.Block(f, t);
  }
}

void RealCluster::HealPartitions() {
  // HealAll also clears delays: put a latency spike back if one is running.
  faults_.HealAll();
  if (latency_ > Duration{0}) SetNetworkDegradation(0, latency_);
}

void RealCluster::SetNetworkDegradation(double, Duration extra_latency) {
  latency_ = extra_latency;
  faults_.ClearDelays();
  if (extra_latency <= Duration{0}) return;
  for (const NodeId& from : ids_) {
    for (const NodeId& to : ids_) {
      if (from != to) faults_.SetDelay(from, to, extra_latency);
    }
  }
}

Result<Node*> RealCluster::Up(const NodeId& id) {
  auto it = open_.find(id);
  if (it == open_.end()) return UnavailableError(id.str() + " is down");
  if (paused_.count(id) > 0) return UnavailableError(id.str() + " is paused");
  return it->second.get();
}

Node* RealCluster::node(const NodeId& id) {
  auto it = open_.find(id);
  return it == open_.end() ? nullptr : it->second.get();
}

Status RealCluster::Update(const NodeId& id, const Key& key, std::vector<crdt::MapOp> ops) {
  LASHUP_ASSIGN_OR_RETURN(Node * node, Up(id));
  return node->Update(key, std::move(ops)).status();
}

Result<std::map<Key, crdt::MapValue>> RealCluster::Snapshot(const NodeId& id) {
  LASHUP_ASSIGN_OR_RETURN(Node * node, Up(id));
  LASHUP_ASSIGN_OR_RETURN(std::vector<lashup::Key> keys, node->Keys({}));
  std::map<Key, crdt::MapValue> snapshot;
  for (lashup::Key& key : keys) {
    auto value = node->Get(key);
    if (value.status().code() == StatusCode::kNotFound) continue;  // deleted meanwhile
    if (!value.ok()) return value.status();
    snapshot.emplace(std::move(key), std::move(*value));
  }
  return snapshot;
}

Status RealCluster::Publish(const NodeId& id, const std::string& payload) {
  LASHUP_ASSIGN_OR_RETURN(Node * node, Up(id));
  return node->Publish(options_.topic, std::vector<uint8_t>(payload.begin(), payload.end()))
      .status();
}

void RealCluster::SetDeliveryObserver(std::function<void(const Delivery&)> observer) {
  auto shared = std::make_shared<std::function<void(const Delivery&)>>(std::move(observer));
  std::lock_guard lock(observer_mutex_);
  observer_ = std::move(shared);
}

Result<std::vector<NodeId>> RealCluster::ReachableFrom(const NodeId& id) {
  LASHUP_ASSIGN_OR_RETURN(Node * node, Up(id));
  LASHUP_ASSIGN_OR_RETURN(std::vector<MemberInfo> members, node->Members());
  std::vector<NodeId> reachable = {id};
  for (const MemberInfo& member : members) {
    if (member.reachable && member.node != id) reachable.push_back(member.node);
  }
  return reachable;
}

Result<size_t> RealCluster::MembersKnown(const NodeId& id) {
  LASHUP_ASSIGN_OR_RETURN(Node * node, Up(id));
  LASHUP_ASSIGN_OR_RETURN(std::vector<MemberInfo> members, node->Members());
  return members.size();
}

std::map<std::string, double> RealCluster::Figures() const {
  const testing::NetworkFaults::Counters c = faults_.counters();
  return {{"envelopes_dropped", static_cast<double>(c.envelopes_dropped)},
          {"envelopes_delayed", static_cast<double>(c.envelopes_delayed)},
          {"dials_refused", static_cast<double>(c.dials_refused)},
          {"restarts", static_cast<double>(restarts_)}};
}

}  // namespace lashup::chaos

// lashup::Node: one member of a lashup cluster, embedded in a daemon.
//
// Contract:
// - `Node::Open` opens (or creates) the data directory's RocksDB store, binds the listener,
//   starts the node's own thread and joins the cluster through the contact nodes. Every node
//   holds every key; it keeps working alone through any partition and catches up afterwards.
// - Every method is thread-safe and may be called from any thread except the node's own thread
//   (that is, not from inside a listener callback: there they return kFailedPrecondition). A
//   method runs as one step on the node's thread and returns once that step is done; a KV
//   update returns once it is durable (synced, or group-committed if `group_commit`).
// - Listeners (`WatchKeys`, `SubscribeTopic`, `WatchRoutes`) are called on the node's thread,
//   one at a time, in the order the node saw the changes. A listener must not block and must not
//   throw: hand the event to your own queue or thread if it needs real work. After
//   `Unsubscribe(id)` returns, that listener is never called again. A listener must not close
//   or destroy its node: `Close` from a listener is ignored (it would wait for itself) and the
//   destructor aborts with a message.
// - Errors are `Status` values: kInvalidArgument for bad input (a malformed key, op or
//   address), kNotFound for an absent key, kAborted for a failed compare-and-set,
//   kResourceExhausted when replication cannot keep up (retry later), kUnavailable once closed,
//   and, after a storage failure, that failure (the node stops: fail-stop).
// - `Close` (also the destructor) leaves the cluster abruptly, as a crash would, but with every
//   acknowledged write on disk; other nodes see it unreachable within the failure detector's
//   bounds, and it rejoins with its data when opened again on the same directory. A data
//   directory `Open` creates gets mode 0700: it holds every key.
//
// Example: a service that publishes its virtual IPs and follows everyone else's.
//
//   #include "lashup/node.h"
//
//   lashup::NodeConfig config;
//   config.id = lashup::NodeId::Parse("lb1@10.0.0.7:7946").value();
//   config.data_dir = "/var/lib/lb/lashup";
//   config.contacts = {lashup::NodeId::Parse("lb2@10.0.0.8:7946").value(),
//                      lashup::NodeId::Parse("lb3@10.0.0.9:7946").value()};
//   config.tls = {.ca_file = "/etc/lb/ca.pem", .cert_file = "/etc/lb/lb1.pem",
//                 .key_file = "/etc/lb/lb1.key"};
//   auto node = lashup::Node::Open(config);
//   if (!node.ok()) { std::cerr << node.status() << "\n"; return 1; }
//
//   // Listeners run on the node's thread: copy what you need and return.
//   auto watch = (*node)->WatchKeys({"lb", "vips"}, [&](const lashup::KeyEvent& event) {
//     queue.Push(event);  // your own thread-safe queue
//   });
//
//   namespace ops = lashup::crdt::ops;
//   auto value = (*node)->Update({"lb", "vips", "10.0.0.100:80"},
//                                {ops::Add("backends", "10.0.1.5:8080"),
//                                 ops::Increment("generation")});
//   if (!value.ok()) { std::cerr << value.status() << "\n"; }
//
//   bool up = (*node)->Reachable(config.contacts[0]).value_or(false);
//   (*node)->Close();
#ifndef LASHUP_NODE_H_
#define LASHUP_NODE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lashup/crdt/ops.h"
#include "lashup/crdt/value.h"
#include "lashup/crdt/version_vector.h"
#include "lashup/log.h"
#include "lashup/status.h"
#include "lashup/types.h"

namespace lashup {

namespace testing {
class NetworkFaults;  // lashup/testing/network_faults.h
}  // namespace testing

// Protocol timings, like memberlist's presets: a data-centre LAN, a WAN (slower, lossier links),
// or a cluster on one machine (loopback). docs/membership.md and docs/routing.md list them.
enum class Preset : uint8_t { kLan, kWan, kLocal };

// "lan", "wan", "local"; kInvalidArgument for anything else.
Result<Preset> ParsePreset(std::string_view name);
const char* PresetName(Preset preset);

// PEM files: the cluster CA (the only trust anchor), this node's certificate (naming its id in
// subjectAltName) and its private key.
struct NodeTls {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

struct NodeConfig {
  // "name@host:port": others dial host:port (see docs/transport.md).
  NodeId id;
  // Where to listen, "host:port"; empty: the host and port in `id`.
  std::string listen;
  // The RocksDB store; created if absent. Required.
  std::string data_dir;
  // Nodes to join through (ids with addresses); empty for the first node.
  std::vector<NodeId> contacts;
  NodeTls tls;
  // No TLS at all: tests only. Both ends must agree.
  bool plaintext = false;
  Preset preset = Preset::kLan;
  // Sync once per batch of concurrent updates instead of once per update: more updates per
  // second under load, each waits for its group's sync.
  bool group_commit = false;
  // Seeds protocol randomness; 0 draws from the OS.
  uint64_t seed = 0;
  // Where the node logs (called on the node's thread); empty discards.
  LogSink log;
  // Fault injection between nodes in one process: tests and chaos only; must outlive the node.
  // Null (the default) leaves the transport untouched.
  testing::NetworkFaults* faults = nullptr;
};

struct Views {
  std::vector<NodeId> active;   // overlay neighbours, monitored by the failure detector
  std::vector<NodeId> passive;  // known nodes kept as replacements
};

// A member of the global membership table.
struct MemberInfo {
  NodeId node;
  bool reachable = false;          // from this node, through the adjacency graph
  uint64_t epoch = 0;              // grows at every start of that node
  std::vector<NodeId> neighbours;  // the links its latest record lists
  Duration last_heard{0};          // since its latest record reached this node
};

// A shortest-path tree (the one multicast uses from `root`).
struct TreeNode {
  NodeId node;
  NodeId parent;  // the root's parent is itself
  uint64_t distance = 0;
};
struct Tree {
  NodeId root;
  std::vector<TreeNode> nodes;  // reached nodes, by distance then id
  std::vector<NodeId> unreached;
};

// A key is a path of 1..32 components, each 1..256 bytes (at most 1 KiB in all).
using Key = std::vector<std::string>;

struct VersionedValue {
  crdt::MapValue value;
  crdt::VersionVector version;  // for UpdateIf
};

// A key's value for a key watch: first one event per matching key with `snapshot` set, then
// one per change. `value` is empty when the key was deleted.
struct KeyEvent {
  Key key;
  crdt::MapValue value;
  bool snapshot = false;
};

struct TopicMessage {
  NodeId origin;
  uint64_t seq = 0;  // per origin and start of it
  std::string topic;
  std::vector<uint8_t> payload;
};

// This node's routes changed (rate-limited; the last state always comes).
struct RoutesEvent {
  std::vector<NodeId> reachable;  // this node included
  std::vector<NodeId> unreachable;
  std::vector<NodeId> became_reachable;
  std::vector<NodeId> became_unreachable;
};

// Figures for monitoring (lashupd exports them as Prometheus metrics).
struct Metric {
  enum class Kind : uint8_t { kCounter, kGauge };
  std::string name;  // without a prefix, e.g. "kv_entries"; counters end in "_total"
  std::string help;
  Kind kind = Kind::kGauge;
  double value = 0;
  std::vector<std::pair<std::string, std::string>> labels;
};
struct LatencyHistogram {
  std::string name;  // ends in "_seconds"
  std::string help;
  std::vector<double> bounds;     // upper bounds, seconds
  std::vector<uint64_t> buckets;  // cumulative counts per bound, then +Inf (bounds.size() + 1)
  double sum = 0;
  uint64_t count = 0;
};
struct NodeStats {
  std::vector<Metric> metrics;
  std::vector<LatencyHistogram> latencies;
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Open(NodeConfig config);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Stops the node; idempotent. See the contract for what others see.
  void Close();

  const NodeId& id() const;
  // "host:port" the listener is bound to.
  std::string listen_address() const;

  // Membership and routing.
  Result<Views> GetViews();
  Result<std::vector<MemberInfo>> Members();
  // The tree rooted at `root` (this node if empty); kNotFound if the table does not know it.
  Result<Tree> GetTree(const NodeId& root = NodeId());
  Result<bool> Reachable(const NodeId& node);
  Result<uint64_t> WatchRoutes(std::function<void(const RoutesEvent&)> listener);

  // Multicast: every other node subscribed to `topic` gets `payload` once (the sender's own
  // listeners do not). Returns its sequence. The topic "lashup/kv" is the KV store's.
  Result<uint64_t> Publish(const std::string& topic, std::vector<uint8_t> payload);
  Result<uint64_t> SubscribeTopic(const std::string& topic,
                                  std::function<void(const TopicMessage&)> listener);

  // KV store. Ops apply atomically, left to right (lashup/crdt/ops.h); the new value returns.
  Result<crdt::MapValue> Update(const Key& key, std::vector<crdt::MapOp> ops);
  // Compare-and-set: kAborted unless the key's version is `expected` (from GetVersioned).
  Result<crdt::MapValue> UpdateIf(const Key& key, std::vector<crdt::MapOp> ops,
                                  const crdt::VersionVector& expected);
  // Removes every field this node holds now; concurrent updates elsewhere survive.
  Status Delete(const Key& key);
  // kNotFound if the key is absent (never written, or deleted).
  Result<crdt::MapValue> Get(const Key& key);
  Result<VersionedValue> GetVersioned(const Key& key);
  // Keys under `prefix` (every key if empty), sorted.
  Result<std::vector<Key>> Keys(const Key& prefix);
  Result<uint64_t> WatchKeys(const Key& prefix, std::function<void(const KeyEvent&)> listener);

  // Removes any listener; kNotFound for an unknown id.
  Status Unsubscribe(uint64_t listener_id);

  Result<NodeStats> Stats();

  // OK while the node runs; kUnavailable once closed; the storage failure that stopped it
  // otherwise (a daemon should exit so that its supervisor restarts it).
  Status Health() const;

  class Impl;

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lashup

#endif  // LASHUP_NODE_H_

// Node::Impl: what a lashup::Node owns (its RocksDB store behind a metering wrapper, the
// AsioDriver running a NodeCore, the listeners, the latency histograms) and the one way its
// methods reach the core: `Call`, which runs a function as one step on the node's thread.
#ifndef LASHUP_API_NODE_IMPL_H_
#define LASHUP_API_NODE_IMPL_H_

#include <atomic>
#include <memory>
#include <thread>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <utility>

#include "api/listeners.h"
#include "api/metered_storage.h"
#include "api/network_faults_impl.h"
#include "lashup/node.h"
#include "metrics/histogram.h"
#include "net/asio_driver.h"
#include "node/node_core.h"

namespace lashup {

class Node::Impl {
 public:
  Impl(NodeId id, std::unique_ptr<api::MeteredStorage> storage, LogSink log)
      : id_(std::move(id)),
        log_(std::move(log)),
        storage_(std::move(storage)),
        update_seconds_(api::NewLatencyHistogram()),
        publish_seconds_(api::NewLatencyHistogram()) {}

  // Attaches the node to `faults` (if not null) once the driver runs.
  Status Start(net::AsioDriverConfig config, NodeCoreConfig core_config,
               testing::NetworkFaults::Impl* faults);
  void Close();

  // Runs `fn(core, now, out)` on the node's thread; its Result comes back.
  template <typename T, typename Fn>
  Result<T> Call(Fn&& fn) {
    std::optional<Result<T>> result;
    Status status = Invoke([&](NodeCore& core, const Now& now, Effects& out) {
      result.emplace(fn(core, now, out));
    });
    if (!status.ok()) return status;
    return std::move(*result);
  }
  Status Invoke(const std::function<void(NodeCore&, const Now&, Effects&)>& fn);
  // Whether the caller is the node's own thread (a listener).
  bool OnNodeThread() const;

  const NodeId& id() const { return id_; }
  std::string listen_address() const { return listen_address_; }
  api::Listeners& listeners() { return listeners_; }  // node's thread only
  metrics::Histogram& update_seconds() { return *update_seconds_; }
  metrics::Histogram& publish_seconds() { return *publish_seconds_; }
  const api::MeteredStorage& storage() const { return *storage_; }
  net::TransportCounters transport() const;
  Status Health() const;

 private:
  const NodeId id_;
  const LogSink log_;
  std::unique_ptr<api::MeteredStorage> storage_;
  std::thread::id loop_thread_;  // set by Start, before any other thread can call
  std::atomic<bool> closing_{false};
  std::unique_ptr<net::AsioDriver> driver_;
  testing::NetworkFaults::Impl* faults_ = nullptr;  // set by Start
  net::AsioDriver* attached_ = nullptr;             // the driver attached to faults_
  mutable std::shared_mutex driver_mutex_;  // calls share it; Close takes it alone
  std::string listen_address_;
  api::Listeners listeners_;
  std::unique_ptr<metrics::Histogram> update_seconds_;
  std::unique_ptr<metrics::Histogram> publish_seconds_;
};

// Builds the node's metrics on the node's thread (node_stats.cc).
NodeStats CollectStats(Node::Impl& impl, NodeCore& core, const Now& now);
// Adds the transport's counters (read off the node's thread: they are atomics).
void AppendTransportStats(const net::TransportCounters& counters, NodeStats& stats);

}  // namespace lashup

#endif  // LASHUP_API_NODE_IMPL_H_

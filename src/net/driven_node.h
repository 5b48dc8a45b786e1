// DrivenNode (tests): one core under an AsioDriver on loopback with mutual TLS, restartable on
// the same port with the same storage, whose state tests read on the driver's thread. Every
// driver notice wakes `waiter`; `on_event`, if set, sees each event first (on the driver's
// thread).
#ifndef LASHUP_NET_DRIVEN_NODE_H_
#define LASHUP_NET_DRIVEN_NODE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "net/asio_driver.h"
#include "net/net_test_util.h"
#include "storage/memory_storage.h"

namespace lashup::net::testing {

class DrivenNode {
 public:
  DrivenNode(NodeId id, TlsFiles tls, CoreFactory factory, Waiter& waiter, LogCapture& log)
      : id_(std::move(id)),
        tls_(std::move(tls)),
        factory_(std::move(factory)),
        waiter_(waiter),
        log_(log) {}
  ~DrivenNode() { Stop(); }

  Status Start(const std::map<NodeId, Endpoint>& addresses) {
    using namespace std::chrono_literals;
    AsioDriverConfig config;
    config.self = id_;
    config.listen = "127.0.0.1:" + std::to_string(port_);
    config.tls = tls_;
    config.limits = FastLimits();
    // Longer than the failure detector needs (Local preset: well under 2 s), so a frozen peer
    // is found by missed pings, not by the transport's idle timeout (which raced it under TSan).
    config.limits.idle_timeout = 10s;
    config.reconnect_backoff_min = 20ms;
    config.reconnect_backoff_max = 200ms;
    config.check_invariants = true;
    config.peer_addresses = addresses;
    config.log = log_.Sink();
    DriverCallbacks callbacks;
    callbacks.on_connection = [this](const NodeId&, LinkState) { waiter_.Notify(); };
    callbacks.on_event = [this](const Event& event) {
      if (on_event) on_event(event);
      waiter_.Notify();
    };
    LASHUP_ASSIGN_OR_RETURN(driver_, AsioDriver::Start(config, factory_, &storage_, callbacks));
    port_ = driver_->listen_endpoint().port;
    return Status::Ok();
  }
  void Stop() {
    if (!driver_) return;
    driver_->Stop();
    driver_.reset();
    waiter_.Notify();
  }

  const NodeId& id() const { return id_; }
  bool running() const { return driver_ != nullptr; }
  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  AsioDriver& driver() { return *driver_; }

  // Runs `read` on the driver's thread with the core as a `CoreType`; nothing if not running.
  template <typename CoreType>
  void Read(const std::function<void(CoreType&)>& read) {
    if (!driver_) return;
    (void)driver_->Invoke(
        [&read](Core& core, const Now&, Effects&) { read(static_cast<CoreType&>(core)); });
  }

  // Set before Start; called on the driver's thread.
  std::function<void(const Event&)> on_event;

 private:
  const NodeId id_;
  const TlsFiles tls_;
  const CoreFactory factory_;
  Waiter& waiter_;
  LogCapture& log_;
  MemoryStorage storage_;
  std::unique_ptr<AsioDriver> driver_;
  uint16_t port_ = 0;
};

}  // namespace lashup::net::testing

#endif  // LASHUP_NET_DRIVEN_NODE_H_

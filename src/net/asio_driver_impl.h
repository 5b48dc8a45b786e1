// The inside of AsioDriver, shared by its source files: asio_driver.cc (lifecycle, steps,
// effects, core timers), driver_links.cc (links, dials, accepts, sends: the ConnectionOwner side)
// and driver_faults.cc (fault injection and the CloseConnections hook). Everything here runs on
// the loop thread unless a comment says otherwise.
#ifndef LASHUP_NET_ASIO_DRIVER_IMPL_H_
#define LASHUP_NET_ASIO_DRIVER_IMPL_H_

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "core/rng.h"
#include "net/asio_driver.h"
#include "net/connection.h"
#include "net/delay_line.h"
#include "net/link_arbiter.h"
#include "net/link_faults.h"
#include "net/timer_queue.h"
#include "storage/group_commit.h"

namespace lashup::net {

// What this node knows of its long-lived link with one peer.
struct PeerLink {
  explicit PeerLink(asio::io_context& io) : retry(io) {}
  bool wanted = false;
  std::shared_ptr<Connection> link;  // open
  std::shared_ptr<Connection> dial;  // our dial in progress
  uint64_t last_link_id = 0;         // sent in Hello.last_link_id
  bool told_down = false;            // a failed attempt was reported since the last Connect/up
  std::string last_failure;          // why the last attempt failed (logged once per reason)
  Duration backoff{0};
  asio::steady_timer retry;
  bool retry_armed = false;
};

class AsioDriver::Impl final : public ConnectionOwner {
 public:
  Impl(AsioDriverConfig config, CoreFactory factory, Storage* storage, DriverCallbacks callbacks);
  ~Impl() override;

  Status Open();  // caller thread: TLS, listener, core, loop thread
  void Stop();    // caller thread

  // Loop thread: steps.
  void RunStep(const Command& command);
  Now ReadClocks() const;

  // ConnectionOwner.
  Decision OnHello(Connection& connection, const wire::Hello& hello) override;
  void OnReply(Connection& connection, const wire::HelloReply& reply) override;
  void OnEnvelope(Connection& connection, wire::Envelope&& envelope) override;
  void OnClosed(Connection& connection, const Status& why) override;
  void Log(LogLevel level, const std::string& message) override;

  // Public-method plumbing (asio_driver.cc).
  Status PostAndWait(std::function<Status()> fn);
  // The same, for work that answers later (after a group sync): `fn` gets the reply function.
  using Reply = std::function<void(Status)>;
  Status PostAndWaitAsync(std::function<void(Reply)> fn);
  // Runs `action` once the sends and events of the steps so far are out: now, or after the
  // group's sync if some are held (with that sync's status).
  void AfterHeld(std::function<void(const Status&)> action);

  AsioDriverConfig config_;
  CoreFactory factory_;
  Storage* storage_;
  DriverCallbacks callbacks_;
  TransportStats stats_;
  Endpoint listen_endpoint_;  // fixed once Open returns

  // Declared before everything that holds Asio objects, so it is destroyed after them.
  asio::io_context io_;
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_{};
  bool stopped_ = false;  // guarded by stop_mutex_
  std::mutex stop_mutex_;

  mutable std::mutex health_mutex_;
  Status health_;

  std::mutex freeze_mutex_;
  std::condition_variable freeze_cv_;
  bool frozen_ = false;
  bool thaw_ = false;
  bool stopping_ = false;

  // Loop-thread state.
  std::shared_ptr<asio::ssl::context> tls_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<asio::steady_timer> accept_retry_;
  uint64_t incarnation_ = 0;
  Rng rng_{0};
  std::unique_ptr<Core> core_;
  Effects effects_;
  // Group commit (AsioDriverConfig::sync_policy): sends and events waiting for the group's sync.
  GroupCommit group_;
  struct Held {
    std::vector<NetOp> net;
    std::vector<Event> events;
    // Callers' replies and connection notices that must not overtake this step's output.
    std::vector<std::function<void(const Status&)>> then;
  };
  std::vector<Held> held_;
  bool flush_posted_ = false;
  bool in_step_ = false;
  bool failed_ = false;
  TimerQueue timers_;
  std::unique_ptr<asio::steady_timer> core_timer_;
  std::optional<Instant> core_timer_at_;
  AddressBook addresses_;
  std::map<NodeId, std::unique_ptr<PeerLink>> links_;
  std::map<NodeId, std::shared_ptr<Connection>> short_out_;
  std::map<NodeId, std::shared_ptr<Connection>> short_in_;
  std::set<std::shared_ptr<Connection>> inbound_;
  // Every connection ever made, weakly: Stop closes the ones still draining after the owner let
  // go of them (graceful closes, refusing replies). Pruned as it grows.
  std::vector<std::weak_ptr<Connection>> all_connections_;
  size_t prune_at_ = 64;
  uint64_t accept_error_streak_ = 0;
  // Envelopes held back by LinkFaults::Delay; made only when config_.faults is set.
  std::unique_ptr<DelayLine> delay_line_;

  // Blocking calls waiting on the loop; Stop answers the ones the loop will never run.
  struct PendingCall {
    std::promise<Status> promise;
    std::atomic<bool> claimed{false};
  };
  std::mutex calls_mutex_;
  std::set<std::shared_ptr<PendingCall>> pending_calls_;

 private:
  // asio_driver.cc: effects and core timers.
  void Apply();
  // Persists the step's batches; false after a failure (the node has stopped).
  bool ApplyPersists();
  void HoldForGroupSync();
  void FlushGroup();
  void ApplyNet(const NetOp& op);
  void ApplyTimers();
  void RearmCoreTimer();
  void OnCoreTimer();
  void FailStop(const Status& why);
  void CloseEverything();

  // driver_links.cc.
 public:
  void AcceptNext();
  size_t PendingInbound() const;
  void Connect(const NodeId& peer);
  void Disconnect(const NodeId& peer);
  void Send(const NodeId& peer, const Message& message, SendMode mode);

  // driver_faults.cc.
  void CloseConnections();

 private:
  void OnAccepted(asio::ip::tcp::socket socket);
  PeerLink& LinkOf(const NodeId& peer);
  void Dial(const NodeId& peer, PeerLink& link);
  std::shared_ptr<Connection> NewDial(const NodeId& peer, bool long_lived, uint64_t last_link_id);
  void LinkUp(const NodeId& peer, PeerLink& link, std::shared_ptr<Connection> connection);
  void LinkLost(const NodeId& peer, PeerLink& link, const std::string& why,
                LogLevel level = LogLevel::kInfo);
  void DialFailed(const NodeId& peer, PeerLink& link, const std::string& why);
  void ScheduleRetry(const NodeId& peer, PeerLink& link);
  void ForgetIfIdle(const NodeId& peer);
  void Notify(const NodeId& peer, LinkState state);
  void EnqueueOn(const std::shared_ptr<Connection>& connection, std::vector<uint8_t> frame);
  std::shared_ptr<Connection> ShortConnectionTo(const NodeId& peer);
  void Track(const std::shared_ptr<Connection>& connection);
  void LogRefused(const Connection& connection, const std::string& what);
  Decision DecideLink(Connection& connection, const wire::Hello& hello);
  void Deliver(const wire::Envelope& envelope);

  // driver_faults.cc (only called when config_.faults is set).
  // True if the envelope goes to the core now; otherwise it was dropped or is held back.
  bool AdmitEnvelope(wire::Envelope& envelope);
  void DeliverDelayed(wire::Envelope&& envelope);
  // True (and counted) if a connection with `peer` must not be made.
  bool FaultRefusesConnection(const NodeId& peer);
};

}  // namespace lashup::net

#endif  // LASHUP_NET_ASIO_DRIVER_IMPL_H_

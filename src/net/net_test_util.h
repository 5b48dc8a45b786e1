// Test support for the transport: a throwaway PKI on disk, a log capture, a waiter that blocks on
// a condition (woken by driver callbacks, never by sleeping), and a node harness that runs one
// PingPongCore under an AsioDriver. Test-only; not part of any library.
#ifndef LASHUP_NET_NET_TEST_UTIL_H_
#define LASHUP_NET_NET_TEST_UTIL_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/asio_driver.h"
#include "net/pki.h"
#include "sim/ping_pong_core.h"
#include "storage/memory_storage.h"

namespace lashup::net::testing {

using namespace std::chrono_literals;

WallTime WallNow();
std::string ReadWholeFile(const std::string& path);

// A CA and certificates in a temporary directory, removed on destruction.
class TestPki {
 public:
  TestPki();
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& dir() const { return dir_; }
  const Pem& ca() const { return ca_; }
  // A certificate naming `name` (SAN DNS), signed by this CA, valid now; written as
  // <file_stem>.crt/.key. `names` overrides what the certificate names.
  TlsFiles Issue(const std::string& file_stem, const std::vector<std::string>& names);
  TlsFiles ForNode(const NodeId& id) { return Issue(Stem(id), {id.str()}); }
  // Valid dates ended an hour ago.
  TlsFiles Expired(const NodeId& id);
  // Signed by a different CA (but the CA file is this one's: the node trusts us, we not it).
  TlsFiles FromOtherCa(const NodeId& id);

 private:
  static std::string Stem(const NodeId& id);
  TlsFiles Write(const std::string& stem, const Pem& leaf, const std::string& ca_file);

  std::string dir_;
  Pem ca_;
  std::string ca_file_;
  int counter_ = 0;
};

// Wakes waiters whenever something they might wait for changed.
class Waiter {
 public:
  void Notify() {
    std::lock_guard lock(mutex_);
    ++version_;
    cv_.notify_all();
  }
  // True if `ready()` held before the deadline. `ready` runs under no lock of ours.
  bool WaitFor(const std::function<bool()>& ready, Duration timeout);

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t version_ = 0;
};

// Collects log lines from any number of drivers.
class LogCapture {
 public:
  explicit LogCapture(Waiter* waiter = nullptr) : waiter_(waiter) {}
  LogSink Sink();
  bool Contains(const std::string& text) const;
  std::string All() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  Waiter* waiter_;
};

TransportLimits FastLimits();

// One PingPongCore node under an AsioDriver, with its notices recorded.
class PingNode {
 public:
  struct Options {
    NodeId id;
    std::vector<NodeId> peers;
    Security security = Security::kTls;
    TlsFiles tls;
    std::string listen = "127.0.0.1:0";
    TransportLimits limits = FastLimits();
    Duration ping_interval = 50ms;
    Duration backoff_min = 20ms;
    Duration backoff_max = 200ms;
    std::map<NodeId, Endpoint> addresses;  // AsioDriverConfig::peer_addresses
    uint64_t sync_every = 5;               // PingPongConfig::sync_every
    AsioDriverConfig::SyncPolicy sync_policy = AsioDriverConfig::SyncPolicy::kEveryBatch;
  };

  PingNode(Options options, Waiter& waiter, LogCapture* log = nullptr);
  ~PingNode() { Stop(); }  // before the maps the callbacks write to go away
  Status Start();          // may be called again after Stop (a restart on the same port)
  void Stop();

  AsioDriver& driver() { return *driver_; }
  bool running() const { return driver_ != nullptr; }
  const NodeId& id() const { return options_.id; }
  uint16_t port() const { return port_; }
  Options& options() { return options_; }
  MemoryStorage& storage() { return storage_; }

  // Counted from this node's callbacks.
  int ups(const NodeId& peer) const;
  int downs(const NodeId& peer) const;
  bool linked(const NodeId& peer) const;  // last notice for peer was up
  uint64_t rtts_from(const NodeId& peer) const;
  // Runs `read` over the core on its loop thread (no data race with the driver).
  Status Read(const std::function<void(const PingPongCore&)>& read);
  uint64_t pongs();              // 0 if the node is not running
  std::vector<TestData> data();  // TestData received; empty if not running

 private:
  Options options_;
  Waiter& waiter_;
  LogCapture* log_;
  MemoryStorage storage_;
  std::unique_ptr<AsioDriver> driver_;
  uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::map<NodeId, int> ups_;
  std::map<NodeId, int> downs_;
  std::map<NodeId, bool> linked_;
  std::map<NodeId, uint64_t> rtts_;
};

// Tells every node where every other listens.
void Introduce(const std::vector<PingNode*>& nodes);

}  // namespace lashup::net::testing

#endif  // LASHUP_NET_NET_TEST_UTIL_H_

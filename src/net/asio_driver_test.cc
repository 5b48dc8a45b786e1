// AsioDriver over loopback: the ping/pong test core on three nodes over mutual TLS; kill,
// restart, freeze; Disconnect; short-lived sends; simultaneous dials; persistence; TLS reload.
// Every wait ends on a condition that driver callbacks signal, with a deadline.
#include "net/asio_driver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "net/net_test_util.h"

namespace lashup::net {
namespace {

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::PingNode;
using testing::TestPki;
using testing::Waiter;

const NodeId kA = NodeId::FromLiteral("node-a");
const NodeId kB = NodeId::FromLiteral("node-b");
const NodeId kC = NodeId::FromLiteral("node-c");

class DriverTest : public ::testing::Test {
 protected:
  PingNode::Options Options(const NodeId& id, std::vector<NodeId> peers) {
    PingNode::Options options;
    options.id = id;
    options.peers = std::move(peers);
    options.tls = pki_.ForNode(id);
    return options;
  }
  std::unique_ptr<PingNode> Node(PingNode::Options options) {
    return std::make_unique<PingNode>(std::move(options), waiter_, &log_);
  }
  bool Eventually(const std::function<bool()>& ready, Duration timeout = 10s) {
    return waiter_.WaitFor(ready, timeout);
  }

  TestPki pki_;
  Waiter waiter_;
  LogCapture log_{&waiter_};
};

TEST_F(DriverTest, ThreeNodesPingOverTlsThenKillAndRestart) {
  auto a = Node(Options(kA, {kB, kC}));
  auto b = Node(Options(kB, {kA, kC}));
  auto c = Node(Options(kC, {kA, kB}));
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  ASSERT_TRUE(c->Start().ok());
  testing::Introduce({a.get(), b.get(), c.get()});

  // Every pair linked, and round trips measured both ways on every link.
  ASSERT_TRUE(Eventually([&] {
    for (PingNode* n : {a.get(), b.get(), c.get()}) {
      for (const NodeId& peer : {kA, kB, kC}) {
        if (peer != n->id() && (!n->linked(peer) || n->rtts_from(peer) < 3)) return false;
      }
    }
    return true;
  })) << log_.All();
  EXPECT_GT(a->driver().stats().frames_received, 0u);
  EXPECT_EQ(a->driver().stats().tls_failures, 0u) << log_.All();

  // Kill C: its sockets close; A and B see it down well within the idle timeout (1 s), because
  // a closed socket is noticed at once. (Counts are relative: a node that starts before it knows
  // a peer's address reports one failed attempt.)
  const int a_downs = a->downs(kC);
  const int b_downs = b->downs(kC);
  const int a_ups = a->ups(kC);
  const auto killed = std::chrono::steady_clock::now();
  c->Stop();
  ASSERT_TRUE(Eventually([&] { return !a->linked(kC) && !b->linked(kC); }, 3s)) << log_.All();
  EXPECT_LT(std::chrono::steady_clock::now() - killed, 1s);
  EXPECT_EQ(a->downs(kC), a_downs + 1);
  EXPECT_EQ(b->downs(kC), b_downs + 1);
  // A and B keep pinging each other.
  const uint64_t before = a->rtts_from(kB);
  ASSERT_TRUE(Eventually([&] { return a->rtts_from(kB) >= before + 3; }));

  // Restart C on the same port: A and B redial (backoff) and see it up again.
  ASSERT_TRUE(c->Start().ok());
  testing::Introduce({a.get(), b.get(), c.get()});
  ASSERT_TRUE(Eventually([&] {
    return a->linked(kC) && b->linked(kC) && c->linked(kA) && c->linked(kB) &&
           c->rtts_from(kA) >= 2 && c->rtts_from(kB) >= 2;
  })) << log_.All();
  EXPECT_EQ(a->ups(kC), a_ups + 1);
}

TEST_F(DriverTest, FrozenNodeIsDownAfterTheIdleTimeoutAndBackAfterThaw) {
  auto a = Node(Options(kA, {kB}));
  auto b = Node(Options(kB, {kA}));
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  testing::Introduce({a.get(), b.get()});
  ASSERT_TRUE(Eventually([&] { return a->linked(kB) && b->linked(kA); })) << log_.All();

  // Frozen like SIGSTOP: its socket stays open but it says nothing, so only silence can tell.
  b->driver().Freeze();
  const auto frozen = std::chrono::steady_clock::now();
  ASSERT_TRUE(Eventually([&] { return !a->linked(kB); }, 5s)) << log_.All();
  const auto took = std::chrono::steady_clock::now() - frozen;
  EXPECT_GE(took, 900ms);  // idle_timeout is 1 s
  EXPECT_LT(took, 2500ms);
  EXPECT_GE(a->driver().stats().idle_timeouts, 1u);

  b->driver().Thaw();
  ASSERT_TRUE(Eventually([&] { return a->linked(kB) && b->linked(kA); })) << log_.All();
}

TEST_F(DriverTest, DisconnectTellsOnlyTheOtherEndAndShortLivedSendsStillArrive) {
  auto a = Node(Options(kA, {kB}));
  auto b = Node(Options(kB, {}));  // B does not want the link; it accepts it
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  testing::Introduce({a.get(), b.get()});
  ASSERT_TRUE(Eventually([&] { return a->linked(kB) && b->linked(kA); })) << log_.All();
  const int a_downs = a->downs(kB);
  const uint64_t a_links = a->driver().stats().links_up;

  ASSERT_TRUE(a->driver()
                  .Invoke([](Core&, const Now&, Effects& out) {
                    out.Send(kB, TestData{"last words", {1, 2, 3}, {}});
                    out.Disconnect(kB);
                  })
                  .ok());
  ASSERT_TRUE(Eventually([&] { return !b->linked(kA); })) << log_.All();
  EXPECT_EQ(a->downs(kB), a_downs) << "the closing end is not told";
  // The message sent just before the Disconnect drained first.
  ASSERT_TRUE(Eventually([&] { return b->data().size() == 1; }));

  // No link now: kIfConnected is dropped and counted; kConnectFirst opens a short-lived one.
  ASSERT_TRUE(a->driver()
                  .Invoke([](Core&, const Now&, Effects& out) {
                    out.Send(kB, TestData{"dropped", {}, {}});
                    out.Send(kB, TestData{"short", {7}, {kA}}, SendMode::kConnectFirst);
                  })
                  .ok());
  ASSERT_TRUE(Eventually([&] {
    std::vector<TestData> got = b->data();
    return got.size() == 2 && got[1].label == "short";
  })) << log_.All();
  // A's core was not told of its own Disconnect, so it still pings B: those drop too.
  EXPECT_GE(a->driver().stats().dropped_not_connected, 1u);
  EXPECT_EQ(a->driver().stats().links_up, a_links) << "a short-lived connection is no link";
  EXPECT_EQ(b->ups(kA), 1);

  // B answers over the same short-lived connection (kConnectFirst finds it).
  ASSERT_TRUE(b->driver()
                  .Invoke([](Core&, const Now&, Effects& out) {
                    out.Send(kA, TestData{"reply", {}, {}}, SendMode::kConnectFirst);
                  })
                  .ok());
  ASSERT_TRUE(Eventually([&] { return a->data().size() == 1; }));
  EXPECT_EQ(b->driver().stats().dials, 0u) << "the reply reused the inbound connection";
}

TEST_F(DriverTest, SimultaneousDialsEndWithOneLinkEachWay) {
  // Both ends want the link and dial at once, again and again: each round must settle on one
  // link that both ends report up exactly once, whoever wins the race.
  auto a = Node(Options(kA, {}));
  auto b = Node(Options(kB, {}));
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  testing::Introduce({a.get(), b.get()});
  for (int round = 1; round <= 20; ++round) {
    auto connect = [](const NodeId& peer) {
      return [peer](Core&, const Now&, Effects& out) { out.Connect(peer); };
    };
    ASSERT_TRUE(a->driver().Invoke(connect(kB)).ok());
    ASSERT_TRUE(b->driver().Invoke(connect(kA)).ok());
    ASSERT_TRUE(Eventually([&] { return a->linked(kB) && b->linked(kA); })) << log_.All();
    ASSERT_TRUE(Eventually([&] {
      return a->driver().stats().links_up == static_cast<uint64_t>(round) &&
             b->driver().stats().links_up == static_cast<uint64_t>(round) && a->ups(kB) == round &&
             b->ups(kA) == round;
    })) << "round "
        << round << ": a " << a->driver().stats().ToJson() << "\nb "
        << b->driver().stats().ToJson();
    EXPECT_EQ(a->ups(kB), round);
    EXPECT_EQ(b->ups(kA), round);
    // Tear down from both ends; neither wants it now.
    auto disconnect = [](const NodeId& peer) {
      return [peer](Core&, const Now&, Effects& out) { out.Disconnect(peer); };
    };
    ASSERT_TRUE(a->driver().Invoke(disconnect(kB)).ok());
    ASSERT_TRUE(b->driver().Invoke(disconnect(kA)).ok());
    ASSERT_TRUE(Eventually([&] {
      return a->driver().stats().links_down == static_cast<uint64_t>(round) &&
             b->driver().stats().links_down == static_cast<uint64_t>(round);
    }));
  }
  // Nothing flapped after the last check of each round.
  EXPECT_EQ(a->driver().stats().links_up, 20u);
  EXPECT_EQ(b->driver().stats().links_up, 20u);
  EXPECT_GT(a->driver().stats().duplicate_dials + b->driver().stats().duplicate_dials, 0u)
      << "the race was never exercised";
}

TEST_F(DriverTest, AddressesKnownAtStartLinkWithoutAFailedAttempt) {
  auto b = Node(Options(kB, {}));
  ASSERT_TRUE(b->Start().ok());
  auto options = Options(kA, {kB});
  options.addresses[kB] = Endpoint{"127.0.0.1", b->port()};
  auto a = Node(options);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(Eventually([&] { return a->linked(kB) && b->linked(kA); })) << log_.All();
  EXPECT_EQ(a->downs(kB), 0);
  EXPECT_EQ(a->driver().stats().dial_failures, 0u);
}

TEST_F(DriverTest, PersistenceEffectsReachTheStorage) {
  auto a = Node(Options(kA, {kB}));
  auto b = Node(Options(kB, {kA}));
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  testing::Introduce({a.get(), b.get()});
  ASSERT_TRUE(Eventually([&] { return a->rtts_from(kB) >= 6; })) << log_.All();
  a->Stop();  // the storage is read only after the loop thread is gone
  auto count = a->storage().Get(Column::kTest, PingPongCore::kPongCountKey);
  ASSERT_TRUE(count.has_value());
  EXPECT_GE(std::stoul(*count), 6u);
  // A restart reads it back through CoreContext::recovered.
  ASSERT_TRUE(a->Start().ok());
  uint64_t recovered = 0;
  ASSERT_TRUE(a->Read([&](const PingPongCore& core) { recovered = core.recovered_pongs(); }).ok());
  EXPECT_EQ(recovered, std::stoul(*count));
}

TEST_F(DriverTest, GroupCommitMakesSyncedBatchesDurableAndTrafficKeepsFlowing) {
  PingNode::Options options_a = Options(kA, {kB});
  options_a.sync_every = 1;  // every pong counted is a synced batch
  options_a.sync_policy = AsioDriverConfig::SyncPolicy::kGroupCommit;
  PingNode::Options options_b = Options(kB, {kA});
  options_b.sync_policy = AsioDriverConfig::SyncPolicy::kGroupCommit;
  auto a = Node(options_a);
  auto b = Node(options_b);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  testing::Introduce({a.get(), b.get()});
  ASSERT_TRUE(Eventually([&] { return a->rtts_from(kB) >= 6; })) << log_.All();
  a->Stop();
  // Every batch went in unsynced and one sync per group made it durable; nothing synced is
  // lost by a crash, and the last group was synced before its step's events came out.
  const uint64_t applied = a->storage().batches_applied();
  EXPECT_GE(a->storage().syncs(), 1u);
  EXPECT_LE(a->storage().syncs(), applied);
  auto before = a->storage().Get(Column::kTest, PingPongCore::kPongCountKey);
  ASSERT_TRUE(before.has_value());
  a->storage().Crash();
  auto after = a->storage().Get(Column::kTest, PingPongCore::kPongCountKey);
  ASSERT_TRUE(after.has_value());
  EXPECT_GE(std::stoul(*after), 6u);
}

// A storage whose Flush waits until the test opens the gate: shows who is answered before the
// group's sync.
class GatedStorage final : public Storage {
 public:
  Status Apply(const WriteBatch& batch, Durability durability) override {
    return inner_.Apply(batch, durability);
  }
  Status Flush() override {
    std::unique_lock lock(mutex_);
    flushing_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    return inner_.Flush();
  }
  std::optional<std::string> Get(Column column, const std::string& key) const override {
    return inner_.Get(column, key);
  }
  std::vector<std::pair<std::string, std::string>> Scan(Column column,
                                                        const std::string& prefix) const override {
    return inner_.Scan(column, prefix);
  }
  bool WaitUntilFlushing() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return flushing_; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  MemoryStorage inner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool flushing_ = false;
  bool open_ = false;
};

TEST_F(DriverTest, UnderGroupCommitAnInvokeReturnsOnlyAfterItsWritesAreSynced) {
  GatedStorage storage;
  AsioDriverConfig config;
  config.self = kA;
  config.security = Security::kPlaintext;
  config.sync_policy = AsioDriverConfig::SyncPolicy::kGroupCommit;
  auto factory = [](const CoreContext& context) {
    return std::make_unique<PingPongCore>(context, PingPongConfig{{}, 1s, 0});
  };
  auto driver = AsioDriver::Start(config, factory, &storage, {});
  ASSERT_TRUE(driver.ok()) << driver.status();
  std::atomic<bool> returned{false};
  std::thread writer([&] {
    Status status = (*driver)->Invoke([](Core&, const Now&, Effects& out) {
      WriteBatch batch;
      batch.Put(Column::kTest, "k", "v");
      out.Persist(std::move(batch), Durability::kSync);
    });
    EXPECT_TRUE(status.ok()) << status;
    returned = true;
  });
  ASSERT_TRUE(storage.WaitUntilFlushing());
  // The step ran and its batch is written; its caller must still be waiting for the sync.
  EXPECT_FALSE(returned.load());
  storage.Open();
  writer.join();
  EXPECT_TRUE(returned.load());
  (*driver)->Stop();
}

TEST_F(DriverTest, ConfigurationErrorsAreClear) {
  MemoryStorage storage;
  auto factory = [](const CoreContext& context) {
    return std::make_unique<PingPongCore>(context, PingPongConfig{});
  };
  AsioDriverConfig config;
  config.self = kA;
  auto started = AsioDriver::Start(config, factory, &storage);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.status().message().find("plaintext must be chosen explicitly"),
            std::string::npos)
      << started.status();

  config.tls = pki_.ForNode(kA);
  config.tls.key_file = pki_.ForNode(kB).key_file;
  started = AsioDriver::Start(config, factory, &storage);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.status().message().find("mismatch"), std::string::npos) << started.status();

  config.tls = pki_.ForNode(kA);
  config.listen = "not-an-address";
  started = AsioDriver::Start(config, factory, &storage);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), StatusCode::kInvalidArgument);

  config.listen = "127.0.0.1:0";
  config.limits.keepalive_interval = config.limits.idle_timeout;
  EXPECT_EQ(AsioDriver::Start(config, factory, &storage).status().code(),
            StatusCode::kInvalidArgument);

  // Two drivers cannot listen on one port.
  config.limits = TransportLimits{};
  auto first = AsioDriver::Start(config, factory, &storage);
  ASSERT_TRUE(first.ok()) << first.status();
  config.listen = "127.0.0.1:" + std::to_string((*first)->listen_endpoint().port);
  // SO_REUSEADDR does not allow two live listeners on Linux.
  started = AsioDriver::Start(config, factory, &storage);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), StatusCode::kUnavailable);
}

TEST_F(DriverTest, PlaintextModeWorksWhenChosen) {
  auto options_a = Options(kA, {kB});
  auto options_b = Options(kB, {kA});
  options_a.security = options_b.security = Security::kPlaintext;
  options_a.tls = options_b.tls = TlsFiles{};
  auto a = Node(options_a);
  auto b = Node(options_b);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  testing::Introduce({a.get(), b.get()});
  ASSERT_TRUE(Eventually([&] { return a->rtts_from(kB) >= 3 && b->rtts_from(kA) >= 3; }))
      << log_.All();
}

TEST_F(DriverTest, ReloadedCertificatesServeNewConnections) {
  auto a = Node(Options(kA, {kB}));
  auto b = Node(Options(kB, {kA}));
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  testing::Introduce({a.get(), b.get()});
  ASSERT_TRUE(Eventually([&] { return a->linked(kB); })) << log_.All();

  // A broken reload keeps the old files.
  TlsFiles original = a->options().tls;
  ASSERT_TRUE(WriteFile(original.cert_file, "garbage", false).ok());
  Status reload = a->driver().ReloadTls();
  EXPECT_EQ(reload.code(), StatusCode::kInvalidArgument) << reload;

  // New files in place: the link carries on; a new connection uses them.
  TlsFiles fresh = pki_.ForNode(kA);
  ASSERT_TRUE(WriteFile(original.cert_file, testing::ReadWholeFile(fresh.cert_file), false).ok());
  ASSERT_TRUE(WriteFile(original.key_file, testing::ReadWholeFile(fresh.key_file), true).ok());
  ASSERT_TRUE(a->driver().ReloadTls().ok());
  EXPECT_EQ(a->driver().stats().tls_reloads, 1u);
  ASSERT_TRUE(a->driver()
                  .Invoke([](Core&, const Now&, Effects& out) {
                    out.Disconnect(kB);
                    out.Connect(kB);
                  })
                  .ok());
  ASSERT_TRUE(Eventually([&] { return a->driver().stats().links_up >= 2 && a->linked(kB); }))
      << log_.All();
}

}  // namespace
}  // namespace lashup::net

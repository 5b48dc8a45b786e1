// Review reproductions for the AsioDriver transport. Each test fails against the code as
// reviewed and passes once the defect it names is fixed. See the review report for the analysis.
#include <gtest/gtest.h>

#include <array>
#include <asio.hpp>
#include <atomic>
#include <filesystem>

#include <sys/resource.h>
#include <thread>

#include "net/asio_driver.h"
#include "net/asio_driver_impl.h"
#include "net/net_test_util.h"
#include "wire/handshake.h"

namespace lashup::net {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;
using testing::LogCapture;
using testing::PingNode;
using testing::TestPki;
using testing::Waiter;

const NodeId kA = NodeId::FromLiteral("node-a");
const NodeId kB = NodeId::FromLiteral("node-b");

// The driver's inside, for assertions on its maps. AsioDriver's only member is its unique_ptr
// to Impl (standard layout), so the object and that member share an address. Read the maps only
// from inside Invoke (the loop thread).
AsioDriver::Impl& ImplOf(AsioDriver& driver) {
  return **reinterpret_cast<std::unique_ptr<AsioDriver::Impl>*>(&driver);
}

// A plaintext client that speaks the handshake by hand, with its own io_context.
class HandshakeClient {
 public:
  explicit HandshakeClient(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), error_);
  }
  bool connected() const { return !error_; }
  bool SendHello(const wire::Hello& hello) {
    std::error_code error;
    asio::write(socket_, asio::buffer(wire::EncodeHandshakeFrame(hello)), error);
    return !error;
  }
  // The reply, or nullopt if the server closed or said nothing within `timeout`.
  std::optional<wire::HelloReply> ReadReply(Duration timeout) {
    std::array<uint8_t, 4> header{};
    if (!ReadExactly(asio::buffer(header), timeout)) return std::nullopt;
    const uint32_t length = header[0] | (header[1] << 8) | (header[2] << 16) |
                            (static_cast<uint32_t>(header[3]) << 24);
    if (length == 0 || length > 4096) return std::nullopt;
    std::vector<uint8_t> payload(length);
    if (!ReadExactly(asio::buffer(payload), timeout)) return std::nullopt;
    Result<wire::Handshake> decoded = wire::DecodeHandshake(payload);
    if (!decoded.ok() || !std::holds_alternative<wire::HelloReply>(*decoded)) return std::nullopt;
    return std::get<wire::HelloReply>(*decoded);
  }
  void Close() {
    std::error_code ignored;
    socket_.close(ignored);
  }

 private:
  bool ReadExactly(asio::mutable_buffer buffer, Duration timeout) {
    bool done = false;
    std::error_code result = asio::error::timed_out;
    asio::async_read(socket_, buffer, [&](const std::error_code& e, size_t) {
      done = true;
      result = e;
    });
    io_.restart();
    io_.run_for(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    if (!done) {
      std::error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
    }
    return !result;
  }

  asio::io_context io_;
  tcp::socket socket_;
  std::error_code error_;
};

PingNode::Options PlainOptions(const NodeId& id, std::vector<NodeId> peers) {
  PingNode::Options options;
  options.id = id;
  options.peers = std::move(peers);
  options.security = Security::kPlaintext;
  return options;
}

// ---- inbound_ keeps every connection the owner refused as a duplicate ---------------------------
//
// HandleHello with a kDuplicate (or kRefused) verdict from OnHello lets the connection drain and
// Terminate() without an OnClosed, so the owner never erases it from inbound_. PendingInbound()
// counts it forever (it is not open), and after max_pending_inbound such refusals every new inbound
// connection is refused at once. Duplicates are routine: every simultaneous dial produces one.
TEST(ReviewInboundLeak, DuplicateRefusalsExhaustThePendingInboundLimit) {
  // "z@127.0.0.1:PORT" is a peer whose listener never accepts: A's TCP connect completes in the
  // kernel's backlog and its Hello is written but never answered, so A's dial stays "Hello out".
  asio::io_context io;
  tcp::acceptor fake(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const NodeId z = NodeId::FromLiteral("z@127.0.0.1:" + std::to_string(fake.local_endpoint().port()));
  ASSERT_LT(kA, z);  // so A's decision on z's Hello is kDuplicate, not kAcceptAbortingDial

  Waiter waiter;
  LogCapture log(&waiter);
  PingNode::Options options = PlainOptions(kA, {z});
  options.limits.handshake_timeout = 30s;  // keep A's dial pending for the whole test
  options.limits.max_pending_inbound = 4;
  PingNode a(options, waiter, &log);
  ASSERT_TRUE(a.Start().ok());

  // Wait until A's Hello has reached the fake peer.
  tcp::socket dialed(io);
  fake.async_accept(dialed, [](const std::error_code&) {});
  io.run_for(5s);
  ASSERT_TRUE(dialed.is_open());
  std::array<uint8_t, 4> header{};
  std::error_code error;
  asio::read(dialed, asio::buffer(header), error);
  ASSERT_FALSE(error) << "A's Hello never came";

  // z's own dial reaches A six times; each is refused as a duplicate and ends. (Once the leak
  // has filled max_pending_inbound, A refuses the connection outright and no reply comes.)
  int duplicates = 0;
  for (uint64_t i = 0; i < 30 && duplicates < 6; ++i) {
    HandshakeClient client(a.port());
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.SendHello(wire::Hello{z, 1, true, 100 + i, 0}));
    std::optional<wire::HelloReply> reply = client.ReadReply(1s);
    client.Close();
    if (reply.has_value()) {
      ASSERT_EQ(reply->verdict, wire::Verdict::kDuplicate);
      ++duplicates;
    } else {
      std::this_thread::sleep_for(50ms);  // give A time to reap the closed connections
    }
  }
  EXPECT_EQ(duplicates, 6) << "A stopped answering after " << duplicates << " duplicates: "
                           << a.driver().stats().ToJson();

  // An honest short-lived connection from another node must still be served.
  const NodeId y = NodeId::FromLiteral("node-y");
  bool served = false;
  for (int attempt = 0; attempt < 20 && !served; ++attempt) {
    HandshakeClient client(a.port());
    if (client.connected() && client.SendHello(wire::Hello{y, 1, false, 7, 0})) {
      std::optional<wire::HelloReply> reply = client.ReadReply(1s);
      served = reply.has_value() && reply->verdict == wire::Verdict::kAccept;
    }
    if (!served) std::this_thread::sleep_for(100ms);  // give A time to reap closed connections
  }
  EXPECT_TRUE(served) << "A refuses every inbound connection: "
                      << a.driver().stats().ToJson();
  EXPECT_EQ(a.driver().stats().refused_over_limit, 0u) << a.driver().stats().ToJson();

  // The same thing seen from inside: ended connections stay in inbound_.
  size_t inbound = 0;
  ASSERT_TRUE(a.driver()
                  .Invoke([&](Core&, const Now&, Effects&) {
                    for (const auto& c : ImplOf(a.driver()).inbound_) {
                      inbound += c->stage() == Connection::Stage::kClosed ? 1 : 0;
                    }
                  })
                  .ok());
  EXPECT_EQ(inbound, 0u) << "closed connections still held in inbound_";
}

// ---- A lost link is reported down twice -------------------------------------------------------
//
// LinkLost() notifies kDown but leaves told_down false, so the first failed redial notifies kDown
// again. The simulator (BreakLink sets told_down) reports one. ThreeNodesPingOverTls...'s
// `downs == before + 1` check races this second notice.
TEST(ReviewNotices, OneDownPerLostLinkNotOnePerFirstFailedRedial) {
  Waiter waiter;
  LogCapture log(&waiter);
  PingNode a(PlainOptions(kA, {kB}), waiter, &log);
  PingNode b(PlainOptions(kB, {kA}), waiter, &log);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  testing::Introduce({&a, &b});
  ASSERT_TRUE(waiter.WaitFor([&] { return a.linked(kB) && b.linked(kA); }, 10s)) << log.All();
  const int downs_before = a.downs(kB);
  const uint64_t failures_before = a.driver().stats().dial_failures;

  b.Stop();  // A's redials are refused at once (nothing listens)
  ASSERT_TRUE(waiter.WaitFor(
      [&] { return !a.linked(kB) && a.driver().stats().dial_failures >= failures_before + 3; },
      10s))
      << log.All();
  ASSERT_TRUE(a.driver().Invoke([](Core&, const Now&, Effects&) {}).ok());  // flush notices
  EXPECT_EQ(a.downs(kB), downs_before + 1) << "one link went down once";
}

// ---- The frame decoder's buffer bound is below one plaintext read ------------------------------
//
// FrameDecoder::Feed refuses to hold more than 2 * (max_frame_bytes + 4) bytes, but Connection
// reads up to 64 KiB at a time. With max_frame_bytes under ~32 KiB, a burst of small valid frames
// from an honest peer poisons the decoder and the link is dropped as a protocol error. (Over TLS
// each read returns one record, so the bound holds there by accident.)
TEST(ReviewDecoder, BurstOfSmallFramesUnderASmallFrameLimitKeepsTheLink) {
  Waiter waiter;
  LogCapture log(&waiter);
  PingNode::Options options_a = PlainOptions(kA, {kB});
  PingNode::Options options_b = PlainOptions(kB, {kA});
  options_a.limits.codec.max_frame_bytes = options_b.limits.codec.max_frame_bytes = 4096;
  PingNode a(options_a, waiter, &log);
  PingNode b(options_b, waiter, &log);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  testing::Introduce({&a, &b});
  ASSERT_TRUE(waiter.WaitFor([&] { return a.linked(kB) && b.linked(kA); }, 10s)) << log.All();

  constexpr int kBurst = 64;
  ASSERT_TRUE(a.driver()
                  .Invoke([](Core&, const Now&, Effects& out) {
                    for (int i = 0; i < kBurst; ++i) {
                      out.Send(kB, TestData{"burst", std::vector<uint8_t>(1000, 0x5a), {}});
                    }
                  })
                  .ok());
  EXPECT_TRUE(waiter.WaitFor([&] { return b.data().size() == kBurst; }, 5s))
      << "B got " << b.data().size() << " of " << kBurst << "\n" << log.All();
  EXPECT_EQ(b.driver().stats().protocol_errors, 0u) << log.All();
  EXPECT_EQ(a.driver().stats().links_down, 0u);
}

// ---- links_ keeps one PeerLink per peer ever seen ----------------------------------------------
//
// No path erases an entry of links_, not even for a peer that is neither wanted nor connected.
// Churn (peers replaced over months) or, in plaintext, any client claiming fresh ids grows it
// without bound; each entry holds a steady_timer.
TEST(ReviewLinks, UnwantedDisconnectedPeersAreForgotten) {
  Waiter waiter;
  LogCapture log(&waiter);
  PingNode a(PlainOptions(kA, {}), waiter, &log);
  ASSERT_TRUE(a.Start().ok());

  constexpr int kPeers = 50;
  for (int i = 0; i < kPeers; ++i) {
    HandshakeClient client(a.port());
    ASSERT_TRUE(client.connected());
    const NodeId id = NodeId::FromLiteral("churn-" + std::to_string(i));
    ASSERT_TRUE(client.SendHello(wire::Hello{id, 1, true, 1000 + static_cast<uint64_t>(i), 0}));
    std::optional<wire::HelloReply> reply = client.ReadReply(3s);
    ASSERT_TRUE(reply.has_value() && reply->verdict == wire::Verdict::kAccept) << log.All();
    client.Close();
  }
  ASSERT_TRUE(waiter.WaitFor(
      [&] { return a.driver().stats().links_down >= static_cast<uint64_t>(kPeers); }, 10s))
      << a.driver().stats().ToJson();

  size_t entries = 0;
  ASSERT_TRUE(a.driver()
                  .Invoke([&](Core&, const Now&, Effects&) {
                    entries = ImplOf(a.driver()).links_.size();
                  })
                  .ok());
  EXPECT_EQ(entries, 0u) << "every peer ever linked keeps a PeerLink";
}

// ---- max_short_lived_outbound = 0 passes validation and then crashes ---------------------------
//
// ShortConnectionTo evicts short_out_.begin() when size() >= the limit; with a limit of 0 and an
// empty map that dereferences and erases end().
TEST(ReviewConfigDeathTest, ZeroShortLivedOutboundLimitIsRejectedOrHarmless) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        MemoryStorage storage;
        AsioDriverConfig config;
        config.self = kA;
        config.security = Security::kPlaintext;
        config.limits.max_short_lived_outbound = 0;
        auto factory = [](const CoreContext& context) {
          return std::make_unique<PingPongCore>(context, PingPongConfig{});
        };
        auto driver = AsioDriver::Start(config, factory, &storage);
        if (driver.ok()) {
          (void)(*driver)->Invoke([](Core&, const Now&, Effects& out) {
            out.Send(NodeId::FromLiteral("b@127.0.0.1:9"), TestData{"x", {}, {}},
                     SendMode::kConnectFirst);
          });
          (*driver)->Stop();
        }
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

// ---- Core steps run after Stop closed everything, on the caller's thread -----------------------
//
// Stop() posts CloseEverything + io_.stop(), joins, then io_.poll()s what is left. Completions the
// reactor queued behind the stop handler (a core timer that had already expired, a retry timer, a
// Notify) then run: RunStep calls the core on the thread that called Stop, after CloseEverything,
// and its effects open new connections nobody will close until the driver is destroyed.
class ThreadRecordingCore final : public Core {
 public:
  struct Shared {
    std::atomic<std::thread::id> loop{};
    std::atomic<int> timer_steps{0};
    std::atomic<int> off_loop_steps{0};
  };
  explicit ThreadRecordingCore(Shared& shared) : shared_(shared) {}
  void Start(const Now& now, Effects& out) override {
    shared_.loop = std::this_thread::get_id();
    out.SetTimer(TimerId{Component::kTest, 1, 0}, now.mono + 5ms);
  }
  void OnMessage(const Now&, const NodeId&, const Message&, Effects&) override {}
  void OnTimer(const Now& now, TimerId id, Effects& out) override {
    ++shared_.timer_steps;
    if (std::this_thread::get_id() != shared_.loop.load()) ++shared_.off_loop_steps;
    out.SetTimer(id, now.mono + 5ms);
  }
  void OnConnection(const Now&, const NodeId&, LinkState, Effects&) override {}

 private:
  Shared& shared_;
};

TEST(ReviewStop, NoCoreStepRunsAfterStopOrOffTheLoopThread) {
  int off_loop = 0;
  for (int round = 0; round < 5 && off_loop == 0; ++round) {
    ThreadRecordingCore::Shared shared;
    MemoryStorage storage;
    AsioDriverConfig config;
    config.self = kA;
    config.security = Security::kPlaintext;
    auto factory = [&shared](const CoreContext&) {
      return std::make_unique<ThreadRecordingCore>(shared);
    };
    auto driver = AsioDriver::Start(config, factory, &storage);
    ASSERT_TRUE(driver.ok()) << driver.status();
    while (shared.timer_steps < 3) std::this_thread::sleep_for(1ms);
    // Hold the loop while the core timer expires, then stop: the expiry is queued behind the
    // stop handler and run by Stop's poll().
    (*driver)->Freeze();
    std::this_thread::sleep_for(30ms);
    (*driver)->Stop();
    off_loop += shared.off_loop_steps;
  }
  EXPECT_EQ(off_loop, 0) << "a core step ran on the thread that called Stop, after Stop closed "
                            "everything";
}

// ---- Freeze right after Thaw returns without freezing ------------------------------------------
//
// Freeze() returns at once when frozen_ is still true, which it is between Thaw() and the loop
// waking up; the loop then runs on. Tests that Thaw and Freeze again test nothing.
TEST(ReviewFreeze, FreezeRightAfterThawReallyFreezes) {
  int not_frozen = 0;
  for (int round = 0; round < 5; ++round) {
    MemoryStorage storage;
    AsioDriverConfig config;
    config.self = kA;
    config.security = Security::kPlaintext;
    auto factory = [](const CoreContext& context) {
      return std::make_unique<PingPongCore>(context, PingPongConfig{});
    };
    auto driver = AsioDriver::Start(config, factory, &storage);
    ASSERT_TRUE(driver.ok()) << driver.status();
    AsioDriver& d = **driver;
    d.Freeze();
    d.Thaw();
    d.Freeze();  // must return only once the loop is blocked again
    std::atomic<bool> ran{false};
    std::thread probe([&] { (void)d.Invoke([&](Core&, const Now&, Effects&) { ran = true; }); });
    std::this_thread::sleep_for(100ms);
    if (ran) ++not_frozen;
    d.Thaw();
    probe.join();
    d.Stop();
  }
  EXPECT_EQ(not_frozen, 0) << "the loop ran Invoke while Freeze() claimed it was frozen";
}

// ---- kConnectFirst frames lost with an evicted short-lived dial are not counted ----------------
//
// ShortConnectionTo makes room by Close(true) on short_out_.begin() and erases it with no
// OnClosed. A victim still in its handshake is terminated at once, and the frames queued on it
// vanish: dropped_connect_failed (which OnClosed bumps by lost_frames()) never hears of them. The
// same happens when a short-lived dial is refused (Impl::OnReply calls OnClosed before the
// connection's Terminate has set lost_frames()).
TEST(ReviewShortLived, FramesLostWithAnEvictedDialAreCounted) {
  // Two peers whose listeners never accept: A's dials to them stay in the handshake.
  asio::io_context io;
  tcp::acceptor p1(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::acceptor p2(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const NodeId id1 = NodeId::FromLiteral("p1@127.0.0.1:" + std::to_string(p1.local_endpoint().port()));
  const NodeId id2 = NodeId::FromLiteral("p2@127.0.0.1:" + std::to_string(p2.local_endpoint().port()));
  Waiter waiter;
  LogCapture log(&waiter);
  PingNode::Options options = PlainOptions(kA, {});
  options.limits.max_short_lived_outbound = 1;
  options.limits.handshake_timeout = 30s;
  PingNode a(options, waiter, &log);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(a.driver()
                  .Invoke([&](Core&, const Now&, Effects& out) {
                    out.Send(id1, TestData{"to p1", {}, {}}, SendMode::kConnectFirst);
                  })
                  .ok());
  ASSERT_TRUE(a.driver()
                  .Invoke([&](Core&, const Now&, Effects& out) {
                    out.Send(id2, TestData{"to p2", {}, {}}, SendMode::kConnectFirst);
                  })
                  .ok());
  // The message to p1 can never be delivered now; it must show up as dropped.
  EXPECT_EQ(a.driver().stats().dropped_connect_failed, 1u) << a.driver().stats().ToJson();
}

// ---- An accept error other than "aborted" re-arms the accept at once: a busy loop -------------
//
// AcceptNext() re-arms async_accept immediately after any error. When the process is out of file
// descriptors (EMFILE), the pending connection stays in the backlog, the listener stays
// readable, and every accept fails again at once: the loop thread spins at 100% CPU until an fd
// frees up. Run in a child process (it lowers RLIMIT_NOFILE).
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

TEST(ReviewAcceptDeathTest, OutOfFileDescriptorsDoesNotSpinTheLoop) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        MemoryStorage storage;
        AsioDriverConfig config;
        config.self = kA;
        config.security = Security::kPlaintext;
        auto factory = [](const CoreContext& context) {
          return std::make_unique<PingPongCore>(context, PingPongConfig{});
        };
        auto driver = AsioDriver::Start(config, factory, &storage);
        if (!driver.ok()) std::_Exit(2);
        const uint16_t port = (*driver)->listen_endpoint().port;
        asio::io_context io;
        tcp::socket client(io);
        client.open(tcp::v4());
        // No free descriptor left: the driver's accept gets EMFILE.
        size_t open_fds = 0;
        for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
          (void)entry;
          ++open_fds;
        }
        rlimit limit{};
        getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = open_fds - 1;  // the count included the directory iterator's own fd
        setrlimit(RLIMIT_NOFILE, &limit);
        std::error_code error;
        client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), error);
        if (error) std::_Exit(3);
        const double before = CpuSeconds();
        std::this_thread::sleep_for(500ms);
        const double used = CpuSeconds() - before;
        std::_Exit(used < 0.25 ? 0 : 1);  // a spinning loop burns ~0.5 s of CPU here
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace lashup::net

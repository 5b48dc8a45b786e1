// The node under attack: raw sockets sending random bytes, a frame header announcing 4 GiB (in
// plaintext and behind a valid TLS handshake), clients that connect and never speak, more
// half-open clients than the pending limit, and a peer that stops reading while we send. In each
// case the node stays up, keeps serving an honest peer, and its memory stays bounded.
#include <gtest/gtest.h>

#include <array>
#include <asio.hpp>
#include <asio/ssl.hpp>

#include "core/rng.h"
#include "net/asio_driver.h"
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
const NodeId kC = NodeId::FromLiteral("node-c");
const NodeId kMallory = NodeId::FromLiteral("mallory");

// A client that speaks raw bytes: the test's own io_context, run only while waiting.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), error_);
  }
  bool connected() const { return !error_; }
  void Write(const std::vector<uint8_t>& bytes) {
    std::error_code ignored;
    asio::write(socket_, asio::buffer(bytes), ignored);
  }
  // True if the server closes the connection (EOF or reset) within `timeout`; whatever else it
  // sends is read and dropped.
  bool ClosedWithin(Duration timeout) { return ClosedWithin(socket_, timeout); }

  template <typename Stream>
  bool ClosedWithin(Stream& stream, Duration timeout) {
    bool closed = false;
    std::function<void()> read_more;
    std::array<uint8_t, 4096> buffer;
    read_more = [&] {
      stream.async_read_some(asio::buffer(buffer), [&](const std::error_code& e, size_t) {
        if (e) {
          closed = true;
        } else {
          read_more();
        }
      });
    };
    read_more();
    io_.restart();
    io_.run_for(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    if (!closed) {
      std::error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
    }
    return closed;
  }

  asio::io_context& io() { return io_; }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  std::error_code error_;
};

std::vector<uint8_t> RandomBytes(uint64_t seed, size_t n) {
  Rng rng(seed);
  std::vector<uint8_t> bytes(n);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng.Next());
  return bytes;
}

const std::vector<uint8_t> k4GiBHeader = {0xff, 0xff, 0xff, 0xff};

class RobustnessTest : public ::testing::Test {
 protected:
  // A under attack, linked with B; both ping every 50 ms.
  void StartPair(Security security, TransportLimits limits = testing::FastLimits()) {
    a_ = Node(kA, {kB}, security, limits);
    b_ = Node(kB, {kA}, security, testing::FastLimits());
    ASSERT_TRUE(a_->Start().ok());
    ASSERT_TRUE(b_->Start().ok());
    testing::Introduce({a_.get(), b_.get()});
    ASSERT_TRUE(waiter_.WaitFor([&] { return a_->linked(kB) && b_->rtts_from(kA) >= 2; }, 10s))
        << log_.All();
  }
  std::unique_ptr<PingNode> Node(const NodeId& id, std::vector<NodeId> peers, Security security,
                                 TransportLimits limits) {
    PingNode::Options options;
    options.id = id;
    options.peers = std::move(peers);
    options.security = security;
    if (security == Security::kTls) options.tls = pki_.ForNode(id);
    options.limits = limits;
    return std::make_unique<PingNode>(std::move(options), waiter_, &log_);
  }
  // A still answers B, and the link never dropped.
  void ExpectStillServing() {
    const uint64_t before = b_->rtts_from(kA);
    EXPECT_TRUE(waiter_.WaitFor([&] { return b_->rtts_from(kA) >= before + 5; }, 5s)) << log_.All();
    EXPECT_TRUE(a_->linked(kB));
    EXPECT_EQ(a_->driver().stats().links_down, 0u) << a_->driver().stats().ToJson();
    EXPECT_TRUE(a_->driver().health().ok());
  }

  TestPki pki_;
  Waiter waiter_;
  LogCapture log_{&waiter_};
  std::unique_ptr<PingNode> a_;
  std::unique_ptr<PingNode> b_;
};

TEST_F(RobustnessTest, RandomBytesAreRefusedOverTls) {
  StartPair(Security::kTls);
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    RawClient client(a_->port());
    ASSERT_TRUE(client.connected());
    std::vector<uint8_t> bytes = RandomBytes(seed, 16 << 10);
    if (seed % 2 == 0) bytes[0] = 0x16;  // looks like TLS: OpenSSL must refuse the rest
    client.Write(bytes);
    EXPECT_TRUE(client.ClosedWithin(3s)) << "seed " << seed;
  }
  EXPECT_GE(a_->driver().stats().tls_failures, 20u) << a_->driver().stats().ToJson();
  EXPECT_GE(a_->driver().stats().plaintext_refused, 10u);
  ExpectStillServing();
}

TEST_F(RobustnessTest, RandomBytesAndAHugeHeaderAreRefusedInPlaintext) {
  StartPair(Security::kPlaintext);
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    RawClient client(a_->port());
    ASSERT_TRUE(client.connected());
    client.Write(RandomBytes(seed, 16 << 10));
    EXPECT_TRUE(client.ClosedWithin(3s)) << "seed " << seed;
  }
  // A header announcing 4 GiB is refused as soon as its four bytes are in, long before the
  // handshake timeout, and nothing is buffered for it.
  RawClient huge(a_->port());
  huge.Write(k4GiBHeader);
  const auto sent = std::chrono::steady_clock::now();
  EXPECT_TRUE(huge.ClosedWithin(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 1s);
  EXPECT_TRUE(waiter_.WaitFor([&] { return log_.Contains("bytes exceeds the limit"); }, 3s))
      << log_.All();
  EXPECT_GE(a_->driver().stats().handshake_failures, 21u);
  ExpectStillServing();
}

TEST_F(RobustnessTest, HugeHeaderFromAnAuthenticatedPeerAfterItsHello) {
  StartPair(Security::kTls);
  // Mallory holds a valid certificate: the TLS handshake and the Hello pass, then it lies.
  const TlsFiles files = pki_.ForNode(kMallory);
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file(files.ca_file);
  context.use_certificate_chain_file(files.cert_file);
  context.use_private_key_file(files.key_file, asio::ssl::context::pem);
  context.set_verify_mode(asio::ssl::verify_peer);
  RawClient client(a_->port());
  asio::ssl::stream<tcp::socket&> tls(client.socket(), context);
  std::error_code error;
  tls.handshake(asio::ssl::stream_base::client, error);
  ASSERT_FALSE(error) << error.message();
  asio::write(tls, asio::buffer(wire::EncodeHandshakeFrame(wire::Hello{kMallory, 1, false, 9, 0})),
              error);
  ASSERT_FALSE(error);
  asio::write(tls, asio::buffer(k4GiBHeader), error);
  EXPECT_TRUE(client.ClosedWithin(tls, 3s));
  // The counter moves before the log line is written: wait for both.
  EXPECT_TRUE(waiter_.WaitFor(
      [&] {
        return a_->driver().stats().protocol_errors >= 1 &&
               log_.Contains("short-lived connection with mallory") &&
               log_.Contains("bytes exceeds the limit");
      },
      3s))
      << a_->driver().stats().ToJson() << "\n"
      << log_.All();
  ExpectStillServing();
}

TEST_F(RobustnessTest, SilentClientsAreCutOffAndPendingOnesAreBounded) {
  TransportLimits limits = testing::FastLimits();
  limits.handshake_timeout = 500ms;
  limits.max_pending_inbound = 8;
  StartPair(Security::kTls, limits);
  // Twenty clients connect and say nothing: eight wait out the handshake timeout, the rest are
  // refused at once.
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(std::make_unique<RawClient>(a_->port()));
  for (auto& client : clients) EXPECT_TRUE(client->ClosedWithin(3s));
  const TransportCounters stats = a_->driver().stats();
  EXPECT_GE(stats.handshake_timeouts, 1u) << stats.ToJson();
  EXPECT_LE(stats.handshake_timeouts, 8u) << stats.ToJson();
  EXPECT_GE(stats.refused_over_limit, 12u) << stats.ToJson();
  EXPECT_TRUE(waiter_.WaitFor([&] { return log_.Contains("took longer than 500 ms"); }, 3s))
      << log_.All();
  ExpectStillServing();
}

TEST_F(RobustnessTest, PeerThatStopsReadingIsDroppedWithBoundedMemory) {
  TransportLimits limits = testing::FastLimits();
  limits.codec.max_frame_bytes = 256 << 10;
  limits.max_send_queue_bytes = 1 << 20;
  limits.idle_timeout = 5s;  // so the drop below is the queue's doing, not silence
  limits.keepalive_interval = 1s;
  StartPair(Security::kTls, limits);
  // C is a second honest peer of A; it must not notice.
  auto c = Node(kC, {kA}, Security::kTls, testing::FastLimits());
  ASSERT_TRUE(c->Start().ok());
  testing::Introduce({a_.get(), b_.get(), c.get()});
  ASSERT_TRUE(waiter_.WaitFor([&] { return c->rtts_from(kA) >= 2; }, 10s)) << log_.All();

  b_->driver().Freeze();  // B's socket stays open; B reads nothing
  const std::vector<uint8_t> payload(64 << 10, 0xab);
  for (int batch = 0; batch < 200 && a_->linked(kB); ++batch) {
    ASSERT_TRUE(a_->driver()
                    .Invoke([&](Core&, const Now&, Effects& out) {
                      for (int i = 0; i < 8; ++i) out.Send(kB, TestData{"bulk", payload, {}});
                    })
                    .ok());
    waiter_.WaitFor([&] { return !a_->linked(kB); }, 5ms);
  }
  EXPECT_TRUE(waiter_.WaitFor([&] { return !a_->linked(kB); }, 5s))
      << a_->driver().stats().ToJson();
  const TransportCounters stats = a_->driver().stats();
  EXPECT_GE(stats.slow_peer_drops, 1u) << stats.ToJson();
  EXPECT_LE(stats.max_queue_bytes, limits.max_send_queue_bytes) << stats.ToJson();
  EXPECT_TRUE(waiter_.WaitFor([&] { return log_.Contains("does not keep up"); }, 3s)) << log_.All();

  // C kept being served throughout.
  const uint64_t before = c->rtts_from(kA);
  EXPECT_TRUE(waiter_.WaitFor([&] { return c->rtts_from(kA) >= before + 5; }, 5s));
  EXPECT_TRUE(a_->linked(kC));

  // B wakes up, finds its link gone, and the two link again.
  b_->driver().Thaw();
  EXPECT_TRUE(waiter_.WaitFor([&] { return a_->linked(kB) && b_->linked(kA); }, 10s)) << log_.All();
}

}  // namespace
}  // namespace lashup::net

// Mutual TLS refusals: a certificate from another CA, an expired certificate, a certificate that
// names another node than the one claimed (or dialled), and a plaintext client. Each must be
// refused in both directions where that applies, never reach the core as a link, and leave a log
// line that says why.
#include <gtest/gtest.h>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "net/asio_driver.h"
#include "net/net_test_util.h"

namespace lashup::net {
namespace {

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::PingNode;
using testing::TestPki;
using testing::Waiter;

const NodeId kA = NodeId::FromLiteral("node-a");
const NodeId kX = NodeId::FromLiteral("node-x");
const NodeId kY = NodeId::FromLiteral("node-y");

class TlsRefusalTest : public ::testing::Test {
 protected:
  std::unique_ptr<PingNode> Node(const NodeId& id, std::vector<NodeId> peers, TlsFiles tls,
                                 Security security = Security::kTls) {
    PingNode::Options options;
    options.id = id;
    options.peers = std::move(peers);
    options.tls = std::move(tls);
    options.security = security;
    return std::make_unique<PingNode>(std::move(options), waiter_, &log_);
  }
  // Runs `intruder` dialling an honest node A, and A dialling the intruder; both attempts must
  // fail with `a_logs` in A's log lines (A is the node under test).
  void ExpectRefusedBothWays(TlsFiles intruder_files, const std::string& a_inbound_reason,
                             const std::string& a_outbound_reason) {
    auto a = Node(kA, {kX}, pki_.ForNode(kA));
    auto x = Node(kX, {kA}, std::move(intruder_files));
    ASSERT_TRUE(a->Start().ok());
    ASSERT_TRUE(x->Start().ok());
    testing::Introduce({a.get(), x.get()});
    EXPECT_TRUE(waiter_.WaitFor(
        [&] {
          return log_.Contains("node-a: refused inbound connection from 127.0.0.1:") &&
                 log_.Contains(a_inbound_reason) && log_.Contains(a_outbound_reason);
        },
        10s))
        << log_.All();
    EXPECT_EQ(a->ups(kX), 0) << log_.All();
    EXPECT_EQ(x->ups(kA), 0) << log_.All();
    EXPECT_GE(a->downs(kX), 1) << "A wanted the link and must hear that it failed";
    EXPECT_EQ(a->driver().stats().links_up, 0u);
    EXPECT_GE(a->driver().stats().handshake_failures, 1u);
  }

  TestPki pki_;
  Waiter waiter_;
  LogCapture log_{&waiter_};
};

TEST_F(TlsRefusalTest, CertificateFromAnotherCa) {
  ExpectRefusedBothWays(pki_.FromOtherCa(kX),
                        "certificate verification failed: unable to get local issuer certificate",
                        "cannot link to node-x: PERMISSION_DENIED: certificate verification "
                        "failed: unable to get local issuer certificate");
}

TEST_F(TlsRefusalTest, ExpiredCertificate) {
  ExpectRefusedBothWays(pki_.Expired(kX),
                        "certificate verification failed: certificate has expired",
                        "cannot link to node-x: PERMISSION_DENIED: certificate verification "
                        "failed: certificate has expired");
}

TEST_F(TlsRefusalTest, CertificateNamingAnotherNode) {
  // X holds a perfectly valid certificate, for Y.
  ExpectRefusedBothWays(pki_.Issue("x-as-y", {kY.str()}),
                        "claims to be node-x but its certificate names node-y",
                        "dialed node-x at 127.0.0.1:");
  EXPECT_TRUE(log_.Contains("but its certificate names node-y")) << log_.All();
}

TEST_F(TlsRefusalTest, PlaintextClient) {
  auto a = Node(kA, {}, pki_.ForNode(kA));
  auto x = Node(kX, {kA}, {}, Security::kPlaintext);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(x->Start().ok());
  testing::Introduce({a.get(), x.get()});
  ASSERT_TRUE(waiter_.WaitFor(
      [&] {
        return log_.Contains("node-a: refused inbound connection from 127.0.0.1:") &&
               log_.Contains("not a TLS client (first byte 0x") &&
               log_.Contains("plaintext connections are refused") && x->downs(kA) >= 1;
      },
      10s))
      << log_.All();
  EXPECT_EQ(a->ups(kX), 0);
  EXPECT_EQ(x->ups(kA), 0);
  EXPECT_GE(a->driver().stats().plaintext_refused, 1u);
}

TEST_F(TlsRefusalTest, Tls12ClientIsRefusedEvenWithAValidCertificate) {
  auto a = Node(kA, {}, pki_.ForNode(kA));
  ASSERT_TRUE(a->Start().ok());
  const TlsFiles files = pki_.ForNode(kX);
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file(files.ca_file);
  context.use_certificate_chain_file(files.cert_file);
  context.use_private_key_file(files.key_file, asio::ssl::context::pem);
  SSL_CTX_set_max_proto_version(context.native_handle(), TLS1_2_VERSION);
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), a->port()});
  asio::ssl::stream<asio::ip::tcp::socket&> tls(socket, context);
  std::error_code error;
  tls.handshake(asio::ssl::stream_base::client, error);
  EXPECT_TRUE(error) << "a TLS 1.2 handshake succeeded";
  ASSERT_TRUE(waiter_.WaitFor(
      [&] {
        return log_.Contains("node-a: refused inbound connection from 127.0.0.1:") &&
               log_.Contains("TLS handshake failed: unsupported protocol");
      },
      5s))
      << log_.All();
  EXPECT_EQ(a->driver().stats().tls_failures, 1u);
}

TEST_F(TlsRefusalTest, HonestPeersStillLinkWhileAnIntruderKnocks) {
  const NodeId b_id = NodeId::FromLiteral("node-b");
  auto a = Node(kA, {b_id}, pki_.ForNode(kA));
  auto b = Node(b_id, {kA}, pki_.ForNode(b_id));
  auto x = Node(kX, {kA}, pki_.Expired(kX));
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  ASSERT_TRUE(x->Start().ok());
  testing::Introduce({a.get(), b.get(), x.get()});
  ASSERT_TRUE(waiter_.WaitFor(
      [&] {
        return a->rtts_from(b_id) >= 5 && b->rtts_from(kA) >= 5 &&
               a->driver().stats().tls_failures >= 3;  // X keeps retrying with backoff
      },
      10s))
      << log_.All();
  EXPECT_EQ(a->ups(kX), 0);
}

}  // namespace
}  // namespace lashup::net

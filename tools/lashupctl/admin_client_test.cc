#include "admin_client.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

namespace lashup::ctl {
namespace {

using std::chrono::milliseconds;

// One end for the client under test, the other for the test playing the daemon.
struct Pair {
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    client = fds[0];
    daemon = fds[1];
  }
  ~Pair() {
    if (daemon >= 0) ::close(daemon);
  }
  void Write(std::string_view text) const {
    ASSERT_EQ(::write(daemon, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  void CloseDaemon() {
    ::close(daemon);
    daemon = -1;
  }
  int client = -1;
  int daemon = -1;
};

TEST(CtlAdminClientTest, ReadsLinesArrivingInPieces) {
  Pair pair;
  AdminClient client(pair.client);
  std::thread writer([&] {
    pair.Write("{\"ok\":");
    pair.Write("true}\n{\"event\":1}\n{\"ev");
    pair.Write("ent\":2}\n");
  });
  auto first = client.ReadLine(DeadlineAfter(milliseconds(5000)));
  auto second = client.ReadLine(DeadlineAfter(milliseconds(5000)));
  auto third = client.ReadLine(DeadlineAfter(milliseconds(5000)));
  writer.join();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, "{\"ok\":true}");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, "{\"event\":1}");
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(*third, "{\"event\":2}");
}

TEST(CtlAdminClientTest, SilentDaemonHitsTheDeadline) {
  Pair pair;
  AdminClient client(pair.client);
  const auto start = Clock::now();
  auto line = client.ReadLine(DeadlineAfter(milliseconds(50)));
  EXPECT_EQ(line.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_GE(Clock::now() - start, milliseconds(50));
}

TEST(CtlAdminClientTest, ClosedConnectionIsUnavailableEvenMidLine) {
  Pair pair;
  AdminClient client(pair.client);
  pair.Write("{\"ok\":tr");
  pair.CloseDaemon();
  auto line = client.ReadLine(DeadlineAfter(milliseconds(5000)));
  EXPECT_EQ(line.status().code(), StatusCode::kUnavailable);
}

TEST(CtlAdminClientTest, ReadableCancelFdCutsTheWaitShort) {
  Pair pair;
  AdminClient client(pair.client);
  int cancel[2];
  ASSERT_EQ(::pipe(cancel), 0);
  ASSERT_EQ(::write(cancel[1], "x", 1), 1);
  auto line = client.ReadLine(std::nullopt, cancel[0]);
  EXPECT_EQ(line.status().code(), StatusCode::kCancelled);
  char byte;
  EXPECT_EQ(::read(cancel[0], &byte, 1), 1) << "the cancel byte is left for its owner";
  ::close(cancel[0]);
  ::close(cancel[1]);
}

TEST(CtlAdminClientTest, OverlongLineIsRefused) {
  Pair pair;
  AdminClient client(pair.client, /*max_line_bytes=*/100);
  pair.Write(std::string(150, 'x'));
  auto line = client.ReadLine(DeadlineAfter(milliseconds(5000)));
  EXPECT_EQ(line.status().code(), StatusCode::kResourceExhausted);
}

TEST(CtlAdminClientTest, SendsOneLineAndRefusesEmbeddedNewlines) {
  Pair pair;
  AdminClient client(pair.client);
  EXPECT_TRUE(client.SendLine("get a/b", DeadlineAfter(milliseconds(5000))).ok());
  char buffer[64] = {};
  ASSERT_EQ(::read(pair.daemon, buffer, sizeof(buffer)), 8);
  EXPECT_STREQ(buffer, "get a/b\n");
  EXPECT_EQ(client.SendLine("get a\nget b", std::nullopt).code(), StatusCode::kInvalidArgument);
}

TEST(CtlAdminClientTest, ReusableOnlyWhenIdleAndOpen) {
  Pair pair;
  AdminClient client(pair.client);
  EXPECT_TRUE(client.Reusable());
  pair.Write("{\"a\":1}\n{\"b\"");
  ASSERT_TRUE(client.ReadLine(DeadlineAfter(milliseconds(5000))).ok());
  EXPECT_FALSE(client.Reusable()) << "half a line is still buffered";

  Pair closed;
  AdminClient other(closed.client);
  closed.CloseDaemon();
  EXPECT_FALSE(other.Reusable());
}

TEST(CtlAdminClientTest, ConnectReportsWhyTheDaemonIsUnreachable) {
  auto missing =
      AdminClient::Connect("/nonexistent/dir/admin.sock", DeadlineAfter(milliseconds(1000)));
  EXPECT_EQ(missing.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(missing.status().message(), "No such file or directory");

  auto too_long = AdminClient::Connect(std::string(200, 'a'), DeadlineAfter(milliseconds(1000)));
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);

  // A socket file nobody listens on any more.
  char dir[] = "/tmp/lashupctl_client_test_XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/admin.sock";
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ::close(fd);
  }
  auto refused = AdminClient::Connect(path, DeadlineAfter(milliseconds(1000)));
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(refused.status().message(), "Connection refused");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lashup::ctl

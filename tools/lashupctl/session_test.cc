#include "session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "fake_daemon.h"

namespace lashup::ctl {
namespace {

using std::chrono::milliseconds;

SessionOptions Options(const std::string& path) {
  SessionOptions options;
  options.socket_path = path;
  options.timeout = milliseconds(5000);
  return options;
}

bool AnswerInfo(const std::string& request, FakeDaemon::Connection& connection) {
  if (request == "info") {
    connection.Write(FakeDaemon::ResultLine(R"({"node":"n1@127.0.0.1:7001"})"));
  } else if (request == "get missing") {
    connection.Write(R"({"ok":false,"code":"NOT_FOUND","error":"no key 'missing'"})"
                     "\n");
  } else {
    connection.Write("this is not JSON\n");
  }
  return true;
}

TEST(CtlSessionTest, PrintsRenderedResultsAndReusesTheConnection) {
  FakeDaemon daemon(AnswerInfo);
  std::ostringstream out, err;
  Session session(Options(daemon.path()), -1, out, err);
  EXPECT_EQ(session.Execute("info"), Outcome::kOk);
  EXPECT_EQ(session.Execute("info"), Outcome::kOk);
  EXPECT_EQ(out.str(), "node  n1@127.0.0.1:7001\nnode  n1@127.0.0.1:7001\n");
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(daemon.connections(), 1);
  EXPECT_EQ(daemon.requests(), (std::vector<std::string>{"info", "info"}));
}

TEST(CtlSessionTest, JsonModePrintsTheRawResult) {
  FakeDaemon daemon(AnswerInfo);
  std::ostringstream out, err;
  SessionOptions options = Options(daemon.path());
  options.json = true;
  Session session(options, -1, out, err);
  EXPECT_EQ(session.Execute("info"), Outcome::kOk);
  EXPECT_EQ(out.str(), "{\"node\":\"n1@127.0.0.1:7001\"}\n");
}

TEST(CtlSessionTest, DaemonErrorsAndGarbageAreReportedAndTheSessionGoesOn) {
  FakeDaemon daemon(AnswerInfo);
  std::ostringstream out, err;
  Session session(Options(daemon.path()), -1, out, err);
  EXPECT_EQ(session.Execute("get missing"), Outcome::kDaemonError);
  EXPECT_EQ(err.str(), "error: no key 'missing'\n");
  err.str("");
  EXPECT_EQ(session.Execute("garbage"), Outcome::kDaemonError);
  EXPECT_EQ(err.str(), "lashupctl: malformed reply from lashupd: not JSON: this is not JSON\n");
  EXPECT_EQ(session.Execute("info"), Outcome::kOk);
  EXPECT_EQ(out.str(), "node  n1@127.0.0.1:7001\n");
  EXPECT_EQ(daemon.connections(), 2) << "a garbled connection is dropped, an error is not";
}

TEST(CtlSessionTest, UnreachableDaemonSaysWhereAndWhy) {
  std::ostringstream out, err;
  Session session(Options("/nonexistent/admin.sock"), -1, out, err);
  EXPECT_EQ(session.Execute("info"), Outcome::kUnreachable);
  EXPECT_EQ(err.str(),
            "lashupctl: cannot reach lashupd at /nonexistent/admin.sock: No such file or "
            "directory (is lashupd running? --socket)\n");
  auto query = session.Query("info");
  EXPECT_EQ(query.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(query.status().message(), err.str().substr(0, err.str().size() - 1));
}

TEST(CtlSessionTest, SilentDaemonTimesOut) {
  FakeDaemon daemon([](const std::string&, FakeDaemon::Connection&) { return true; });
  std::ostringstream out, err;
  SessionOptions options = Options(daemon.path());
  options.timeout = milliseconds(100);
  Session session(options, -1, out, err);
  EXPECT_EQ(session.Execute("info"), Outcome::kUnreachable);
  EXPECT_EQ(err.str(), "lashupctl: no reply from lashupd at " + daemon.path() + " within 0.1s\n");
}

TEST(CtlSessionTest, ClosedIdleConnectionIsReplacedWithoutResending) {
  // Answers, then hangs up, as a restarted daemon would look to an idle client.
  FakeDaemon daemon([](const std::string& request, FakeDaemon::Connection& connection) {
    connection.Write(FakeDaemon::ResultLine(R"({"keys":[]})"));
    return false;
  });
  std::ostringstream out, err;
  Session session(Options(daemon.path()), -1, out, err);
  EXPECT_EQ(session.Execute("keys"), Outcome::kOk);
  // Once the daemon has hung up, the idle connection is seen closed before the next request.
  // (A request racing the hang-up is lost, not resent: it may have been applied.)
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (daemon.closed_connections() < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(daemon.closed_connections(), 1);
  EXPECT_EQ(session.Execute("keys"), Outcome::kOk);
  EXPECT_EQ(daemon.requests().size(), 2u);
  EXPECT_EQ(out.str(), "(no keys)\n(no keys)\n");
}

// A daemon whose `watch` sends `events` events, then closes the stream if `close_after`.
FakeDaemon::Handler Streamer(int events, bool close_after) {
  return [events, close_after](const std::string& request, FakeDaemon::Connection& connection) {
    if (request.rfind("watch", 0) != 0) {
      connection.Write(FakeDaemon::ResultLine("{}"));
      return true;
    }
    connection.Write("{\"ok\":true,\"stream\":true}\n");
    for (int i = 0; i < events; ++i) {
      connection.Write(R"({"event":{"key":"k)" + std::to_string(i) +
                       R"(","value":{"c:counter":1},"text":"c (counter): 1\n","snapshot":true}})"
                       "\n");
    }
    return !close_after;
  };
}

TEST(CtlSessionTest, StreamStopsAfterCountAndClosesTheConnection) {
  FakeDaemon daemon(Streamer(5, /*close_after=*/false));
  std::ostringstream out, err;
  SessionOptions options = Options(daemon.path());
  options.max_events = 2;
  Session session(options, -1, out, err);
  EXPECT_EQ(session.Execute("watch"), Outcome::kOk);
  EXPECT_EQ(out.str(), "[snapshot] k0 = c (counter): 1\n[snapshot] k1 = c (counter): 1\n");
  EXPECT_EQ(session.Execute("info"), Outcome::kOk);
  EXPECT_EQ(daemon.connections(), 2) << "the stream's connection is not reused";
}

TEST(CtlSessionTest, StreamEndedByTheDaemon) {
  FakeDaemon daemon(Streamer(1, /*close_after=*/true));
  std::ostringstream out, err;
  SessionOptions options = Options(daemon.path());
  Session session(options, -1, out, err);
  EXPECT_EQ(session.Execute("watch"), Outcome::kOk);
  EXPECT_EQ(err.str(), "lashupctl: lashupd ended the stream\n");

  options.max_events = 3;
  std::ostringstream out2, err2;
  Session counting(options, -1, out2, err2);
  EXPECT_EQ(counting.Execute("watch"), Outcome::kUnreachable);
  EXPECT_EQ(err2.str(), "lashupctl: lost the connection to lashupd at " + daemon.path() +
                            ": lashupd closed the connection (after 1 of 3 events)\n");
}

// Output that pulls the cancel trigger once the first event has been printed and flushed.
class CancelOnFlush : public std::stringbuf {
 public:
  explicit CancelOnFlush(int cancel_fd) : cancel_fd_(cancel_fd) {}

 protected:
  int sync() override {
    if (!str().empty() && ::write(cancel_fd_, "x", 1) != 1) return -1;
    return 0;
  }

 private:
  int cancel_fd_;
};

TEST(CtlSessionTest, CancelStopsAStreamAfterWhatArrived) {
  FakeDaemon daemon(Streamer(1, /*close_after=*/false));
  int cancel[2];
  ASSERT_EQ(::pipe(cancel), 0);
  CancelOnFlush buffer(cancel[1]);
  std::ostream out(&buffer);
  std::ostringstream err;
  SessionOptions options = Options(daemon.path());
  options.json = true;
  Session session(options, cancel[0], out, err);
  EXPECT_EQ(session.Execute("watch"), Outcome::kStreamStopped);
  EXPECT_EQ(buffer.str(),
            R"({"key":"k0","snapshot":true,"text":"c (counter): 1\n","value":{"c:counter":1}})"
            "\n");
  EXPECT_EQ(err.str(), "");
  // The byte is still there, so the next request is cut short too until the owner drains it.
  EXPECT_EQ(session.Execute("info"), Outcome::kInterrupted);
  char byte;
  ASSERT_EQ(::read(cancel[0], &byte, 1), 1);
  EXPECT_EQ(session.Execute("info"), Outcome::kOk);
  ::close(cancel[0]);
  ::close(cancel[1]);
}

TEST(CtlSessionTest, QueryReturnsTheResultAndRefusesStreams) {
  FakeDaemon daemon(Streamer(0, /*close_after=*/false));
  std::ostringstream out, err;
  Session session(Options(daemon.path()), -1, out, err);
  auto result = session.Query("info");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, nlohmann::json::object());
  EXPECT_EQ(session.Query("watch").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace lashup::ctl

#include "batch.h"

#include <gtest/gtest.h>

#include <sstream>

#include "fake_daemon.h"
#include "options.h"

namespace lashup::ctl {
namespace {

bool Answer(const std::string& request, FakeDaemon::Connection& connection) {
  if (request.rfind("get bad", 0) == 0) {
    connection.Write(R"({"ok":false,"code":"NOT_FOUND","error":"no key 'bad'"})"
                     "\n");
  } else {
    connection.Write(FakeDaemon::ResultLine(R"({"keys":["a"]})"));
  }
  return true;
}

struct Fixture {
  explicit Fixture(const std::string& path)
      : session(SessionOptions{.socket_path = path,
                               .timeout = std::chrono::milliseconds(5000),
                               .json = false,
                               .max_events = std::nullopt},
                -1, out, err) {}
  std::ostringstream out;
  std::ostringstream err;
  Session session;
};

TEST(CtlBatchTest, AllCommandsRunAndAnErrorMakesStatusOne) {
  FakeDaemon daemon(Answer);
  Fixture f(daemon.path());
  EXPECT_EQ(RunCommands(f.session, {"keys"}, f.err), kExitOk);
  EXPECT_EQ(RunCommands(f.session, {"keys", "get bad", "keys"}, f.err), kExitDaemonError);
  EXPECT_EQ(daemon.requests(), (std::vector<std::string>{"keys", "keys", "get bad", "keys"}));
  EXPECT_EQ(f.err.str(), "error: no key 'bad'\n");
}

TEST(CtlBatchTest, UnreachableStopsTheRun) {
  Fixture f("/nonexistent/admin.sock");
  EXPECT_EQ(RunCommands(f.session, {"keys", "keys"}, f.err), kExitUnreachable);
  EXPECT_EQ(f.err.str(),
            "lashupctl: cannot reach lashupd at /nonexistent/admin.sock: No such file or "
            "directory (is lashupd running? --socket)\n");
}

TEST(CtlBatchTest, ScriptSkipsBlanksAndCommentsAndStopsAtQuit) {
  FakeDaemon daemon(Answer);
  Fixture f(daemon.path());
  std::istringstream in("# setup\n\n  keys  \r\nget bad\nquit\nkeys\n");
  EXPECT_EQ(RunScript(f.session, in, f.err), kExitDaemonError);
  EXPECT_EQ(daemon.requests(), (std::vector<std::string>{"keys", "get bad"}));
  EXPECT_EQ(f.out.str(), "a\n");
}

TEST(CtlBatchTest, QuitWords) {
  EXPECT_TRUE(IsQuitCommand("quit"));
  EXPECT_TRUE(IsQuitCommand("  exit "));
  EXPECT_FALSE(IsQuitCommand("quit now"));
  EXPECT_FALSE(IsQuitCommand("get quit"));
}

}  // namespace
}  // namespace lashup::ctl

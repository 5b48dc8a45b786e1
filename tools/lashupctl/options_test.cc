#include "options.h"

#include <gtest/gtest.h>

#include <sstream>

namespace lashup::ctl {
namespace {

struct Parse {
  explicit Parse(std::vector<const char*> args, const char* env_socket = nullptr) {
    args.insert(args.begin(), "lashupctl");
    parsed = ParseOptions(static_cast<int>(args.size()), args.data(), out, err,
                          [env_socket](const char* name) -> const char* {
                            return std::string_view(name) == "LASHUP_ADMIN_SOCKET" ? env_socket
                                                                                   : nullptr;
                          });
  }
  std::ostringstream out;
  std::ostringstream err;
  ParsedOptions parsed;
};

TEST(CtlOptionsTest, Defaults) {
  Parse p({});
  ASSERT_FALSE(p.parsed.exit_status);
  EXPECT_EQ(p.parsed.options.socket_path, "./data/admin.sock");
  EXPECT_TRUE(p.parsed.options.commands.empty());
  EXPECT_FALSE(p.parsed.options.json);
  EXPECT_EQ(p.parsed.options.timeout_seconds, 10);
  EXPECT_FALSE(p.parsed.options.count);
  EXPECT_FALSE(p.parsed.options.certs);
}

TEST(CtlOptionsTest, SocketFromEnvironmentThenFlag) {
  EXPECT_EQ(Parse({}, "/run/env.sock").parsed.options.socket_path, "/run/env.sock");
  EXPECT_EQ(Parse({"--socket", "/x.sock"}, "/run/env.sock").parsed.options.socket_path, "/x.sock");
}

TEST(CtlOptionsTest, RepeatedCommandsKeepTheirOrder) {
  Parse p({"-c", "op a/b incr n", "--command", "get a/b", "-c", "keys", "--json", "--timeout",
           "2.5", "--count", "3"});
  ASSERT_FALSE(p.parsed.exit_status) << p.err.str();
  EXPECT_EQ(p.parsed.options.commands,
            (std::vector<std::string>{"op a/b incr n", "get a/b", "keys"}));
  EXPECT_TRUE(p.parsed.options.json);
  EXPECT_EQ(p.parsed.options.timeout_seconds, 2.5);
  EXPECT_EQ(p.parsed.options.count, 3u);
}

TEST(CtlOptionsTest, UsageErrorsExitTwo) {
  for (std::vector<const char*> args : {std::vector<const char*>{"--timeout", "0"},
                                        {"--timeout", "x"},
                                        {"--count", "0"},
                                        {"-c"},
                                        {"-c", ""},
                                        {"-c", "get a\nget b"},
                                        {"--bogus"},
                                        {"-c", "get", "stray"},
                                        {"certs", "n1@h:1"},
                                        {"certs", "--dir", "/tmp/x"}}) {
    Parse p(args);
    EXPECT_EQ(p.parsed.exit_status, kExitUsage) << args.size() << " " << args[0];
    EXPECT_FALSE(p.err.str().empty());
  }
}

TEST(CtlOptionsTest, HelpExitsZero) {
  Parse p({"--help"});
  EXPECT_EQ(p.parsed.exit_status, kExitOk);
  EXPECT_NE(p.out.str().find("--socket"), std::string::npos);
  EXPECT_NE(p.out.str().find("Exit status"), std::string::npos);
}

TEST(CtlOptionsTest, CertsSubcommand) {
  Parse p({"certs", "--dir", "/tmp/c", "--days", "30", "n1@127.0.0.1:7001", "n2@127.0.0.1:7002"});
  ASSERT_FALSE(p.parsed.exit_status) << p.err.str();
  EXPECT_TRUE(p.parsed.options.certs);
  EXPECT_EQ(p.parsed.options.certs_dir, "/tmp/c");
  EXPECT_EQ(p.parsed.options.certs_days, 30);
  EXPECT_EQ(p.parsed.options.certs_nodes,
            (std::vector<std::string>{"n1@127.0.0.1:7001", "n2@127.0.0.1:7002"}));
}

}  // namespace
}  // namespace lashup::ctl

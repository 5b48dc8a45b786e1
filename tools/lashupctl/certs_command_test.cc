#include "certs_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "options.h"

namespace lashup::ctl {
namespace {

class CtlCertsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/lashupctl_certs_test_XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(CtlCertsCommandTest, WritesAndListsTheFiles) {
  std::ostringstream out, err;
  const std::string dir = dir_ + "/certs";
  EXPECT_EQ(RunCertsCommand(dir, {"n1@127.0.0.1:7001", "n2@127.0.0.1:7002"}, 30, out, err), kExitOk)
      << err.str();
  EXPECT_EQ(out.str(), dir + "/ca.pem\n" + dir + "/ca.key\n" + dir + "/n1.pem\n" + dir +
                           "/n1.key\n" + dir + "/n2.pem\n" + dir + "/n2.key\n");
  for (const char* name : {"ca.pem", "ca.key", "n1.pem", "n1.key", "n2.pem", "n2.key"}) {
    EXPECT_GT(std::filesystem::file_size(dir + "/" + name), 0u) << name;
  }
  const auto key_perms = std::filesystem::status(dir + "/n1.key").permissions();
  EXPECT_EQ(key_perms & std::filesystem::perms::others_read, std::filesystem::perms::none);
}

TEST_F(CtlCertsCommandTest, BadIdsAreUsageErrorsAndCollisionsFail) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCertsCommand(dir_, {"bad id!"}, 30, out, err), kExitUsage);
  EXPECT_NE(err.str().find("bad node id 'bad id!'"), std::string::npos);
  EXPECT_EQ(RunCertsCommand(dir_, {"n1@a:1", "n1@b:2"}, 30, out, err), kExitDaemonError);
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace lashup::ctl

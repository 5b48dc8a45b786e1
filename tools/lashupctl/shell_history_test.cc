#include "shell_history.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace lashup::ctl {
namespace {

GetEnv Environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    auto it = variables.find(name);
    return it == variables.end() ? nullptr : it->second.c_str();
  };
}

TEST(CtlShellHistoryTest, PathComesFromTheEnvironment) {
  EXPECT_EQ(HistoryPath(Environment({{"LASHUPCTL_HISTORY", "/t/h"}, {"HOME", "/home/u"}})), "/t/h");
  EXPECT_EQ(HistoryPath(Environment({{"HOME", "/home/u"}})), "/home/u/.lashupctl_history");
  EXPECT_EQ(HistoryPath(Environment({{"LASHUPCTL_HISTORY", ""}, {"HOME", "/home/u"}})), "");
  EXPECT_EQ(HistoryPath(Environment({})), "");
}

TEST(CtlShellHistoryTest, LinesReachTheFileAtOnceWithoutRepeats) {
  char dir[] = "/tmp/lashupctl_history_test_XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/history";
  {
    ShellHistory history(path);
    history.Load();
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0) << "Load creates the file";
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    history.Add("get a/b");
    history.Add("get a/b");
    history.Add("keys");
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_EQ(text.str(), "get a/b\nkeys\n") << "written before the shell ends";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lashup::ctl

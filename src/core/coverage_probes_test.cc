#include "core/coverage_probes.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/effects.h"
#include "gtest/gtest.h"

namespace lashup {
namespace {

std::string ReadSource(const std::filesystem::path& relative) {
  std::ifstream in(std::filesystem::path(LASHUP_SOURCE_DIR) / relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CoverageProbesTest, NamesAreUniqueComponentDotSnakeCase) {
  const std::regex shape("[a-z][a-z0-9]*(_[a-z0-9]+)*\\.[a-z][a-z0-9]*(_[a-z0-9]+)*");
  std::set<std::string> names;
  for (const ProbeInfo& probe : AllProbes()) {
    ASSERT_NE(probe.name, nullptr);
    EXPECT_TRUE(std::regex_match(probe.name, shape)) << probe.name;
    EXPECT_TRUE(names.insert(probe.name).second) << "duplicate probe " << probe.name;
    ASSERT_NE(probe.description, nullptr) << probe.name;
    EXPECT_GT(std::string(probe.description).size(), 10u) << probe.name;
  }
  EXPECT_GE(names.size(), 15u);
}

// Every constant the header declares is registered (the same pointer, so a report can match
// what Effects recorded against the registry by address too), and nothing else is.
TEST(CoverageProbesTest, RegistryListsEveryConstantOfTheHeader) {
  const std::string header = ReadSource("src/core/coverage_probes.h");
  ASSERT_FALSE(header.empty()) << "cannot read src/core/coverage_probes.h";
  const std::regex constant("inline constexpr char (kProbe\\w+)\\[\\] = \"([^\"]+)\";");
  std::set<std::string> declared;
  for (auto it = std::sregex_iterator(header.begin(), header.end(), constant);
       it != std::sregex_iterator(); ++it) {
    declared.insert((*it)[2]);
  }
  std::set<std::string> registered;
  for (const ProbeInfo& probe : AllProbes()) registered.insert(probe.name);
  EXPECT_EQ(declared, registered);
  EXPECT_EQ(AllProbes()[0].name, static_cast<const char*>(kProbeHvJoinThrottled));
}

// A registered probe that no core marks would always read "never hit": each constant must be
// used by one of the protocol cores.
TEST(CoverageProbesTest, EveryProbeIsMarkedSomewhere) {
  const std::string header = ReadSource("src/core/coverage_probes.h");
  const std::regex constant("inline constexpr char (kProbe\\w+)\\[\\]");
  std::string sources;
  for (const char* dir : {"src/membership", "src/routing", "src/kv", "src/node"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(LASHUP_SOURCE_DIR) / dir)) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".cc") && !name.ends_with("_test.cc")) {
        sources += ReadSource(std::filesystem::path(dir) / name);
      }
    }
  }
  ASSERT_FALSE(sources.empty());
  for (auto it = std::sregex_iterator(header.begin(), header.end(), constant);
       it != std::sregex_iterator(); ++it) {
    const std::string use = "Probe(" + (*it)[1].str() + ")";
    EXPECT_NE(sources.find(use), std::string::npos) << "no core marks " << (*it)[1];
  }
}

TEST(CoverageProbesTest, EffectsRecordProbesInOrderAndClearThem) {
  Effects out;
  EXPECT_TRUE(out.probes().empty());
  out.Probe(kProbeKvDeltaGap);
  EXPECT_FALSE(out.empty());
  out.Probe(kProbeMcDuplicateDropped);
  out.Probe(kProbeKvDeltaGap);
  ASSERT_EQ(out.probes().size(), 3u);
  EXPECT_EQ(out.probes()[0], static_cast<const char*>(kProbeKvDeltaGap));
  EXPECT_EQ(out.probes()[1], static_cast<const char*>(kProbeMcDuplicateDropped));
  EXPECT_EQ(out.probes()[2], static_cast<const char*>(kProbeKvDeltaGap));
  out.Clear();
  EXPECT_TRUE(out.probes().empty());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace lashup

// EchoBenchCore driven directly, without a driver: what it sends, measures and refuses.
#include "net/echo_bench_core.h"

#include <gtest/gtest.h>

#include "storage/memory_storage.h"

namespace lashup::net {
namespace {

using std::chrono::microseconds;

const NodeId kClient = NodeId::FromLiteral("client");
const NodeId kServer = NodeId::FromLiteral("server");

class EchoBenchCoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<EchoBenchCore> Make(EchoRole role) {
    CoreContext context{role == EchoRole::kClient ? kClient : kServer, 1, &storage_};
    return std::make_unique<EchoBenchCore>(context, role, kServer);
  }
  static Now At(int64_t us) { return Now{InstantFromNanos(us * 1'000), WallTimeFromNanos(0)}; }
  // The TestData messages sent, in order; clears the effects.
  std::vector<TestData> TakeSends() {
    std::vector<TestData> sent;
    for (const NetOp& op : out_.net()) {
      if (op.kind == NetOp::Kind::kSend) sent.push_back(std::get<TestData>(op.message));
    }
    out_.Clear();
    return sent;
  }
  // A client whose link is up and whose run of `count` began at time 0.
  std::unique_ptr<EchoBenchCore> Running(uint64_t count, uint32_t window) {
    auto core = Make(EchoRole::kClient);
    core->OnConnection(At(0), kServer, LinkState::kUp, out_);
    EXPECT_TRUE(core->Begin(EchoRun{count, window, 64}, At(0), out_).ok());
    return core;
  }

  MemoryStorage storage_;
  Effects out_;
};

TEST_F(EchoBenchCoreTest, ClientLinksOnlyWhenOpenedAndSendsOnlyWhenLinked) {
  auto core = Make(EchoRole::kClient);
  core->Start(At(0), out_);
  EXPECT_TRUE(out_.empty());
  ASSERT_TRUE(core->Open(out_).ok());
  ASSERT_EQ(out_.net().size(), 1u);
  EXPECT_EQ(out_.net()[0].kind, NetOp::Kind::kConnect);
  EXPECT_EQ(out_.net()[0].peer, kServer);
  out_.Clear();
  ASSERT_TRUE(core->Begin(EchoRun{10, 4, 64}, At(1), out_).ok());
  EXPECT_TRUE(TakeSends().empty());
  core->OnConnection(At(2), kServer, LinkState::kUp, out_);
  const std::vector<TestData> sent = TakeSends();
  ASSERT_EQ(sent.size(), 4u);  // the window, no more
  EXPECT_EQ(sent[0].payload.size(), 64u);
  EXPECT_EQ(core->sent(), 4u);
}

TEST_F(EchoBenchCoreTest, ServerEchoesUnchangedToTheSender) {
  auto core = Make(EchoRole::kServer);
  const TestData data{"label", {1, 2, 3}, {kServer}};
  core->OnMessage(At(0), kClient, data, out_);
  ASSERT_EQ(out_.net().size(), 1u);
  EXPECT_EQ(out_.net()[0].peer, kClient);
  EXPECT_EQ(std::get<TestData>(out_.net()[0].message), data);
  EXPECT_EQ(core->served(), 1u);
  EXPECT_EQ(core->Open(out_).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(core->Begin(EchoRun{1, 1, 64}, At(0), out_).code(), StatusCode::kFailedPrecondition);
}

TEST_F(EchoBenchCoreTest, EachEchoIsMeasuredAndReleasesTheNextSend) {
  auto core = Running(3, 1);
  std::vector<TestData> sent = TakeSends();
  ASSERT_EQ(sent.size(), 1u);
  core->OnMessage(At(40), kServer, sent[0], out_);
  ASSERT_EQ(out_.events().size(), 1u);
  EXPECT_EQ(std::get<RttMeasured>(out_.events()[0]).rtt, microseconds(40));
  sent = TakeSends();
  ASSERT_EQ(sent.size(), 1u);
  core->OnMessage(At(100), kServer, sent[0], out_);
  sent = TakeSends();
  core->OnMessage(At(110), kServer, sent.at(0), out_);
  EXPECT_TRUE(TakeSends().empty());  // all three sent and back
  EXPECT_TRUE(core->done());
  EXPECT_EQ(core->rtts(),
            (std::vector<Duration>{microseconds(40), microseconds(60), microseconds(10)}));
  core->CheckInvariants();
}

TEST_F(EchoBenchCoreTest, CountsStrayCorruptAndReorderedEchoes) {
  auto core = Running(4, 4);
  const std::vector<TestData> first_run = TakeSends();
  ASSERT_TRUE(core->Begin(EchoRun{4, 4, 64}, At(1), out_).ok());
  std::vector<TestData> sent = TakeSends();
  core->OnMessage(At(2), kServer, first_run[0], out_);  // an earlier run's echo
  EXPECT_EQ(core->stray(), 1u);
  core->OnMessage(At(3), kServer, sent[1], out_);  // overtook sent[0]
  core->OnMessage(At(4), kServer, sent[1], out_);  // a duplicate
  TestData mangled = sent[0];
  mangled.payload.back() ^= 1;
  core->OnMessage(At(5), kServer, mangled, out_);
  EXPECT_EQ(core->stray(), 2u);
  EXPECT_EQ(core->reordered(), 2u);  // sent[1] early, then sent[0] late
  EXPECT_EQ(core->corrupt(), 1u);
  EXPECT_EQ(core->echoed(), 2u);
  core->CheckInvariants();
}

TEST_F(EchoBenchCoreTest, RefusesRunsOutOfRange) {
  auto core = Make(EchoRole::kClient);
  EXPECT_EQ(core->Begin(EchoRun{0, 1, 64}, At(0), out_).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(core->Begin(EchoRun{1, 0, 64}, At(0), out_).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(core->Begin(EchoRun{1, EchoBenchCore::kMaxWindow + 1, 64}, At(0), out_).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(core->Begin(EchoRun{1, 1, EchoBenchCore::kHeaderBytes - 1}, At(0), out_).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(core->Begin(EchoRun{1, 1, EchoBenchCore::kHeaderBytes}, At(0), out_).ok());
}

}  // namespace
}  // namespace lashup::net

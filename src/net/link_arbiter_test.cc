#include "net/link_arbiter.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lashup/types.h"
#include "wire/handshake.h"

namespace lashup::net {
namespace {

const NodeId kLow = NodeId::FromLiteral("node-a");
const NodeId kHigh = NodeId::FromLiteral("node-b");

const char* Name(HelloDecision decision) {
  switch (decision) {
    case HelloDecision::kAccept:
      return "accept";
    case HelloDecision::kAcceptReplacing:
      return "accept replacing";
    case HelloDecision::kAcceptAbortingDial:
      return "accept aborting dial";
    case HelloDecision::kDuplicate:
      return "duplicate";
  }
  return "?";
}

const char* Name(DialStage stage) {
  switch (stage) {
    case DialStage::kNone:
      return "not dialing";
    case DialStage::kEarly:
      return "dialing, Hello not out";
    case DialStage::kAwaitingReply:
      return "dialing, Hello out";
  }
  return "?";
}

wire::Hello HelloFrom(const NodeId& peer, uint64_t incarnation, uint64_t link_id,
                      uint64_t last_link_id) {
  return wire::Hello{peer, incarnation, /*long_lived=*/true, link_id, last_link_id};
}

// ---- The rules one by one ----------------------------------------------------------------------

struct Row {
  const char* rule;
  const NodeId& self;
  const NodeId& peer;
  LinkView view;
  wire::Hello hello;
  HelloDecision want;
};

LinkView Established(uint64_t link_id, bool dialed_by_us, uint64_t peer_incarnation) {
  return LinkView{EstablishedLink{link_id, dialed_by_us, peer_incarnation}, DialStage::kNone};
}

LinkView Dialing(DialStage stage) { return LinkView{std::nullopt, stage}; }

void CheckRows(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    EXPECT_EQ(Name(DecideLongLivedHello(row.self, row.peer, row.view, row.hello)), Name(row.want))
        << row.rule << " (self " << row.self << ", peer " << row.peer << ")";
  }
}

constexpr uint64_t kInc = 5;       // the peer's incarnation as the established link knows it
constexpr uint64_t kNewInc = 6;    // the peer after a restart
constexpr uint64_t kLink = 41;     // the established link
constexpr uint64_t kOther = 43;    // some other, older link
constexpr uint64_t kNewLink = 45;  // the incoming connection

TEST(DecideLongLivedHelloTest, EstablishedAndPeerRestartedReplaces) {
  std::vector<Row> rows;
  for (const NodeId* self : {&kLow, &kHigh}) {
    const NodeId& peer = self == &kLow ? kHigh : kLow;
    for (bool dialed_by_us : {false, true}) {
      for (uint64_t last : {uint64_t{0}, kOther, kLink}) {
        rows.push_back({"new incarnation", *self, peer, Established(kLink, dialed_by_us, kInc),
                        HelloFrom(peer, kNewInc, kNewLink, last), HelloDecision::kAcceptReplacing});
      }
    }
  }
  CheckRows(rows);
}

TEST(DecideLongLivedHelloTest, EstablishedDialedByPeerReplaces) {
  std::vector<Row> rows;
  for (const NodeId* self : {&kLow, &kHigh}) {
    const NodeId& peer = self == &kLow ? kHigh : kLow;
    for (uint64_t last : {uint64_t{0}, kOther, kLink}) {
      rows.push_back({"the peer dialed again", *self, peer, Established(kLink, false, kInc),
                      HelloFrom(peer, kInc, kNewLink, last), HelloDecision::kAcceptReplacing});
    }
  }
  CheckRows(rows);
}

TEST(DecideLongLivedHelloTest, EstablishedDialedByUsAndNamedAsLastLinkReplaces) {
  CheckRows({
      {"peer gave up on our link", kLow, kHigh, Established(kLink, true, kInc),
       HelloFrom(kHigh, kInc, kNewLink, kLink), HelloDecision::kAcceptReplacing},
      {"peer gave up on our link", kHigh, kLow, Established(kLink, true, kInc),
       HelloFrom(kLow, kInc, kNewLink, kLink), HelloDecision::kAcceptReplacing},
  });
}

TEST(DecideLongLivedHelloTest, EstablishedDialedByUsRaceGoesToTheLowerId) {
  CheckRows({
      // We are lower: our dial wins, the peer's racing Hello is the duplicate.
      {"race, self lower", kLow, kHigh, Established(kLink, true, kInc),
       HelloFrom(kHigh, kInc, kNewLink, 0), HelloDecision::kDuplicate},
      {"race, self lower", kLow, kHigh, Established(kLink, true, kInc),
       HelloFrom(kHigh, kInc, kNewLink, kOther), HelloDecision::kDuplicate},
      // We are higher: the peer's dial wins.
      {"race, self higher", kHigh, kLow, Established(kLink, true, kInc),
       HelloFrom(kLow, kInc, kNewLink, 0), HelloDecision::kAcceptReplacing},
      {"race, self higher", kHigh, kLow, Established(kLink, true, kInc),
       HelloFrom(kLow, kInc, kNewLink, kOther), HelloDecision::kAcceptReplacing},
  });
}

TEST(DecideLongLivedHelloTest, DialingBeforeOurHelloIsOutTakesTheIncomingConnection) {
  CheckRows({
      {"early dial, self lower", kLow, kHigh, Dialing(DialStage::kEarly),
       HelloFrom(kHigh, kInc, kNewLink, 0), HelloDecision::kAcceptAbortingDial},
      {"early dial, self higher", kHigh, kLow, Dialing(DialStage::kEarly),
       HelloFrom(kLow, kInc, kNewLink, kOther), HelloDecision::kAcceptAbortingDial},
  });
}

TEST(DecideLongLivedHelloTest, BothHellosOutGoesToTheLowerId) {
  CheckRows({
      {"both out, self lower", kLow, kHigh, Dialing(DialStage::kAwaitingReply),
       HelloFrom(kHigh, kInc, kNewLink, 0), HelloDecision::kDuplicate},
      {"both out, self higher", kHigh, kLow, Dialing(DialStage::kAwaitingReply),
       HelloFrom(kLow, kInc, kNewLink, 0), HelloDecision::kAcceptAbortingDial},
  });
}

TEST(DecideLongLivedHelloTest, NothingGoingOnAccepts) {
  CheckRows({
      {"idle, self lower", kLow, kHigh, LinkView{}, HelloFrom(kHigh, kInc, kNewLink, 0),
       HelloDecision::kAccept},
      {"idle, self higher", kHigh, kLow, LinkView{}, HelloFrom(kLow, kInc, kNewLink, kOther),
       HelloDecision::kAccept},
  });
}

// ---- Model check of the dial race ---------------------------------------------------------------
//
// Two nodes, a < b. Each may hold an old link (L0) the other has already given up on, and each
// may be dialing the other, its Hello out or not yet. The model delivers, in every possible
// order, each dialer's Hello to the other end (which decides with the arbiter and applies the
// decision at once, as the driver does) and the reply back to the dialer. When nothing is left to
// deliver, both ends must hold one link and it must be the same connection. Connection closes
// are not modelled: an end holding a connection the other end has dropped shows up as a
// disagreement, which is what such a close would turn into in the driver (a lost link).

using Arbiter = HelloDecision (*)(const NodeId&, const NodeId&, const LinkView&,
                                  const wire::Hello&);

constexpr uint64_t kOldLink = 7;
constexpr std::array<uint64_t, 2> kDialLink = {101, 202};  // a's dial, b's dial
constexpr std::array<uint64_t, 2> kIncarnation = {1000, 2000};
constexpr uint64_t kRestartedIncarnation = 9000;  // added to an end's incarnation on restart

struct End {
  NodeId id;
  uint64_t incarnation = 0;
  uint64_t last_link_id = 0;
  std::optional<EstablishedLink> link;
  DialStage dial = DialStage::kNone;
  wire::Hello dial_hello;  // fixed when the dial starts, as the driver does
};

struct Reply {
  uint64_t link_id = 0;
  HelloDecision decision = HelloDecision::kAccept;
};

struct World {
  std::array<End, 2> ends;
  std::array<std::optional<wire::Hello>, 2> hello;  // [i]: i's Hello on its way to the other end
  std::array<std::optional<Reply>, 2> reply;        // [i]: the reply on its way back to i
};

std::string Describe(const End& end) {
  std::string text = end.id.str() + ": ";
  if (end.link) {
    text += "link " + std::to_string(end.link->link_id) +
            (end.link->dialed_by_us ? " (dialed by us)" : " (dialed by peer)");
  } else {
    text += "no link";
  }
  text += ", " + std::string(Name(end.dial));
  if (end.dial != DialStage::kNone)
    text += " (link " + std::to_string(end.dial_hello.link_id) + ")";
  return text;
}

class RaceModel {
 public:
  explicit RaceModel(Arbiter arbiter) : arbiter_(arbiter) {}

  // Explores every order of deliveries from `start`; `scenario` names it in failures.
  void Explore(const World& start, const std::string& scenario) {
    scenario_ = scenario;
    std::vector<std::string> trace;
    Visit(start, trace);
  }

  int complete() const { return complete_; }
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  void Visit(const World& world, std::vector<std::string>& trace) {
    bool any = false;
    for (int i = 0; i < 2; ++i) {
      const End& me = world.ends[i];
      if (me.dial == DialStage::kEarly && !world.hello[i]) {
        any = true;
        World next = world;
        next.ends[i].dial = DialStage::kAwaitingReply;
        next.hello[i] = me.dial_hello;
        Step(next, me.id.str() + " sends Hello " + std::to_string(me.dial_hello.link_id), trace);
      }
      if (world.hello[i]) {
        any = true;
        World next = world;
        std::string event = DeliverHello(next, i);
        Step(next, event, trace);
      }
      if (world.reply[i]) {
        any = true;
        World next = world;
        std::string event = DeliverReply(next, i);
        Step(next, event, trace);
      }
    }
    if (!any) CheckEnd(world, trace);
  }

  void Step(const World& next, std::string event, std::vector<std::string>& trace) {
    trace.push_back(std::move(event));
    for (const End& end : next.ends) {
      // The driver never holds a link and dials at once; a decision that leads there is wrong.
      if (end.link && end.dial != DialStage::kNone) Fail("link and dial at once", next, trace);
    }
    Visit(next, trace);
    trace.pop_back();
  }

  // Node i's Hello reaches the other end, which decides and applies the decision.
  std::string DeliverHello(World& world, int i) {
    const wire::Hello hello = *world.hello[i];
    world.hello[i].reset();
    End& acceptor = world.ends[1 - i];
    LinkView view{acceptor.link, acceptor.dial};
    const HelloDecision decision = arbiter_(acceptor.id, hello.node, view, hello);
    std::string event = "Hello " + std::to_string(hello.link_id) + " reaches " + acceptor.id.str() +
                        " [" + Describe(acceptor) + "] -> " + Name(decision);
    switch (decision) {
      case HelloDecision::kDuplicate:
        break;
      case HelloDecision::kAcceptAbortingDial:
        acceptor.dial = DialStage::kNone;  // its Hello, if out, still travels
        [[fallthrough]];
      case HelloDecision::kAccept:
      case HelloDecision::kAcceptReplacing:
        acceptor.link = EstablishedLink{hello.link_id, false, hello.incarnation};
        acceptor.last_link_id = hello.link_id;
        break;
    }
    world.reply[i] = Reply{hello.link_id, decision};
    return event;
  }

  // The reply to node i's Hello reaches i. A reply for a dial i already aborted is dropped.
  std::string DeliverReply(World& world, int i) {
    const Reply reply = *world.reply[i];
    world.reply[i].reset();
    End& dialer = world.ends[i];
    std::string event = "reply " + std::string(Name(reply.decision)) + " for " +
                        std::to_string(reply.link_id) + " reaches " + dialer.id.str() + " [" +
                        Describe(dialer) + "]";
    if (dialer.dial == DialStage::kNone || dialer.dial_hello.link_id != reply.link_id) {
      return event + " -> ignored";
    }
    dialer.dial = DialStage::kNone;
    if (reply.decision == HelloDecision::kDuplicate) return event + " -> no link";
    dialer.link = EstablishedLink{reply.link_id, true, world.ends[1 - i].incarnation};
    dialer.last_link_id = reply.link_id;
    return event + " -> link up";
  }

  void CheckEnd(const World& world, const std::vector<std::string>& trace) {
    ++complete_;
    const End& a = world.ends[0];
    const End& b = world.ends[1];
    if (!a.link || !b.link) {
      Fail("an end has no link", world, trace);
    } else if (a.link->link_id != b.link->link_id) {
      Fail("the ends hold different connections", world, trace);
    } else if (a.link->dialed_by_us == b.link->dialed_by_us) {
      Fail("the ends disagree on who dialed", world, trace);
    }
  }

  void Fail(const std::string& what, const World& world, const std::vector<std::string>& trace) {
    std::string text = what + "\n  scenario: " + scenario_ + "\n  order:";
    for (size_t k = 0; k < trace.size(); ++k) {
      text += "\n    " + std::to_string(k + 1) + ". " + trace[k];
    }
    text += "\n  end: " + Describe(world.ends[0]) + "; " + Describe(world.ends[1]);
    failures_.push_back(std::move(text));
  }

  Arbiter arbiter_;
  std::string scenario_;
  int complete_ = 0;
  std::vector<std::string> failures_;
};

// What an end knows of an old link L0 between the two nodes.
enum class Past : uint8_t {
  kNoHistory,  // there was no earlier link
  kHolds,      // still holds L0: the other end gave it up and has not been heard from since
  kSawBreak,   // gave L0 up (saw it break); its Hello names L0 as its last link
  kRestarted,  // gave L0 up by restarting: a new incarnation, no memory of L0
  kAbandoned,  // dialed L0 but gave up before the reply came: it never saw L0 up, so its Hello
               // cannot name L0 (only the other end's "dialed by peer" rule recognises it)
};

struct EndSetup {
  Past past = Past::kNoHistory;
  DialStage dial = DialStage::kNone;
};

World MakeWorld(int old_dialer, const std::array<EndSetup, 2>& setup) {
  World world;
  for (int i = 0; i < 2; ++i) {
    End& end = world.ends[i];
    end.id = i == 0 ? kLow : kHigh;
    end.incarnation =
        kIncarnation[i] + (setup[i].past == Past::kRestarted ? kRestartedIncarnation : 0);
    if (setup[i].past == Past::kHolds) {
      // It learned the other end's incarnation when L0 came up, before any restart.
      end.link = EstablishedLink{kOldLink, old_dialer == i, kIncarnation[1 - i]};
    }
    if (setup[i].past == Past::kHolds || setup[i].past == Past::kSawBreak) {
      end.last_link_id = kOldLink;
    }
    end.dial = setup[i].dial;
    end.dial_hello = wire::Hello{end.id, end.incarnation, true, kDialLink[i], end.last_link_id};
    if (end.dial == DialStage::kAwaitingReply) world.hello[i] = end.dial_hello;
  }
  return world;
}

std::string Describe(int old_dialer, const std::array<EndSetup, 2>& setup) {
  static constexpr const char* kPast[] = {"no earlier link", "holds L0", "saw L0 break",
                                          "restarted", "abandoned its dial of L0"};
  std::string text = "no L0";
  if (old_dialer >= 0) text = "L0 dialed by " + std::string(old_dialer == 0 ? "node-a" : "node-b");
  for (int i = 0; i < 2; ++i) {
    text += std::string("; ") + (i == 0 ? "node-a " : "node-b ") +
            kPast[static_cast<int>(setup[i].past)] + ", " + Name(setup[i].dial);
  }
  return text;
}

// Every starting point the driver can be in: an end holding a link is not dialing, and at least
// one end dials (otherwise nothing happens).
void ExploreAll(RaceModel& model) {
  const std::vector<DialStage> stages = {DialStage::kNone, DialStage::kEarly,
                                         DialStage::kAwaitingReply};
  for (int old_dialer : {-1, 0, 1}) {
    std::vector<EndSetup> options;
    if (old_dialer < 0) {
      for (DialStage dial : stages) options.push_back({Past::kNoHistory, dial});
    } else {
      options.push_back({Past::kHolds, DialStage::kNone});
      for (Past past : {Past::kSawBreak, Past::kRestarted, Past::kAbandoned}) {
        for (DialStage dial : stages) options.push_back({past, dial});
      }
    }
    for (const EndSetup& a : options) {
      for (const EndSetup& b : options) {
        if (a.dial == DialStage::kNone && b.dial == DialStage::kNone) continue;
        // Only L0's dialer can have abandoned dialing it.
        if ((a.past == Past::kAbandoned && old_dialer != 0) ||
            (b.past == Past::kAbandoned && old_dialer != 1)) {
          continue;
        }
        model.Explore(MakeWorld(old_dialer, {a, b}), Describe(old_dialer, {a, b}));
      }
    }
  }
}

void ReportFailures(const RaceModel& model) {
  constexpr size_t kShown = 5;
  for (size_t i = 0; i < model.failures().size() && i < kShown; ++i) {
    ADD_FAILURE() << model.failures()[i];
  }
  EXPECT_EQ(model.failures().size(), 0u) << "failing interleavings (first " << kShown << " above)";
}

TEST(LinkRaceModelTest, BothEndsAgreeOnOneLinkInEveryInterleaving) {
  RaceModel model(&DecideLongLivedHello);
  ExploreAll(model);
  ReportFailures(model);
  // Guards against a model that silently explores nothing.
  EXPECT_GT(model.complete(), 100);
}

TEST(LinkRaceModelTest, ExploresEveryOrderOfTheSymmetricRace) {
  // Both Hellos out, no history: two Hello-then-reply chains, C(4, 2) = 6 interleavings.
  RaceModel model(&DecideLongLivedHello);
  model.Explore(MakeWorld(-1, {EndSetup{Past::kNoHistory, DialStage::kAwaitingReply},
                               EndSetup{Past::kNoHistory, DialStage::kAwaitingReply}}),
                "symmetric race");
  EXPECT_EQ(model.complete(), 6);
  ReportFailures(model);
}

// The model must be able to catch a wrong rule; these arbiters each break one.
HelloDecision NoTieBreak(const NodeId& self, const NodeId& peer, const LinkView& view,
                         const wire::Hello& hello) {
  if (!view.established && view.dial == DialStage::kAwaitingReply) {
    return HelloDecision::kAcceptAbortingDial;  // both ends take the other's connection
  }
  return DecideLongLivedHello(self, peer, view, hello);
}

HelloDecision IgnoresLastLinkId(const NodeId& self, const NodeId& peer, const LinkView& view,
                                const wire::Hello& hello) {
  wire::Hello stale = hello;
  stale.last_link_id = 0;
  return DecideLongLivedHello(self, peer, view, stale);
}

HelloDecision KeepsEstablished(const NodeId& self, const NodeId& peer, const LinkView& view,
                               const wire::Hello& hello) {
  if (view.established) return HelloDecision::kDuplicate;
  return DecideLongLivedHello(self, peer, view, hello);
}

TEST(LinkRaceModelTest, CatchesBrokenRules) {
  for (Arbiter broken : {&NoTieBreak, &IgnoresLastLinkId, &KeepsEstablished}) {
    RaceModel model(broken);
    ExploreAll(model);
    EXPECT_FALSE(model.failures().empty());
  }
}

}  // namespace
}  // namespace lashup::net

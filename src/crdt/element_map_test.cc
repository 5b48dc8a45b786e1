#include "lashup/crdt/element_map.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace lashup::crdt {
namespace {

constexpr ActorId kA{1};
using Model = std::map<std::string, DotList>;

std::string Key(int i) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "k%05d", i);
  return buffer;
}

DotList Dots(uint64_t counter) { return DotList{Dot{kA, counter}}; }

// Walks the map and the model side by side; also checks that the walk is strictly sorted.
void ExpectSame(const ElementMap& map, const Model& model) {
  ASSERT_EQ(map.size(), model.size());
  EXPECT_EQ(map.empty(), model.empty());
  auto it = map.begin();
  const std::string* previous = nullptr;
  for (const auto& [key, dots] : model) {
    ASSERT_NE(it, map.end());
    EXPECT_EQ(it->first, key);
    EXPECT_EQ(it->second, dots);
    if (previous != nullptr) {
      EXPECT_LT(*previous, it->first);
    }
    previous = &it->first;
    ++it;
  }
  EXPECT_EQ(it, map.end());
  if (!model.empty()) {
    EXPECT_EQ(map.back().first, model.rbegin()->first);
  }
}

TEST(ElementMap, EmptyMapHasEqualBeginAndEnd) {
  ElementMap map;
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.begin(), map.end());
  EXPECT_EQ(map.find("x"), map.end());
  EXPECT_EQ(map.erase("x"), 0u);
}

TEST(ElementMap, EmplaceKeepsTheFirstValueAndInsertOrAssignReplaces) {
  ElementMap map;
  auto [it, inserted] = map.emplace("x", Dots(1));
  EXPECT_TRUE(inserted);
  EXPECT_EQ(it->first, "x");
  auto [again, inserted_again] = map.emplace("x", Dots(2));
  EXPECT_FALSE(inserted_again);
  EXPECT_EQ(again->second, Dots(1));
  auto [assigned, inserted_by_assign] = map.insert_or_assign("x", Dots(3));
  EXPECT_FALSE(inserted_by_assign);
  EXPECT_EQ(assigned->second, Dots(3));
  EXPECT_EQ(map.size(), 1u);
  EXPECT_EQ(map.count("x"), 1u);
  EXPECT_EQ(map.count("y"), 0u);
}

// Keys in shuffled order across many chunks, then erased in another order: each step checked
// against std::map, so splits, empty chunks and folded neighbours are all exercised.
TEST(ElementMap, MatchesStdMapUnderRandomInsertsAndErases) {
  std::mt19937 rng(7);
  ElementMap map;
  Model model;
  constexpr int kKeys = 3000;
  std::uniform_int_distribution<int> key(0, kKeys - 1);
  std::uniform_int_distribution<int> op(0, 9);
  for (int step = 0; step < 40000; ++step) {
    const std::string k = Key(key(rng));
    const auto counter = static_cast<uint64_t>(step + 1);
    switch (op(rng)) {
      case 0:
      case 1:
      case 2:
        EXPECT_EQ(map.emplace(k, Dots(counter)).second, model.emplace(k, Dots(counter)).second);
        break;
      case 3:
        map.insert_or_assign(k, Dots(counter));
        model.insert_or_assign(k, Dots(counter));
        break;
      case 4:
        map[k].push_back(Dot{ActorId(2), counter});
        model[k].push_back(Dot{ActorId(2), counter});
        break;
      case 5:
        map.emplace_hint(map.end(), k, Dots(counter));  // usually a wrong hint
        model.emplace(k, Dots(counter));
        break;
      default:
        EXPECT_EQ(map.erase(k), model.erase(k));
    }
    if (step % 997 == 0) ExpectSame(map, model);
    const auto found = map.find(k);
    ASSERT_EQ(found != map.end(), model.contains(k));
    if (found != map.end()) {
      EXPECT_EQ(found->second, model.at(k));
    }
  }
  ExpectSame(map, model);
}

// A full chunk followed by another: an insertion at each position of the first splits it.
TEST(ElementMap, InsertionAtEveryPositionOfAFullChunkSplitsItCorrectly) {
  constexpr int kFull = static_cast<int>(ElementMap::kMaxChunk);
  ElementMap full;
  Model model;
  for (int i = 0; i < 2 * kFull; ++i) {
    full.append(Key(2 * i + 2), Dots(1));
    model.emplace(Key(2 * i + 2), Dots(1));
  }
  for (int pos = 0; pos <= kFull; ++pos) {
    ElementMap map = full;
    Model expected = model;
    const auto [it, inserted] = map.emplace(Key(2 * pos + 1), Dots(2));
    expected.emplace(Key(2 * pos + 1), Dots(2));
    ASSERT_TRUE(inserted);
    EXPECT_EQ(it->first, Key(2 * pos + 1));
    ExpectSame(map, expected);
  }
}

TEST(ElementMap, EraseReturnsTheNextPositionAcrossChunks) {
  ElementMap map;
  Model model;
  for (int i = 0; i < 1000; ++i) {
    map.append(Key(i), Dots(static_cast<uint64_t>(i + 1)));
    model.emplace(Key(i), Dots(static_cast<uint64_t>(i + 1)));
  }
  ExpectSame(map, model);
  // Erase every key whose number is not a multiple of 3, walking with the returned iterator.
  int visited = 0;
  for (auto it = map.begin(); it != map.end(); ++visited) {
    const int number = std::stoi(it->first.substr(1));
    it = number % 3 == 0 ? std::next(it) : map.erase(it);
  }
  std::erase_if(model, [](const auto& e) { return std::stoi(e.first.substr(1)) % 3 != 0; });
  EXPECT_EQ(visited, 1000);
  ExpectSame(map, model);
  // And the rest, from the front: the map ends empty and usable.
  for (auto it = map.begin(); it != map.end();) it = map.erase(it);
  EXPECT_TRUE(map.empty());
  map.emplace("again", Dots(1));
  ExpectSame(map, Model{{"again", Dots(1)}});
}

TEST(ElementMap, EraseIfRemovesTheSelectedEntriesInOnePass) {
  ElementMap map;
  Model model;
  for (int i = 0; i < 700; ++i) {
    map.emplace(Key(i * 7 % 700), Dots(static_cast<uint64_t>(i + 1)));
    model.emplace(Key(i * 7 % 700), Dots(static_cast<uint64_t>(i + 1)));
  }
  const auto odd = [](const auto& entry) { return entry.second.back().counter % 2 == 1; };
  EXPECT_EQ(map.erase_if(odd), std::erase_if(model, odd));
  ExpectSame(map, model);
  EXPECT_EQ(map.erase_if([](const auto&) { return true; }), model.size());
  EXPECT_TRUE(map.empty());
}

TEST(ElementMap, EqualityIgnoresHowEntriesAreChunked) {
  ElementMap in_order;
  ElementMap shuffled;
  std::vector<int> order(500);
  for (int i = 0; i < 500; ++i) {
    order[static_cast<size_t>(i)] = i;
    in_order.append(Key(i), Dots(1));
  }
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  for (int i : order) shuffled.emplace(Key(i), Dots(1));
  EXPECT_EQ(in_order, shuffled);
  shuffled.insert_or_assign(Key(250), Dots(2));
  EXPECT_NE(in_order, shuffled);
  ElementMap copy = in_order;
  EXPECT_EQ(copy, in_order);
}

TEST(ElementMap, IteratorConvertsToConstIterator) {
  ElementMap map;
  map.emplace("a", Dots(1));
  ElementMap::iterator it = map.begin();
  ElementMap::const_iterator cit = it;
  EXPECT_EQ(cit, map.cbegin());
  EXPECT_EQ(cit->first, "a");
  it->second.push_back(Dot{kA, 2});  // a mutable iterator reaches the dots
  EXPECT_EQ(map.find("a")->second.size(), 2u);
}

// Merge as a join would use it: one-sided entries keep or lose their dots by a rule, two-sided
// ones are combined. Checked against the same merge on std::map, consuming and copying.
struct MergeCase {
  Model mine;
  Model theirs;
};

MergeCase RandomCase(std::mt19937& rng, int keys) {
  MergeCase c;
  std::uniform_int_distribution<int> side(0, 3);
  for (int i = 0; i < keys; ++i) {
    const auto counter = static_cast<uint64_t>(i + 1);
    switch (side(rng)) {
      case 0: c.mine.emplace(Key(i), Dots(counter)); break;
      case 1: c.theirs.emplace(Key(i), Dots(counter)); break;
      case 2:
        c.mine.emplace(Key(i), Dots(counter));
        c.theirs.emplace(Key(i), DotList{Dot{ActorId(2), counter}});
        break;
      default: break;
    }
  }
  return c;
}

ElementMap FromModel(const Model& model) {
  ElementMap map;
  for (const auto& [k, dots] : model) map.emplace(k, dots);
  return map;
}

// Drops even dots on one side only; on both sides keeps mine's dot, plus theirs if odd.
void DropEven(DotList& dots) { dots.EraseIf([](const Dot& d) { return d.counter % 2 == 0; }); }
void Combine(DotList& mine, const DotList& theirs) {
  if (theirs.back().counter % 2 == 1) mine.push_back(theirs.back());
}

Model ModelMerge(const MergeCase& c) {
  Model out;
  for (auto [k, dots] : c.mine) {
    const auto other = c.theirs.find(k);
    if (other == c.theirs.end()) {
      DropEven(dots);
    } else {
      Combine(dots, other->second);
    }
    if (!dots.empty()) out.emplace(k, dots);
  }
  for (auto [k, dots] : c.theirs) {
    if (c.mine.contains(k)) continue;
    DropEven(dots);
    if (!dots.empty()) out.emplace(k, dots);
  }
  return out;
}

TEST(ElementMap, MergeMatchesAModelCopyingAndConsuming) {
  std::mt19937 rng(11);
  for (int keys : {0, 1, 5, 127, 128, 129, 300, 2000}) {
    for (int round = 0; round < 4; ++round) {
      const MergeCase c = RandomCase(rng, keys);
      const Model expected = ModelMerge(c);
      ElementMap copying = FromModel(c.mine);
      const ElementMap theirs = FromModel(c.theirs);
      copying.Merge(theirs, DropEven, DropEven, Combine);
      ExpectSame(copying, expected);
      ExpectSame(theirs, c.theirs);  // untouched

      ElementMap consuming = FromModel(c.mine);
      ElementMap taken = FromModel(c.theirs);
      consuming.Merge(taken, DropEven, DropEven, Combine);
      ExpectSame(consuming, expected);
      EXPECT_TRUE(taken.empty());  // consumed, and left valid
      taken.emplace("z", Dots(1));
      EXPECT_EQ(taken.size(), 1u);
      // The merged map goes on working as a map.
      consuming.emplace("k99999", Dots(9));
      EXPECT_TRUE(consuming.contains("k99999"));
    }
  }
}

// Elements of every length around the 8-byte steps of the merge's comparison, sharing prefixes,
// with zero and high bytes: the merge must order them exactly as std::string does.
TEST(ElementMap, MergeOrdersBinaryElementsOfAnyLengthLikeStdString) {
  std::mt19937 rng(5);
  const std::string alphabet("\0a\x7f\x80\xff", 5);
  std::uniform_int_distribution<size_t> length(0, 20);
  std::uniform_int_distribution<size_t> letter(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> side(0, 2);
  for (int round = 0; round < 20; ++round) {
    MergeCase c;
    for (int i = 0; i < 400; ++i) {
      std::string element(length(rng), '\0');
      for (char& ch : element) ch = alphabet[letter(rng)];
      const auto counter = static_cast<uint64_t>(i + 1);
      const int where = side(rng);
      if (where != 1) c.mine.emplace(element, Dots(counter));
      if (where != 0) c.theirs.emplace(element, DotList{Dot{ActorId(2), counter}});
    }
    const Model expected = ModelMerge(c);
    ElementMap copying = FromModel(c.mine);
    const ElementMap theirs = FromModel(c.theirs);
    copying.Merge(theirs, DropEven, DropEven, Combine);
    ExpectSame(copying, expected);
    ElementMap consuming = FromModel(c.mine);
    ElementMap taken = FromModel(c.theirs);
    consuming.Merge(taken, DropEven, DropEven, Combine);
    ExpectSame(consuming, expected);
    for (const auto& [element, dots] : expected) EXPECT_TRUE(consuming.contains(element));
  }
}

TEST(ElementMap, MergeWithItselfSeesTheSameEntriesOnBothSides) {
  ElementMap map;
  for (int i = 0; i < 400; ++i) map.append(Key(i), Dots(static_cast<uint64_t>(2 * i + 1)));
  const ElementMap before = map;
  int both = 0;
  map.Merge(
      std::as_const(map), [](DotList&) { FAIL() << "one-sided entry in a self-merge"; },
      [](DotList&) { FAIL() << "one-sided entry in a self-merge"; },
      [&](DotList& mine, const DotList& theirs) {
        EXPECT_EQ(mine, theirs);
        ++both;
      });
  EXPECT_EQ(both, 400);
  EXPECT_EQ(map, before);
}

}  // namespace
}  // namespace lashup::crdt

#include "engine/nicknames.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace probity {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

TEST(NicknameTableTest, DefaultTableFromTheCsv) {
  const NicknameTable& t = NicknameTable::Default();
  EXPECT_GT(t.size(), 1500u);
  EXPECT_TRUE(t.AreNicknames("BILL", "WILLIAM"));
  EXPECT_TRUE(t.AreNicknames("WILLIAM", "BILL"));
  EXPECT_TRUE(t.AreNicknames("BOB", "ROBERT"));
  EXPECT_TRUE(t.AreNicknames("PEGGY", "MARGARET"));
  EXPECT_TRUE(t.AreNicknames("JOCK", "JOHN"));
  EXPECT_TRUE(t.AreNicknames("PADDY", "PATRICK"));
  // Two nicknames of the same formal name share its group.
  EXPECT_TRUE(t.AreNicknames("BILL", "WILL"));
  EXPECT_TRUE(t.AreNicknames("WILLIAM", "WILLIAM"));
}

TEST(NicknameTableTest, DefaultTableHasBritishExtras) {
  const NicknameTable& t = NicknameTable::Default();
  EXPECT_TRUE(t.AreNicknames("TAFF", "DAVID"));
  EXPECT_TRUE(t.AreNicknames("DEL", "DEREK"));
  EXPECT_TRUE(t.AreNicknames("KAZ", "KAREN"));
  EXPECT_TRUE(t.AreNicknames("GAZ", "GARY"));
  EXPECT_TRUE(t.AreNicknames("GAZ", "GARETH"));
  EXPECT_TRUE(t.AreNicknames("BAZ", "BARRY"));
  EXPECT_TRUE(t.AreNicknames("DAZ", "DARREN"));
  EXPECT_TRUE(t.AreNicknames("SHAZ", "SHARON"));
  EXPECT_TRUE(t.AreNicknames("TEL", "TERENCE"));
  EXPECT_TRUE(t.AreNicknames("BEX", "REBECCA"));
  EXPECT_TRUE(t.AreNicknames("ALFIE", "ALFRED"));
  EXPECT_TRUE(t.AreNicknames("MO", "MOHAMMED"));
  EXPECT_TRUE(t.AreNicknames("MO", "MAUREEN"));
  // A shared nickname does not make its formal names equivalent.
  EXPECT_FALSE(t.AreNicknames("MOHAMMED", "MAUREEN"));
  EXPECT_FALSE(t.AreNicknames("DEREK", "DAVID"));
  // Names in their own right are not nicknames.
  EXPECT_FALSE(t.AreNicknames("SEAN", "JOHN"));
  EXPECT_FALSE(t.AreNicknames("NIAMH", "JOHN"));
}

TEST(NicknameTableTest, UnrelatedNames) {
  const NicknameTable& t = NicknameTable::Default();
  EXPECT_FALSE(t.AreNicknames("BILL", "JOHN"));
  EXPECT_FALSE(t.AreNicknames("JOHN", "JAMES"));
  // The source lists Bill both as a nickname of William and of Robert, and
  // also the reverse rows; William and Robert must still not be equivalent.
  EXPECT_TRUE(t.AreNicknames("BILL", "ROBERT"));
  EXPECT_FALSE(t.AreNicknames("WILLIAM", "ROBERT"));
  EXPECT_FALSE(t.AreNicknames("CHARLES", "CHARLOTTE"));  // both have Charlie
  EXPECT_FALSE(t.AreNicknames("PEGGY", "WILLIAM"));
  // Lookups use the normalised (upper-case) form.
  EXPECT_FALSE(t.AreNicknames("bill", "william"));
}

TEST(NicknameTableTest, NameNotInTable) {
  const NicknameTable& t = NicknameTable::Default();
  EXPECT_THAT(t.GroupsOf("XYZZYQ"), IsEmpty());
  EXPECT_THAT(t.GroupsOf(""), IsEmpty());
  EXPECT_FALSE(t.AreNicknames("XYZZYQ", "XYZZYQ"));
  EXPECT_FALSE(t.AreNicknames("XYZZYQ", "WILLIAM"));
}

TEST(NicknameTableTest, GroupsAreSortedAndUnique) {
  const NicknameTable& t = NicknameTable::Default();
  // ABBY shortens both ABBIGAIL and ABBIGALE (among others).
  const std::vector<uint32_t>& g = t.GroupsOf("ABBY");
  ASSERT_GE(g.size(), 2u);
  for (size_t i = 1; i < g.size(); ++i) EXPECT_LT(g[i - 1], g[i]);
  EXPECT_FALSE(t.AreNicknames("ABBIGAIL", "ABBIGALE"));
  EXPECT_TRUE(t.AreNicknames("ABBY", "ABBIGALE"));
}

TEST(NicknameTableTest, DefaultIsBuiltOnceAcrossThreads) {
  std::vector<const NicknameTable*> seen(4, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&seen, i] { seen[static_cast<size_t>(i)] = &NicknameTable::Default(); });
  }
  for (auto& th : threads) th.join();
  for (const NicknameTable* p : seen) EXPECT_EQ(p, &NicknameTable::Default());
}

TEST(NicknameTableTest, FromCsvGroupSemantics) {
  NicknameTable t = NicknameTable::FromCsv(
      "name1,relationship,name2\r\n"
      "william,has_nickname,bill\r\n"
      "william,has_nickname,will\r\n"
      "wilfred,has_nickname,will\r\n"
      "robert,has_nickname,bob\r\n"
      "robert,is_related_to,william\r\n"  // not has_nickname: ignored
      "casey,has_nickname,k.c.\r\n"
      "\r\n"
      "malformed line\r\n");
  // Formal names get ids in order of first appearance.
  EXPECT_THAT(t.GroupsOf("WILLIAM"), ElementsAre(0u));
  EXPECT_THAT(t.GroupsOf("BILL"), ElementsAre(0u));
  EXPECT_THAT(t.GroupsOf("WILL"), ElementsAre(0u, 1u));
  EXPECT_THAT(t.GroupsOf("WILFRED"), ElementsAre(1u));
  EXPECT_THAT(t.GroupsOf("ROBERT"), ElementsAre(2u));
  EXPECT_THAT(t.GroupsOf("BOB"), ElementsAre(2u));
  EXPECT_THAT(t.GroupsOf("KC"), ElementsAre(3u));
  EXPECT_THAT(t.GroupsOf("bill"), IsEmpty());
  EXPECT_EQ(t.size(), 8u);

  EXPECT_TRUE(t.AreNicknames("BILL", "WILLIAM"));
  EXPECT_TRUE(t.AreNicknames("WILL", "WILFRED"));
  EXPECT_TRUE(t.AreNicknames("WILL", "BILL"));
  EXPECT_FALSE(t.AreNicknames("BILL", "WILFRED"));
  EXPECT_FALSE(t.AreNicknames("ROBERT", "WILLIAM"));  // the is_related_to row is ignored
  EXPECT_FALSE(t.AreNicknames("BOB", "BILL"));
}

TEST(NicknameTableTest, FromCsvPairListedBothWays) {
  // Only william->bill and robert->bill count; bill->william and bill->robert
  // would otherwise make William and Robert equivalent through Bill.
  NicknameTable t = NicknameTable::FromCsv(
      "name1,relationship,name2\n"
      "bill,has_nickname,william\n"
      "bill,has_nickname,robert\n"
      "bill,has_nickname,billy\n"
      "william,has_nickname,bill\n"
      "robert,has_nickname,bill\n"
      "allan,has_nickname,allen\n"
      "allen,has_nickname,allan\n");
  EXPECT_TRUE(t.AreNicknames("BILL", "WILLIAM"));
  EXPECT_TRUE(t.AreNicknames("BILL", "ROBERT"));
  EXPECT_TRUE(t.AreNicknames("BILL", "BILLY"));  // one-way row: kept
  EXPECT_FALSE(t.AreNicknames("WILLIAM", "ROBERT"));
  EXPECT_FALSE(t.AreNicknames("BILLY", "ROBERT"));
  EXPECT_THAT(t.GroupsOf("BILL"), SizeIs(3));  // its own, William's, Robert's
  EXPECT_TRUE(t.AreNicknames("ALLAN", "ALLEN"));
  EXPECT_THAT(t.GroupsOf("ALLAN"), SizeIs(1));
  EXPECT_THAT(t.GroupsOf("ALLEN"), SizeIs(1));
}

TEST(NicknameTableTest, FromCsvEmptyOrHeaderOnly) {
  EXPECT_EQ(NicknameTable::FromCsv("").size(), 0u);
  EXPECT_EQ(NicknameTable::FromCsv("name1,relationship,name2\n").size(), 0u);
  // A formal name that is also another's nickname belongs to both groups.
  NicknameTable t = NicknameTable::FromCsv(
      "name1,relationship,name2\nfrancis,has_nickname,frank\nfrank,has_nickname,frankie\n");
  EXPECT_THAT(t.GroupsOf("FRANK"), ElementsAre(0u, 1u));
  EXPECT_THAT(t.GroupsOf("FRANKIE"), ElementsAre(1u));
  EXPECT_THAT(t.GroupsOf("FRANCIS"), SizeIs(1));
}

}  // namespace
}  // namespace probity

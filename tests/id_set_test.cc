// IdSet: exact membership of ids through growth.
#include "engine/id_set.h"

#include <string>

#include "gtest/gtest.h"

namespace probity {
namespace {

TEST(IdSetTest, RejectsRepeatsOnly) {
  IdSet ids;
  EXPECT_TRUE(ids.Insert("X123456"));
  EXPECT_TRUE(ids.Insert("X12345"));  // a prefix is another id
  EXPECT_TRUE(ids.Insert("x123456"));  // case matters
  EXPECT_TRUE(ids.Insert(std::string("X123456\0", 8)));
  EXPECT_FALSE(ids.Insert("X123456"));
  EXPECT_FALSE(ids.Insert("X12345"));
  EXPECT_EQ(ids.size(), 4u);
}

// Through many doublings of the table, every id is found again and no new
// id is taken for a repeat.
TEST(IdSetTest, StaysExactAsItGrows) {
  IdSet ids;
  constexpr int kN = 300000;
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(ids.Insert("CRN" + std::to_string(i))) << i;
  for (int i = 0; i < kN; i += 7) ASSERT_FALSE(ids.Insert("CRN" + std::to_string(i))) << i;
  for (int i = kN; i < kN + 1000; ++i) ASSERT_TRUE(ids.Insert("CRN" + std::to_string(i))) << i;
  EXPECT_EQ(ids.size(), static_cast<size_t>(kN + 1000));
}

}  // namespace
}  // namespace probity

// NameCache: the same names as MakeNameValue, whatever the cache evicts.
#include "engine/name_cache.h"

#include <string>
#include <vector>

#include "engine/record_builder.h"
#include "gtest/gtest.h"

namespace probity {
namespace {

const std::vector<std::string>& Names() {
  static const std::vector<std::string> names = {
      "Siobhán Ó Briain", "Zoë", "Łukasz Wróbel", "Smith-Jones", "McDonald", "MacDonald",
      "O'Neil", "MR JOHN SMITH", "  john  ", "JOHN", "", "Mohammad", "Muhammad", "X"};
  return names;
}

TEST(NameCacheTest, GivesWhatMakeNameValueGives) {
  NameCache cache;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& name : Names()) {
      EXPECT_EQ(cache.Get(name), MakeNameValue(name)) << name;
    }
  }
  EXPECT_EQ(cache.misses(), Names().size());
  EXPECT_EQ(cache.hits(), 2 * Names().size());
}

// Two slots for many names: every look-up evicts, yet every answer is right
// (a slot is matched on the whole raw text, not on its hash).
TEST(NameCacheTest, StaysRightWhenNamesCollide) {
  NameCache cache(2);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 200; ++i) {
      const std::string name = "Name" + std::to_string(i * 7919 % 200);
      ASSERT_EQ(cache.Get(name), MakeNameValue(name)) << name;
    }
  }
  EXPECT_GT(cache.misses(), 400u);
}

}  // namespace
}  // namespace probity

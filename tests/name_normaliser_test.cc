#include "engine/name_normaliser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>

namespace probity {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(NormaliseNameTest, Ascii) {
  EXPECT_EQ(NormaliseName("John Smith"), "JOHN SMITH");
  EXPECT_EQ(NormaliseName("McDonald"), "MCDONALD");
  EXPECT_EQ(NormaliseName("  john   SMITH  "), "JOHN SMITH");
  EXPECT_EQ(NormaliseName("Smith-Jones"), "SMITH JONES");
  EXPECT_EQ(NormaliseName("smith--jones,  jr."), "SMITH JONES JR");
  EXPECT_EQ(NormaliseName("John\tPaul\nJones"), "JOHN PAUL JONES");
  EXPECT_EQ(NormaliseName("Henry 8th"), "HENRY 8TH");  // digits are kept
}

TEST(NormaliseNameTest, EmptyAndBlank) {
  EXPECT_EQ(NormaliseName(""), "");
  EXPECT_EQ(NormaliseName("  "), "");
  EXPECT_EQ(NormaliseName("-.,'"), "");
}

TEST(NormaliseNameTest, Apostrophes) {
  EXPECT_EQ(NormaliseName("O'Neil"), "ONEIL");
  EXPECT_EQ(NormaliseName("O\xE2\x80\x99Neil"), "ONEIL");   // ’
  EXPECT_EQ(NormaliseName("O\xE2\x80\x98Neil"), "ONEIL");   // ‘
  EXPECT_EQ(NormaliseName("O`Neil"), "ONEIL");
  EXPECT_EQ(NormaliseName("O\xC2\xB4Neil"), "ONEIL");       // ´ (NFKD: space + mark)
  EXPECT_EQ(NormaliseName("D'Arcy-O'Brien"), "DARCY OBRIEN");
}

TEST(NormaliseNameTest, IrishPrefixO) {
  // Siobhán Ó Briain
  EXPECT_EQ(NormaliseName("Siobh\xC3\xA1n \xC3\x93 Briain"), "SIOBHAN OBRIAIN");
  EXPECT_EQ(NormaliseName("Mary O Brien"), "MARY OBRIEN");
  EXPECT_EQ(NormaliseName("Se\xC3\xA1n Mac Giolla"), "SEAN MAC GIOLLA");  // Seán
  EXPECT_EQ(NormaliseName("John O"), "JOHN O");  // nothing follows: left alone
  EXPECT_EQ(NormaliseName("O"), "O");
  EXPECT_EQ(NormaliseName("Oscar O Toole"), "OSCAR OTOOLE");  // only a lone O joins
}

TEST(NormaliseNameTest, Titles) {
  EXPECT_EQ(NormaliseName("MR JOHN SMITH"), "JOHN SMITH");
  EXPECT_EQ(NormaliseName("Mr. John  Smith"), "JOHN SMITH");
  EXPECT_EQ(NormaliseName("Mrs Jane Smith"), "JANE SMITH");
  EXPECT_EQ(NormaliseName("Prof. Dr. Ada Lovelace"), "ADA LOVELACE");
  EXPECT_EQ(NormaliseName("Rev Sir Lord Smith"), "SMITH");
  EXPECT_EQ(NormaliseName("Dr"), "DR");          // nothing else remains
  EXPECT_EQ(NormaliseName("Mr Dr"), "DR");       // the last token stays
  EXPECT_EQ(NormaliseName("Miss"), "MISS");
  EXPECT_EQ(NormaliseName("John Dr Smith"), "JOHN DR SMITH");  // only leading titles
  EXPECT_EQ(NormaliseName("Mrsmith"), "MRSMITH");
  EXPECT_EQ(NormaliseName("Mr O Brien"), "OBRIEN");
}

TEST(NormaliseNameTest, AccentsAndDiacritics) {
  EXPECT_EQ(NormaliseName("Zo\xC3\xAB"), "ZOE");                    // Zoë
  EXPECT_EQ(NormaliseName("M\xC3\xBCller"), "MULLER");              // Müller
  EXPECT_EQ(NormaliseName("Nguy\xE1\xBB\x85n"), "NGUYEN");          // Nguyễn
  EXPECT_EQ(NormaliseName("Fran\xC3\xA7ois"), "FRANCOIS");          // François
  EXPECT_EQ(NormaliseName("Ren\xC3\xA9" "e Dvo\xC5\x99\xC3\xA1k"), "RENEE DVORAK");  // Renée Dvořák
  EXPECT_EQ(NormaliseName("Z\xC3\xBCrich"), "ZURICH");
  EXPECT_EQ(NormaliseName("\xC4\x90\xE1\xBA\xB7ng"), "DANG");         // Đặng
  // İlkay Gündoğan
  EXPECT_EQ(NormaliseName("\xC4\xB0lkay G\xC3\xBCndo\xC4\x9F" "an"), "ILKAY GUNDOGAN");
  // Decomposed input (e + combining acute) gives the same result.
  EXPECT_EQ(NormaliseName("Rene\xCC\x81"), "RENE");
}

TEST(NormaliseNameTest, LettersWithoutDecomposition) {
  EXPECT_EQ(NormaliseName("\xC5\x81ukasz Wr\xC3\xB3" "bel"), "LUKASZ WROBEL");  // Łukasz Wróbel
  EXPECT_EQ(NormaliseName("G\xC3\xB6\xC3\x9Fmann"), "GOSSMANN");                // Gößmann
  EXPECT_EQ(NormaliseName("S\xC3\xB8ren Kierkeg\xC3\xA5rd"), "SOREN KIERKEGARD");  // Søren
  EXPECT_EQ(NormaliseName("\xC3\x86thelred"), "AETHELRED");        // Æ
  EXPECT_EQ(NormaliseName("\xC5\x92uvre"), "OEUVRE");              // Œ
  EXPECT_EQ(NormaliseName("\xC4\x90or\xC4\x91\x65vi\xC4\x87"), "DORDEVIC");  // Đorđević
  EXPECT_EQ(NormaliseName("\xC3\x9Eorsteinn"), "THORSTEINN");      // Þ
  EXPECT_EQ(NormaliseName("Gu\xC3\xB0r\xC3\xBAn"), "GUDRUN");      // ð
  EXPECT_EQ(NormaliseName("Y\xC4\xB1lmaz"), "YILMAZ");             // dotless ı
  EXPECT_EQ(NormaliseName("\xC7\xBF"), "O");                       // ǿ: ø + acute
}

TEST(NormaliseNameTest, CompatibilityForms) {
  EXPECT_EQ(NormaliseName("\xEF\xBC\xAA\xEF\xBD\x8F\xEF\xBD\x88\xEF\xBD\x8E"), "JOHN");  // Ｊｏｈｎ
  EXPECT_EQ(NormaliseName("\xEF\xAC\x81na"), "FINA");             // ﬁ ligature
  EXPECT_EQ(NormaliseName("John\xC2\xA0Smith"), "JOHN SMITH");    // no-break space splits
  EXPECT_EQ(NormaliseName("John\xE2\x80\x93Smith"), "JOHN SMITH");  // en dash splits
}

TEST(NormaliseNameTest, NonLatinLettersAreDropped) {
  EXPECT_EQ(NormaliseName("\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD Smith"), "SMITH");  // Иван Smith
  EXPECT_EQ(NormaliseName("\xE7\x8E\x8B"), "");                   // 王
  EXPECT_EQ(NormaliseName("Ann\xD0\xB0" "a"), "ANNA");            // Cyrillic а inside a word
}

TEST(NormaliseNameTest, InvalidUtf8BytesAreDropped) {
  EXPECT_EQ(NormaliseName("Jo\xFFhn"), "JOHN");
  EXPECT_EQ(NormaliseName("John \xC3"), "JOHN");           // truncated sequence at the end
  EXPECT_EQ(NormaliseName("\xC3(Smith"), "SMITH");         // bad continuation byte
  EXPECT_EQ(NormaliseName("Sm\xED\xA0\x80ith"), "SMITH");  // encoded surrogate
  EXPECT_EQ(NormaliseName(std::string("Jo\0hn", 6)), "JO HN");  // NUL is a separator
}

// Any input, valid UTF-8 or not, gives upper-case ASCII tokens joined by
// single spaces.
TEST(NormaliseNameTest, RandomBytesGiveWellFormedOutput) {
  std::mt19937 rng(12345);
  const std::string pieces[] = {"a", "Z", "9", " ", "-", "'", "\xC3\xA9", "\xC3\x9F",
                                "\xC5\x81", "\xE2\x80\x99", "\xD0\x98", "\xEF\xBC\xAA",
                                "\xFF", "\xC3", "\x80", "O ", "MR ", "\xCC\x81"};
  for (int iter = 0; iter < 20000; ++iter) {
    std::string in;
    int len = static_cast<int>(rng() % 12);
    for (int i = 0; i < len; ++i) {
      if (rng() % 4 == 0) {
        in.push_back(static_cast<char>(rng() % 256));
      } else {
        in += pieces[rng() % std::size(pieces)];
      }
    }
    std::string out = NormaliseName(in);
    ASSERT_TRUE(out.empty() || (out.front() != ' ' && out.back() != ' ')) << out;
    ASSERT_EQ(out.find("  "), std::string::npos) << out;
    for (char c : out) {
      ASSERT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ') << out;
    }
    ASSERT_EQ(NormaliseName(out), out) << "not idempotent: " << out;
  }
}

TEST(NameTokensTest, SplitsOnSpaces) {
  std::string n = NormaliseName("Mr. Siobh\xC3\xA1n  \xC3\x93 Briain-Smith");
  EXPECT_THAT(NameTokens(n), ElementsAre("SIOBHAN", "OBRIAIN", "SMITH"));
  EXPECT_THAT(NameTokens(""), IsEmpty());
  EXPECT_THAT(NameTokens("ONE"), ElementsAre("ONE"));
  EXPECT_THAT(NameTokens(" A  B "), ElementsAre("A", "B"));
}

}  // namespace
}  // namespace probity

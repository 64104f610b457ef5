// Reference tables for the synthetic data generator (tools/synth.h): names of
// the communities of England and Wales, spelling variants, nicknames and
// postcode areas. Names are UTF-8 in their usual written form ("Siobhán",
// "Ó Briain", "Łukasz"). Lists of names are in rough order of frequency; the
// generator weights them by rank.
#ifndef PROBITY_TOOLS_SYNTH_NAMES_H_
#define PROBITY_TOOLS_SYNTH_NAMES_H_

#include <cstdint>

namespace probity::synth {

struct NameList {
  const char* const* names = nullptr;
  uint32_t size = 0;
};

enum Community : uint8_t {
  kBritish,
  kIrish,
  kSouthAsian,  // Muslim naming (Pakistani, Bangladeshi, Indian)
  kPolish,
  kRomanian,
  kCaribbean,
  kWestAfrican,
  kSikh,
  kHindu,
  kCommunityCount,
};

inline constexpr int kDecadeCount = 6;  // births in the 1950s .. 2000s

// British forenames popular in decade `decade` (0 = 1950s .. 5 = 2000s).
NameList BritishForenames(bool female, int decade);
// Less common British, Welsh and Scottish forenames, for the long tail.
NameList RareForenames(bool female);
// Forenames of a community other than kBritish.
NameList CommunityForenames(Community community, bool female);

// The commonest British surnames, most frequent first.
NameList BritishSurnames();
// Parts that combine into plausible rarer British surnames ("Pen" + "bridge").
NameList SurnamePrefixes();
NameList SurnameSuffixes();
// Surnames of a community other than kBritish (Polish ones in the masculine
// form; the generator derives "-ska" / "-cka" for women).
NameList CommunitySurnames(Community community);

// Groups separated by '|'. Spelling variants of one name: "Steven|Stephen".
NameList ForenameVariantGroups();
NameList SurnameVariantGroups();
// A formal name then its diminutives: "William|Bill|Billy|Will".
NameList NicknameGroups();
// Pairs of similar but different names, for twins: "Jack|Jake".
NameList SimilarNamePairs();

struct PostcodeArea {
  const char* area;  // "B", "LS", "SW"
  uint8_t lo;        // districts lo..hi exist (roughly)
  uint8_t hi;
  uint8_t weight;    // relative population
};
struct PostcodeAreaList {
  const PostcodeArea* areas = nullptr;
  uint32_t size = 0;
};
PostcodeAreaList PostcodeAreas();
// Outward codes with a letter suffix in central London ("SW1A", "W1D", "EC2A").
NameList SpecialDistricts();

}  // namespace probity::synth

#endif  // PROBITY_TOOLS_SYNTH_NAMES_H_

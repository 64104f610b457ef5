// Synthetic probation and police data with ground truth (see tools/synth.h).
//
// Work is split into chunks of kChunk probation people (and as many people known
// only to the police). Each chunk draws from its own generator seeded from
// (seed, chunk), so the output does not depend on the number of threads or on
// scheduling; two worker threads generate chunks and the calling thread writes
// them to the files in chunk order. All randomness goes through our own
// xoshiro256** and integer or exactly-rounded arithmetic (no std::
// distributions, no libm beyond correctly rounded operations), so files are
// byte-identical on every platform.
#include "tools/synth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tools/synth_names.h"

namespace probity {
namespace {

using synth::Community;
using synth::NameList;

constexpr uint64_t kChunk = 2048;  // probation people per chunk
constexpr uint64_t kWindow = 8;    // chunks generated ahead of the writer

// ------------------------------------------------------------------ random

inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna), seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : s_) s = SplitMix64(&seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), n < 2^32.
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }
  uint64_t Below64(uint64_t n) { return Next() % n; }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo + 1)));
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }

 private:
  uint64_t s_[4];
};

// Draws an index with probability proportional to integer weights.
class Sampler {
 public:
  void Add(uint64_t weight) {
    total_ += weight;
    cumulative_.push_back(total_);
  }
  uint32_t Sample(Rng& rng) const {
    const uint64_t x = rng.Below64(total_);
    return static_cast<uint32_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin());
  }

 private:
  std::vector<uint64_t> cumulative_;
  uint64_t total_ = 0;
};

// Zipf-like weights 1 / (rank + offset): the head of a list is much commoner
// than its tail, as for real names.
Sampler RankSampler(uint32_t n, double offset) {
  Sampler s;
  for (uint32_t r = 0; r < n; ++r) {
    s.Add(static_cast<uint64_t>(1e9 / (static_cast<double>(r) + 1.0 + offset)));
  }
  return s;
}

struct WeightedNames {
  NameList list;
  Sampler sampler;
  std::string_view Pick(Rng& rng) const { return list.names[sampler.Sample(rng)]; }
};

WeightedNames MakeNames(NameList list, double offset) {
  return WeightedNames{list, RankSampler(list.size, offset)};
}

// A bijection on [0, m) used to turn sequence numbers into scattered ids.
inline uint64_t Permute(uint64_t x, uint64_t m, uint64_t a, uint64_t b) { return (a * x + b) % m; }

// ------------------------------------------------------------------- dates

using Day = int32_t;  // days since 1970-01-01

struct Ymd {
  int y = 0, m = 0, d = 0;
};

Day DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(m > 2 ? m - 3 : m + 9);
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

Ymd CivilFromDays(Day day) {
  const int z = day + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Ymd{y + (m <= 2 ? 1 : 0), static_cast<int>(m), static_cast<int>(d)};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ValidYmd(const Ymd& v) {
  return v.m >= 1 && v.m <= 12 && v.d >= 1 && v.d <= DaysInMonth(v.y, v.m);
}

Day AddMonths(Day day, int months) {
  const Ymd c = CivilFromDays(day);
  const int total = c.y * 12 + (c.m - 1) + months;
  const int y = total / 12;
  const int m = total % 12 + 1;
  return DaysFromCivil(y, m, std::min(c.d, DaysInMonth(y, m)));
}

Day AddYears(Day day, int years) { return AddMonths(day, 12 * years); }

const Day kStartLo = DaysFromCivil(2019, 1, 1);
const Day kStartHi = DaysFromCivil(2022, 12, 31);
const Day kDobLo = DaysFromCivil(1950, 1, 1);
const Day kDobHi = DaysFromCivil(2005, 12, 31);
const Day kPoliceReference = DaysFromCivil(2021, 7, 1);
const Day kLastOffence = DaysFromCivil(2024, 12, 31);
const Day kExtractDate = DaysFromCivil(2025, 3, 31);

// -------------------------------------------------------------- formatting

inline void Append2(std::string& o, int v) {
  o.push_back(static_cast<char>('0' + v / 10 % 10));
  o.push_back(static_cast<char>('0' + v % 10));
}

inline void Append4(std::string& o, int v) {
  Append2(o, v / 100);
  Append2(o, v % 100);
}

void AppendUint(std::string& o, uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) o.push_back(buf[--n]);
}

void AppendIso(std::string& o, const Ymd& v) {
  Append4(o, v.y);
  o.push_back('-');
  Append2(o, v.m);
  o.push_back('-');
  Append2(o, v.d);
}

void AppendIso(std::string& o, Day day) { AppendIso(o, CivilFromDays(day)); }

void AppendDmy(std::string& o, const Ymd& v) {
  Append2(o, v.d);
  o.push_back('/');
  Append2(o, v.m);
  o.push_back('/');
  Append4(o, v.y);
}

// RFC 4180: quote a field holding a delimiter, quote or line break.
void AppendField(std::string& o, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    o.append(v);
    return;
  }
  o.push_back('"');
  for (char c : v) {
    if (c == '"') o.push_back('"');
    o.push_back(c);
  }
  o.push_back('"');
}

// -------------------------------------------------------------------- text

// Decodes one UTF-8 code point at s[*i], advancing *i; returns -1 for a bad
// byte (skipped).
int32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  int len = 0;
  int32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++*i;
    return -1;
  }
  if (*i + static_cast<size_t>(len) > s.size()) {
    *i = s.size();
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i + static_cast<size_t>(k)]) & 0x3F);
  }
  *i += static_cast<size_t>(len);
  return cp;
}

// ASCII for the accented letters our names use; 0 drops the character.
char FoldCodePoint(int32_t cp) {
  if (cp >= 0 && cp < 0x80) return static_cast<char>(cp);
  if (cp >= 0xC0 && cp <= 0xC5) return 'A';
  if (cp >= 0xE0 && cp <= 0xE5) return 'a';
  if ((cp >= 0xC8 && cp <= 0xCB)) return 'E';
  if ((cp >= 0xE8 && cp <= 0xEB)) return 'e';
  if ((cp >= 0xCC && cp <= 0xCF)) return 'I';
  if ((cp >= 0xEC && cp <= 0xEF)) return 'i';
  if ((cp >= 0xD2 && cp <= 0xD6) || cp == 0xD8) return 'O';
  if ((cp >= 0xF2 && cp <= 0xF6) || cp == 0xF8) return 'o';
  if (cp >= 0xD9 && cp <= 0xDC) return 'U';
  if (cp >= 0xF9 && cp <= 0xFC) return 'u';
  switch (cp) {
    case 0xC7: return 'C';
    case 0xE7: return 'c';
    case 0xD1: return 'N';
    case 0xF1: return 'n';
    case 0xDD: return 'Y';
    case 0xFD: case 0xFF: return 'y';
    case 0x102: case 0x104: return 'A';
    case 0x103: case 0x105: return 'a';
    case 0x106: return 'C';
    case 0x107: return 'c';
    case 0x118: return 'E';
    case 0x119: return 'e';
    case 0x141: return 'L';
    case 0x142: return 'l';
    case 0x143: return 'N';
    case 0x144: return 'n';
    case 0x15A: case 0x15E: case 0x218: return 'S';
    case 0x15B: case 0x15F: case 0x219: return 's';
    case 0x162: case 0x21A: return 'T';
    case 0x163: case 0x21B: return 't';
    case 0x179: case 0x17B: return 'Z';
    case 0x17A: case 0x17C: return 'z';
    case 0x2019: return '\'';
    default: return 0;
  }
}

std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const char c = FoldCodePoint(NextCodePoint(s, &i));
    if (c != 0) out.push_back(c);
  }
  return out;
}

inline bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline char ToUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }
inline char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

void UpperAscii(std::string& s) {
  for (char& c : s) c = ToUpper(c);
}

// Police style: ASCII upper case.
std::string PoliceForm(std::string_view s) {
  std::string out = Fold(s);
  UpperAscii(out);
  return out;
}

// QWERTY neighbours of a..z.
constexpr const char* kNeighbours[26] = {
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko",
    "huikmn", "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft",
    "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx"};

// One keyboard slip on an ASCII letter of `s`: an adjacent key, a dropped,
// added or doubled letter, or two letters swapped. The first letter is rarely
// touched, as in real data.
void Typo(Rng& rng, std::string& s) {
  uint32_t pos[64];
  uint32_t n = 0;
  bool lower_context = false;
  for (size_t i = 0; i < s.size() && n < 64; ++i) {
    if (IsAsciiLetter(s[i])) {
      pos[n++] = static_cast<uint32_t>(i);
      if (!IsAsciiUpper(s[i])) lower_context = true;
    }
  }
  if (n < 2) return;
  const uint32_t k = rng.Chance(0.9) ? 1 + rng.Below(n - 1) : 0;
  const size_t p = pos[k];
  const char original = s[p];
  const char* nb = kNeighbours[ToLower(original) - 'a'];
  char repl = nb[rng.Below(static_cast<uint32_t>(std::strlen(nb)))];
  if (k == 0 ? IsAsciiUpper(original) : !lower_context) repl = ToUpper(repl);
  char added = ToLower(repl);
  if (!lower_context) added = ToUpper(added);
  switch (rng.Below(5)) {
    case 0:
      s[p] = repl;
      break;
    case 1:
      if (n >= 4) {
        s.erase(p, 1);
      } else {
        s[p] = repl;
      }
      break;
    case 2:
      s.insert(p + 1, 1, added);
      break;
    case 3:
      if (k + 1 < n && pos[k + 1] == p + 1 && ToLower(s[p]) != ToLower(s[p + 1]) && k > 0) {
        std::swap(s[p], s[p + 1]);
      } else {
        s[p] = repl;
      }
      break;
    default:
      if (k > 0) {
        s.insert(p, 1, original);
      } else {
        s[p] = repl;
      }
      break;
  }
}

// ------------------------------------------------------------------ tables

using Groups = std::unordered_map<std::string_view, std::vector<std::string_view>>;

// "A|B|C" -> A: {B, C}. With `symmetric`, also B: {A}, C: {A} (when absent).
Groups ParseGroups(NameList list, bool symmetric) {
  Groups groups;
  for (uint32_t i = 0; i < list.size; ++i) {
    std::string_view text = list.names[i];
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start <= text.size()) {
      const size_t bar = text.find('|', start);
      const size_t end = bar == std::string_view::npos ? text.size() : bar;
      parts.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    if (parts.size() < 2) continue;
    auto it = groups.find(parts[0]);
    if (it == groups.end()) {
      groups.emplace(parts[0], std::vector<std::string_view>(parts.begin() + 1, parts.end()));
    }
    if (symmetric) {
      for (size_t j = 1; j < parts.size(); ++j) {
        if (groups.find(parts[j]) == groups.end()) {
          groups.emplace(parts[j], std::vector<std::string_view>{parts[0]});
        }
      }
    }
  }
  return groups;
}

std::optional<std::string_view> PickFrom(Rng& rng, const Groups& groups, std::string_view key) {
  auto it = groups.find(key);
  if (it == groups.end() || it->second.empty()) return std::nullopt;
  return it->second[rng.Below(static_cast<uint32_t>(it->second.size()))];
}

struct Tables {
  Tables();

  Sampler community;
  WeightedNames british_forenames[2][synth::kDecadeCount];
  WeightedNames rare_forenames[2];
  WeightedNames community_forenames[synth::kCommunityCount][2];
  WeightedNames british_surnames;
  WeightedNames prefixes;
  WeightedNames suffixes;
  WeightedNames community_surnames[synth::kCommunityCount];
  Groups forename_variants;
  Groups surname_variants;
  Groups nicknames;
  Groups similar;
  Sampler probation_age;  // index = age - 18
  Sampler police_age;     // index = age - 16
  Sampler area;
  std::unordered_map<std::string_view, uint32_t> area_index;
  synth::PostcodeAreaList areas;
  NameList special_districts;
};

Tables::Tables() {
  // Shares of the probation and police populations by naming tradition.
  for (uint64_t w : {720, 40, 60, 40, 15, 55, 40, 12, 18}) community.Add(w);
  for (int f = 0; f < 2; ++f) {
    for (int d = 0; d < synth::kDecadeCount; ++d) {
      british_forenames[f][d] = MakeNames(synth::BritishForenames(f == 1, d), 3);
    }
    rare_forenames[f] = MakeNames(synth::RareForenames(f == 1), 20);
    for (int c = 1; c < synth::kCommunityCount; ++c) {
      community_forenames[c][f] =
          MakeNames(synth::CommunityForenames(static_cast<Community>(c), f == 1), 4);
    }
  }
  british_surnames = MakeNames(synth::BritishSurnames(), 8);
  prefixes = MakeNames(synth::SurnamePrefixes(), 12);
  suffixes = MakeNames(synth::SurnameSuffixes(), 6);
  for (int c = 1; c < synth::kCommunityCount; ++c) {
    community_surnames[c] = MakeNames(synth::CommunitySurnames(static_cast<Community>(c)), 4);
  }
  community_surnames[0] = british_surnames;
  forename_variants = ParseGroups(synth::ForenameVariantGroups(), false);
  surname_variants = ParseGroups(synth::SurnameVariantGroups(), false);
  nicknames = ParseGroups(synth::NicknameGroups(), false);
  similar = ParseGroups(synth::SimilarNamePairs(), true);

  // Ages at sentence: most people on probation are in their twenties and
  // thirties.
  for (int age = 18; age <= 75; ++age) {
    uint64_t w = age < 20 ? 40 : age < 25 ? 90 : age < 35 ? 100 : age < 40 ? 85 : age < 45 ? 65
               : age < 50 ? 45 : age < 55 ? 30 : age < 60 ? 18 : age < 65 ? 9 : 3;
    probation_age.Add(w);
  }
  for (int age = 16; age <= 71; ++age) {
    uint64_t w = age < 18 ? 30 : age < 20 ? 50 : age < 25 ? 85 : age < 35 ? 100 : age < 40 ? 85
               : age < 45 ? 70 : age < 50 ? 55 : age < 55 ? 40 : age < 60 ? 25 : age < 65 ? 14
               : 6;
    police_age.Add(w);
  }
  areas = synth::PostcodeAreas();
  for (uint32_t i = 0; i < areas.size; ++i) {
    area.Add(areas.areas[i].weight);
    area_index.emplace(areas.areas[i].area, i);
  }
  special_districts = synth::SpecialDistricts();
}

const Tables& GetTables() {
  static const Tables* const tables = new Tables();
  return *tables;
}

// --------------------------------------------------------------- postcodes

constexpr char kInwardLetters[] = "ABDEFGHJLNPQRSTUWXYZ";

void AppendInward(Rng& rng, std::string& o) {
  o.push_back(static_cast<char>('0' + rng.Below(10)));
  o.push_back(kInwardLetters[rng.Below(20)]);
  o.push_back(kInwardLetters[rng.Below(20)]);
}

std::string DistrictIn(Rng& rng, const synth::PostcodeArea& a) {
  std::string out = a.area;
  AppendUint(out, static_cast<uint64_t>(rng.Between(a.lo, a.hi)));
  return out;
}

std::string RandomOutward(Rng& rng, const Tables& t) {
  if (rng.Chance(0.02)) return t.special_districts.names[rng.Below(t.special_districts.size)];
  return DistrictIn(rng, t.areas.areas[t.area.Sample(rng)]);
}

std::string RandomPostcode(Rng& rng, const Tables& t) {
  std::string pc = RandomOutward(rng, t);
  pc.push_back(' ');
  AppendInward(rng, pc);
  return pc;
}

// A new address: usually nearby (same district or area), sometimes anywhere.
std::string MovedPostcode(Rng& rng, const Tables& t, const std::string& from) {
  const size_t space = from.find(' ');
  std::string_view outward = std::string_view(from).substr(0, space);
  const double u = rng.Uniform();
  std::string out;
  if (u < 0.55) {
    out.assign(outward);
  } else if (u < 0.85) {
    size_t letters = 0;
    while (letters < outward.size() && IsAsciiLetter(outward[letters])) ++letters;
    auto it = t.area_index.find(outward.substr(0, letters));
    out = it == t.area_index.end() ? RandomOutward(rng, t)
                                   : DistrictIn(rng, t.areas.areas[it->second]);
  } else {
    out = RandomOutward(rng, t);
  }
  out.push_back(' ');
  AppendInward(rng, out);
  if (out == from) out[out.size() - 1] = out.back() == 'A' ? 'B' : 'A';
  return out;
}

// A keying error in a postcode.
void MistypePostcode(Rng& rng, std::string& pc) {
  const size_t space = pc.find(' ');
  if (space == std::string::npos || pc.size() < space + 4) return;
  switch (rng.Below(4)) {
    case 0:  // inward letters swapped
      if (pc[space + 2] != pc[space + 3]) {
        std::swap(pc[space + 2], pc[space + 3]);
        break;
      }
      [[fallthrough]];
    case 1:  // inward digit
      pc[space + 1] = static_cast<char>('0' + (pc[space + 1] - '0' + 1 + rng.Below(9)) % 10);
      break;
    case 2: {  // a letter for a neighbouring key
      const size_t p = rng.Chance(0.5) ? space + 2 + rng.Below(2) : 0;
      const char* nb = kNeighbours[ToLower(pc[p]) - 'a'];
      pc[p] = ToUpper(nb[rng.Below(static_cast<uint32_t>(std::strlen(nb)))]);
      break;
    }
    default: {  // outward digit off by one, or O for 0
      size_t d = 0;
      while (d < space && !(pc[d] >= '0' && pc[d] <= '9')) ++d;
      if (d < space) {
        if (pc[d] == '0' && rng.Chance(0.5)) {
          pc[d] = 'O';
        } else {
          pc[d] = static_cast<char>('0' + (pc[d] - '0' + 1) % 10);
        }
      }
      break;
    }
  }
}

// ------------------------------------------------------------------ people

struct Config {
  uint64_t people = 0;
  uint64_t seed = 0;
  Difficulty difficulty = Difficulty::kNormal;
  double scale = 1.0;        // corruption rates relative to normal
  double pnc_missing = 0.35;
  double pnc_mistyped = 0.02;
  double moved = 0.2;        // police hold an older address
  double duplicate = 0.0;    // second probation record with another CRN
  uint64_t crn_offset = 0;
  uint64_t pnc_offset = 0;
  // Addresses shared by many unrelated people on probation (approved premises,
  // hostels).
  std::vector<std::string> hostels;

  // A corruption rate at this difficulty.
  double P(double normal_rate) const { return std::min(0.9, normal_rate * scale); }
};

struct Identity {
  uint64_t person = 0;
  Community community = synth::kBritish;
  bool female = false;
  std::string forename;
  std::string middle[2];
  int n_middle = 0;
  std::string surname;        // current
  std::string birth_surname;  // set when changed on marriage
  Day dob = 0;
  std::string postcode;         // current address
  std::string police_postcode;  // address on the police record
  std::string pnc;              // canonical YYYY/NNNNNNNA
};

int DecadeOf(Day dob) {
  const int d = (CivilFromDays(dob).y - 1950) / 10;
  return std::clamp(d, 0, synth::kDecadeCount - 1);
}

bool IsMohammed(std::string_view name) {
  return name == "Mohammed" || name == "Muhammad" || name == "Mohamed" || name == "Mohammad" ||
         name == "Muhammed";
}

std::string_view PickForename(Rng& rng, const Tables& t, Community c, bool female, int decade) {
  const int f = female ? 1 : 0;
  if (c == synth::kBritish || rng.Chance(0.12)) {
    const double u = rng.Uniform();
    if (u < 0.10) return t.rare_forenames[f].Pick(rng);
    int d = decade;
    if (u < 0.22) d = std::max(0, decade - 1);
    else if (u < 0.30) d = std::min(synth::kDecadeCount - 1, decade + 1);
    return t.british_forenames[f][d].Pick(rng);
  }
  return t.community_forenames[c][f].Pick(rng);
}

std::string_view PickOtherForename(Rng& rng, const Tables& t, Community c, bool female,
                                   int decade, std::string_view not_this) {
  std::string_view name = PickForename(rng, t, c, female, decade);
  for (int tries = 0; tries < 8 && name == not_this; ++tries) {
    name = PickForename(rng, t, c, female, decade);
  }
  return name;
}

std::string PolishFeminine(std::string_view male) {
  std::string s(male);
  if (s.size() >= 3 && s.compare(s.size() - 3, 3, "ski") == 0) {
    s.back() = 'a';
  } else if (s.size() >= 3 && s.compare(s.size() - 3, 3, "cki") == 0) {
    s.back() = 'a';
  } else if (s.size() >= 4 && s.compare(s.size() - 4, 4, "dzki") == 0) {
    s.back() = 'a';
  }
  return s;
}

std::string BritishSurname(Rng& rng, const Tables& t) {
  // About half of people carry one of the commonest few hundred surnames; the
  // rest have rarer ones.
  if (rng.Chance(0.55)) return std::string(t.british_surnames.Pick(rng));
  std::string s(t.prefixes.Pick(rng));
  s.append(t.suffixes.Pick(rng));
  return s;
}

std::string PickSurname(Rng& rng, const Tables& t, Community c, bool female) {
  if (c == synth::kBritish || rng.Chance(0.04)) {
    if (rng.Chance(0.025)) {  // double-barrelled
      std::string a = std::string(t.british_surnames.Pick(rng));
      std::string b = BritishSurname(rng, t);
      if (a != b) return a + "-" + b;
    }
    return BritishSurname(rng, t);
  }
  std::string_view s = t.community_surnames[c].Pick(rng);
  for (int tries = 0; tries < 8 && !female && s.substr(0, 3) == "Ní"; ++tries) {
    s = t.community_surnames[c].Pick(rng);
  }
  if (!female && s.substr(0, 3) == "Ní") s = "Ó Briain";
  if (c == synth::kPolish && female) return PolishFeminine(s);
  return std::string(s);
}

// Builds a new person born on `dob`.
Identity NewIdentity(Rng& rng, const Tables& t, uint64_t person, Day dob, double female_rate) {
  Identity id;
  id.person = person;
  id.community = static_cast<Community>(t.community.Sample(rng));
  id.female = rng.Chance(female_rate);
  id.dob = dob;
  const int decade = DecadeOf(dob);
  const Community c = id.community;
  id.forename = PickForename(rng, t, c, id.female, decade);
  id.surname = PickSurname(rng, t, c, id.female);

  // Middle names by naming tradition.
  double middle_rate = 0.6;
  switch (c) {
    case synth::kIrish: middle_rate = 0.7; break;
    case synth::kSouthAsian: middle_rate = 0.4; break;
    case synth::kHindu: middle_rate = 0.4; break;
    case synth::kPolish: middle_rate = 0.2; break;
    case synth::kRomanian: middle_rate = 0.3; break;
    case synth::kCaribbean: middle_rate = 0.55; break;
    case synth::kWestAfrican: middle_rate = 0.65; break;
    default: break;
  }
  if (c == synth::kSouthAsian && !id.female && rng.Chance(0.3)) {
    // "Mohammed Imran Khan", who is called Imran.
    static constexpr std::string_view kMohammed[] = {"Mohammed", "Mohammed", "Muhammad",
                                                     "Muhammad", "Mohamed", "Mohammad"};
    id.middle[0] = t.community_forenames[c][0].Pick(rng);
    for (int tries = 0; tries < 8 && IsMohammed(id.middle[0]); ++tries) {
      id.middle[0] = t.community_forenames[c][0].Pick(rng);
    }
    if (IsMohammed(id.middle[0])) id.middle[0] = "Imran";
    id.forename = kMohammed[rng.Below(6)];
    id.n_middle = 1;
  } else if (rng.Chance(middle_rate)) {
    id.n_middle = rng.Chance(0.15) ? 2 : 1;
    for (int k = 0; k < id.n_middle; ++k) {
      Community mc = c;
      if (c == synth::kWestAfrican && rng.Chance(0.5)) mc = synth::kBritish;
      std::string_view m = PickOtherForename(rng, t, mc, id.female, decade, id.forename);
      if (k == 1 && m == id.middle[0]) m = PickOtherForename(rng, t, mc, id.female, decade, m);
      id.middle[k] = m;
    }
  }
  if (c == synth::kSikh) {
    // Sikh names: Singh / Kaur as the surname or before the family name.
    const char* title = id.female ? "Kaur" : "Singh";
    if (rng.Chance(0.5)) {
      id.surname = title;
    } else {
      id.middle[0] = title;
      id.middle[1].clear();
      id.n_middle = 1;
    }
  } else if (c == synth::kSouthAsian && id.female && rng.Chance(0.22)) {
    id.surname = rng.Chance(0.8) ? "Begum" : "Bibi";
  }

  // Married women often change surname; some join the two.
  const int age = (kPoliceReference - dob) / 365;
  if (id.female && age >= 24 && rng.Chance(0.32)) {
    id.birth_surname = id.surname;
    const Community hc = rng.Chance(0.7) ? c : synth::kBritish;
    std::string husband = PickSurname(rng, t, hc, true);
    if (husband.find('-') == std::string::npos && rng.Chance(0.15) &&
        id.birth_surname.find('-') == std::string::npos &&
        id.birth_surname.find(' ') == std::string::npos) {
      id.surname = id.birth_surname + "-" + husband;
    } else {
      id.surname = husband;
    }
    if (id.surname == id.birth_surname) id.birth_surname.clear();
  }
  id.postcode = RandomPostcode(rng, t);
  return id;
}

Day DobForAge(Rng& rng, Day reference, int age) {
  return AddYears(reference, -age) - 1 - static_cast<Day>(rng.Below(365));
}

Day DrawDob(Rng& rng, const Sampler& ages, int min_age, Day reference) {
  Day dob = 0;
  for (int tries = 0; tries < 20; ++tries) {
    dob = DobForAge(rng, reference, min_age + static_cast<int>(ages.Sample(rng)));
    if (dob >= kDobLo && dob <= kDobHi) return dob;
  }
  return std::clamp(dob, kDobLo, kDobHi);
}

enum class RelativeKind { kTwin, kSameNameParentChild, kSibling };

// A relative in the same household: a twin (same surname, dob and address), a
// parent or child with the same forename (dob 20-35 years apart), or a sibling.
// nullopt when the relative would be born outside 1950-2005.
std::optional<Identity> MakeRelative(Rng& rng, const Tables& t, const Identity& base,
                                     RelativeKind kind, uint64_t person) {
  Identity r;
  r.person = person;
  r.community = base.community;
  const std::string family =
      base.birth_surname.empty() ? base.surname : base.birth_surname;
  const int decade = DecadeOf(base.dob);
  switch (kind) {
    case RelativeKind::kTwin: {
      r.dob = base.dob;
      r.female = rng.Chance(0.6) ? base.female : !base.female;
      r.surname = family;
      std::optional<std::string_view> similar;
      if (r.female == base.female && rng.Chance(0.3)) {
        similar = PickFrom(rng, t.similar, base.forename);
      }
      r.forename = similar ? std::string(*similar)
                           : std::string(PickOtherForename(rng, t, r.community, r.female,
                                                           decade, base.forename));
      break;
    }
    case RelativeKind::kSameNameParentChild: {
      r.female = base.female;
      r.forename = base.forename;
      r.surname = base.surname;
      const int gap = rng.Between(20, 35);
      const int year = CivilFromDays(base.dob).y;
      bool parent = year >= 1985 ? true : year <= 1965 ? false : rng.Chance(0.5);
      Day dob = AddYears(base.dob, parent ? -gap : gap) + rng.Between(-150, 150);
      if (dob < kDobLo || dob > kDobHi) {
        parent = !parent;
        dob = AddYears(base.dob, parent ? -gap : gap) + rng.Between(-150, 150);
      }
      if (dob < kDobLo || dob > kDobHi) return std::nullopt;
      r.dob = dob;
      if (base.n_middle > 0 && rng.Chance(0.3)) {
        r.middle[0] = base.middle[0];
        r.n_middle = 1;
      }
      break;
    }
    case RelativeKind::kSibling: {
      r.female = rng.Chance(0.5);
      r.surname = family;
      int gap_days = rng.Between(300, 12 * 365);
      if (rng.Chance(0.5)) gap_days = -gap_days;
      r.dob = base.dob + gap_days;
      if (r.dob < kDobLo || r.dob > kDobHi) r.dob = base.dob - gap_days;
      if (r.dob < kDobLo || r.dob > kDobHi) return std::nullopt;
      r.forename = PickOtherForename(rng, t, r.community, r.female, DecadeOf(r.dob),
                                     base.forename);
      break;
    }
  }
  if (r.forename == base.forename && kind != RelativeKind::kSameNameParentChild) {
    r.forename = PickOtherForename(rng, t, r.community, r.female, decade, base.forename);
  }
  if (r.n_middle == 0 && rng.Chance(0.55)) {
    r.middle[0] = PickOtherForename(rng, t, r.community, r.female, DecadeOf(r.dob), r.forename);
    r.n_middle = 1;
  }
  if (r.community == synth::kPolish && r.female != base.female) {
    // Polish surnames agree with sex: Kowalski / Kowalska.
    if (r.female) {
      r.surname = PolishFeminine(r.surname);
    } else if (!r.surname.empty() && r.surname.back() == 'a' && r.surname.size() > 3 &&
               (r.surname.compare(r.surname.size() - 3, 3, "ska") == 0 ||
                r.surname.compare(r.surname.size() - 3, 3, "cka") == 0)) {
      r.surname.back() = 'i';
    }
  }
  r.postcode = base.postcode;
  r.police_postcode = rng.Chance(0.7) ? base.police_postcode : r.postcode;
  return r;
}

// --------------------------------------------------------- sentences, police

enum SentenceType { kCommunityOrder, kSuspendedSentence, kLicence };
constexpr const char* kSentenceNames[] = {"community order", "suspended sentence order",
                                          "licence"};
enum Termination { kCompleted, kRevokedBreach, kRevokedFurtherOffence, kOtherTermination };
constexpr const char* kTerminationNames[] = {"completed", "revoked for breach",
                                             "revoked for further offence", "other"};

struct Case {
  Day start = 0;
  SentenceType type = kCommunityOrder;
  Termination termination = kCompleted;
  bool inspected = false;
  bool engaging = false;
  bool desistance = false;
  bool safety = false;
  bool reoffender = false;
};

struct Disposal {
  Day offence = 0;
  Day disposal = 0;
  bool caution = false;
};

// Outcome groups tallied for outcomes_truth.json.
enum Group {
  kBothSufficient,
  kMixed,
  kBothInsufficient,
  kEngagingSufficient,
  kEngagingInsufficient,
  kDesistanceSufficient,
  kDesistanceInsufficient,
  kSafetySufficient,
  kSafetyInsufficient,
  kInspected,
  kCohort,
  kGroupCount,
};
constexpr const char* kGroupNames[] = {
    "both_sufficient",        "mixed",                   "both_insufficient",
    "engaging_sufficient",    "engaging_insufficient",   "desistance_sufficient",
    "desistance_insufficient", "safety_sufficient",      "safety_insufficient",
    "inspected",              "cohort"};

struct GroupStats {
  uint64_t n = 0;
  uint64_t completed = 0;
  uint64_t reoffenders = 0;
  uint64_t reoffences = 0;
};

// The planted effect of supervision quality. Engagement and desistance both
// sufficient vs both insufficient: completion +24 points, proven reoffending
// -14 points; the keeping-safe judgement matters a little.
void DrawOutcome(Rng& rng, Case* c) {
  c->inspected = rng.Chance(0.35);
  c->engaging = rng.Chance(0.55);
  c->desistance = rng.Chance(c->engaging ? 0.73 : 0.33);
  const int g = c->engaging && c->desistance ? 0 : (c->engaging || c->desistance ? 1 : 2);
  static constexpr double kSafety[3] = {0.75, 0.60, 0.45};
  static constexpr double kReoffend[3] = {0.28, 0.35, 0.42};
  static constexpr double kComplete[3] = {0.75, 0.63, 0.51};
  c->safety = rng.Chance(kSafety[g]);
  const double s = c->safety ? 1.0 : 0.0;
  const double r = kReoffend[g] + 0.03 * (kSafety[g] - s);
  const double completion = kComplete[g] + 0.04 * (s - kSafety[g]);
  c->reoffender = rng.Chance(r);
  // Reoffenders complete less often: P(complete | reoffend) = 0.55 P(complete | not).
  const double complete_if_not = std::min(0.97, completion / (1.0 - r + 0.55 * r));
  const double p = c->reoffender ? 0.55 * complete_if_not : complete_if_not;
  if (rng.Chance(p)) {
    c->termination = kCompleted;
  } else if (c->reoffender) {
    const double u = rng.Uniform();
    c->termination = u < 0.55 ? kRevokedFurtherOffence
                     : u < 0.90 ? kRevokedBreach
                                : kOtherTermination;
  } else {
    c->termination = rng.Chance(0.85) ? kRevokedBreach : kOtherTermination;
  }
}

Day DayBetween(Rng& rng, Day lo, Day hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<Day>(rng.Below(static_cast<uint32_t>(hi - lo + 1)));
}

// By date; a total order, so every standard library sorts alike.
void SortDisposals(std::vector<Disposal>* v) {
  std::sort(v->begin(), v->end(), [](const Disposal& a, const Disposal& b) {
    if (a.offence != b.offence) return a.offence < b.offence;
    if (a.disposal != b.disposal) return a.disposal < b.disposal;
    return a.caution < b.caution;
  });
}

// Earlier offences from `first` up to `before`, sorted later.
void AddHistory(Rng& rng, Day first, Day before, int count, double caution_rate,
                std::vector<Disposal>* out) {
  for (int k = 0; k < count; ++k) {
    Disposal d;
    d.offence = k == 0 ? first : DayBetween(rng, first, before);
    d.disposal = std::min<Day>(d.offence + rng.Between(1, 200), before + 10);
    if (d.disposal < d.offence) d.disposal = d.offence;
    d.caution = rng.Chance(caution_rate);
    out->push_back(d);
  }
}

// Police disposals of someone on probation: history, the index offence, proven
// reoffences, and decoys that the official measure must not count (offences
// after the 12-month window, disposals after the 6-month waiting period).
// Returns the day of the first offence.
Day CohortDisposals(Rng& rng, const Identity& id, const Case& c, std::vector<Disposal>* out) {
  out->clear();
  Disposal index;
  if (c.type == kLicence) {
    index.disposal = c.start - rng.Between(60, 700);
    index.offence = index.disposal - rng.Between(20, 300);
  } else {
    index.disposal = c.start - rng.Between(0, 14);
    index.offence = index.disposal - rng.Between(14, 250);
  }
  const Day earliest = AddYears(id.dob, 12);
  Day first = index.offence;
  const int priors = static_cast<int>(std::min(rng.Below(9), rng.Below(9)));
  if (priors > 0 && index.offence - 60 > earliest) {
    // First arrest skewed towards the teenage years.
    const Day span = index.offence - 60 - earliest;
    const Day a = static_cast<Day>(rng.Below(static_cast<uint32_t>(span)));
    const Day b = static_cast<Day>(rng.Below(static_cast<uint32_t>(span)));
    first = earliest + std::min(a, b);
    AddHistory(rng, first, index.offence - 60, priors, 0.25, out);
  }
  out->push_back(index);
  if (c.reoffender) {
    static constexpr uint64_t kCounts[5] = {45, 25, 15, 9, 6};
    uint64_t x = rng.Below(100);
    int n = 1;
    for (int k = 0; k < 4 && x >= kCounts[k]; ++k) {
      x -= kCounts[k];
      ++n;
    }
    // Also ensure a revocation for a further offence has one in the window.
    for (int k = 0; k < n; ++k) {
      Disposal d;
      d.offence = DayBetween(rng, c.start + 1, c.start + 360);
      const Day latest = std::min(d.offence + 300, c.start + 540);
      d.disposal = DayBetween(rng, d.offence + 1, latest);
      d.caution = rng.Chance(0.12);
      out->push_back(d);
    }
  }
  if (rng.Chance(0.06)) {  // inside the window, proven too late
    Disposal d;
    d.offence = DayBetween(rng, c.start + 150, c.start + 360);
    d.disposal = DayBetween(rng, c.start + 556, c.start + 760);
    d.caution = rng.Chance(0.12);
    out->push_back(d);
  }
  if (rng.Chance(0.28)) {  // after the window
    const int n = rng.Between(1, 3);
    for (int k = 0; k < n; ++k) {
      Disposal d;
      d.offence = DayBetween(rng, c.start + 370, c.start + 1000);
      d.disposal = d.offence + rng.Between(1, 250);
      d.caution = rng.Chance(0.12);
      if (d.disposal <= kExtractDate) out->push_back(d);
    }
  }
  SortDisposals(out);
  return first;
}

// Police disposals of someone never on probation in the cohort.
Day PoliceDisposals(Rng& rng, const Identity& id, std::vector<Disposal>* out) {
  out->clear();
  const Day earliest = std::max(AddYears(id.dob, 12), DaysFromCivil(1975, 1, 1));
  const Day span = kLastOffence - earliest;
  const Day a = static_cast<Day>(rng.Below(static_cast<uint32_t>(span)));
  const Day b = static_cast<Day>(rng.Below(static_cast<uint32_t>(span)));
  const Day first = earliest + std::min(a, b);
  const int n = 1 + static_cast<int>(std::min(rng.Below(7), rng.Below(7)));
  for (int k = 0; k < n; ++k) {
    Disposal d;
    d.offence = k == 0 ? first : DayBetween(rng, first, kLastOffence);
    d.disposal = std::min<Day>(d.offence + rng.Between(1, 250), kExtractDate);
    d.caution = rng.Chance(0.2);
    out->push_back(d);
  }
  SortDisposals(out);
  return first;
}

constexpr char kCheckLetters[] = "ZABCDEFGHJKLMNPQRTUVWXY";

char PncCheck(int year, uint64_t serial) {
  return kCheckLetters[(static_cast<uint64_t>(year % 100) * 10'000'000ULL + serial) % 23];
}

// The PNC id: the year of the first arrest and a serial unique in the data.
void AssignPnc(const Config& cfg, Day first_offence, Identity* id) {
  const int year = CivilFromDays(first_offence).y;
  const uint64_t serial = Permute(id->person, 10'000'000ULL, 3'141'593ULL, cfg.pnc_offset);
  id->pnc.clear();
  Append4(id->pnc, year);
  id->pnc.push_back('/');
  char digits[7];
  uint64_t s = serial;
  for (int k = 6; k >= 0; --k) {
    digits[k] = static_cast<char>('0' + s % 10);
    s /= 10;
  }
  id->pnc.append(digits, 7);
  id->pnc.push_back(PncCheck(year, serial));
}

std::string CrnFor(const Config& cfg, uint64_t number) {
  const uint64_t v = Permute(number, 26'000'000ULL, 15'485'863ULL, cfg.crn_offset);
  std::string crn;
  crn.push_back(static_cast<char>('A' + v / 1'000'000));
  const uint64_t digits = v % 1'000'000;
  Append2(crn, static_cast<int>(digits / 10000));
  Append4(crn, static_cast<int>(digits % 10000));
  return crn;
}

// -------------------------------------------------------- record rendering

enum class DateError { kTransposed, kDayOut, kYearOut, kDigit, kPlaceholder, kImpossible };

// A wrong date of birth of the given kind; kImpossible may give a date that
// does not exist (31/02). Always differs from `v` when it can.
Ymd CorruptDate(Rng& rng, Ymd v, DateError kind) {
  Ymd out = v;
  switch (kind) {
    case DateError::kTransposed:
      if (v.d <= 12 && v.d != v.m) {
        std::swap(out.d, out.m);
        return out;
      }
      [[fallthrough]];
    case DateError::kDayOut:
      return CivilFromDays(DaysFromCivil(v.y, v.m, v.d) + (rng.Chance(0.5) ? 1 : -1));
    case DateError::kYearOut:
      out.y += rng.Chance(0.5) ? 1 : -1;
      if (!ValidYmd(out)) out.d = 28;
      return out;
    case DateError::kDigit:
      for (int tries = 0; tries < 6; ++tries) {
        out = v;
        switch (rng.Below(3)) {
          case 0: out.d = (v.d / 10) * 10 + static_cast<int>(rng.Below(10)); break;
          case 1: out.m = (v.m / 10) * 10 + static_cast<int>(rng.Below(10)); break;
          default: out.y = (v.y / 10) * 10 + static_cast<int>(rng.Below(10)); break;
        }
        if (ValidYmd(out) && (out.d != v.d || out.m != v.m || out.y != v.y)) return out;
      }
      return CivilFromDays(DaysFromCivil(v.y, v.m, v.d) + 10);
    case DateError::kPlaceholder:
      if (v.d == 1 && v.m == 1) return CivilFromDays(DaysFromCivil(v.y, v.m, v.d) + 1);
      return Ymd{v.y, 1, 1};
    case DateError::kImpossible:
      if (rng.Chance(0.5)) return Ymd{v.y, 2, 30 + static_cast<int>(rng.Below(2))};
      return Ymd{v.y, v.m, 0};
  }
  return out;
}

DateError RandomDateError(Rng& rng) {
  static constexpr DateError kKinds[] = {DateError::kTransposed, DateError::kTransposed,
                                         DateError::kDayOut,     DateError::kYearOut,
                                         DateError::kDigit,      DateError::kPlaceholder};
  return kKinds[rng.Below(6)];
}

// Spellings of apostrophe names: O'Neill, O’Neill, ONeill, O Neill.
std::string ApostropheVariant(Rng& rng, std::string s, bool curly_allowed) {
  const size_t p = s.find('\'');
  if (p == std::string::npos) return s;
  const double u = rng.Uniform();
  if (curly_allowed && u < 0.08) {
    s.replace(p, 1, "\xE2\x80\x99");
  } else if (u < 0.16) {
    s.erase(p, 1);
  } else if (u < 0.20) {
    s[p] = ' ';
  }
  return s;
}

struct Renderer {
  const Config& cfg;
  const Tables& t;
  Rng& rng;

  // A spelling variant (or nickname) of `name`, or `name` itself.
  std::string Variant(const Groups& g, std::string_view name) {
    auto v = PickFrom(rng, g, name);
    return std::string(v ? *v : name);
  }

  // probation.csv row.
  void Probation(const Identity& id, const Case& c, const std::string& crn, std::string* row) {
    std::string fn = id.forename;
    std::string mid = id.n_middle > 0 ? id.middle[0] : std::string();
    const bool known_by_middle = !mid.empty() && IsMohammed(fn);
    if (!mid.empty() && rng.Chance(known_by_middle ? 0.45 : cfg.P(0.02))) {
      fn = mid;  // goes by the middle name
      mid.clear();
    } else if (rng.Chance(cfg.P(0.05))) {
      fn = Variant(t.forename_variants, fn);
    } else if (rng.Chance(cfg.P(0.04))) {
      fn = Variant(t.nicknames, fn);
    }
    if (rng.Chance(cfg.P(0.035))) Typo(rng, fn);
    std::string forenames = fn;
    if (!mid.empty() && rng.Chance(0.35)) {
      forenames += ' ';
      forenames += mid;
      if (id.n_middle > 1 && rng.Chance(0.5)) {
        forenames += ' ';
        forenames += id.middle[1];
      }
    }
    if (rng.Chance(cfg.P(0.004))) {  // "known as" noted in the name field
      auto nick = PickFrom(rng, t.nicknames, id.forename);
      if (nick) {
        forenames += " \"";
        forenames += *nick;
        forenames += '"';
      }
    }

    std::string sn = id.surname;
    if (!id.birth_surname.empty() && rng.Chance(0.25)) sn = id.birth_surname;
    const size_t hyphen = sn.find('-');
    if (hyphen != std::string::npos && rng.Chance(cfg.P(0.35))) {
      sn = rng.Chance(0.6) ? sn.substr(hyphen + 1) : sn.substr(0, hyphen);
    } else if (rng.Chance(cfg.P(0.03))) {
      sn = Variant(t.surname_variants, sn);
    }
    if (rng.Chance(cfg.P(0.035))) Typo(rng, sn);
    sn = ApostropheVariant(rng, sn, true);

    if (rng.Chance(cfg.P(0.01))) {  // forename and surname entered the wrong way round
      std::string first = fn;
      forenames = sn;
      sn = first;
    }
    // Case management keeps accents about half the time; a few records are in
    // capitals.
    const bool fold = !rng.Chance(0.6);
    const bool caps = rng.Chance(0.06);
    if (fold || caps) {
      forenames = Fold(forenames);
      sn = Fold(sn);
    }
    if (caps) {
      UpperAscii(forenames);
      UpperAscii(sn);
    }

    AppendField(*row, crn);
    row->push_back(',');
    AppendField(*row, forenames);
    row->push_back(',');
    AppendField(*row, sn);
    row->push_back(',');
    ProbationDob(id.dob, row);
    row->push_back(',');
    if (!rng.Chance(cfg.P(0.01))) {
      const bool female = rng.Chance(cfg.P(0.002)) ? !id.female : id.female;
      row->push_back(female ? 'F' : 'M');
    }
    row->push_back(',');
    ProbationPnc(id.pnc, row);
    row->push_back(',');
    if (!rng.Chance(cfg.P(0.04))) {
      std::string pc = id.postcode;
      if (rng.Chance(cfg.P(0.02))) MistypePostcode(rng, pc);
      const double u = rng.Uniform();
      if (u < 0.05) {
        pc.erase(std::remove(pc.begin(), pc.end(), ' '), pc.end());
      } else if (u < 0.09) {
        for (char& ch : pc) ch = ToLower(ch);
      }
      AppendField(*row, pc);
    }
    row->push_back(',');
    AppendIso(*row, c.start);
    row->push_back(',');
    row->append(kSentenceNames[c.type]);
    row->push_back(',');
    row->append(kTerminationNames[c.termination]);
    row->push_back('\n');
  }

  void ProbationDob(Day dob, std::string* row) {
    if (rng.Chance(cfg.P(0.01))) return;  // missing
    Ymd v = CivilFromDays(dob);
    const double u = rng.Uniform();
    double edge = cfg.P(0.015);
    if (u < edge) {
      v = CorruptDate(rng, v, DateError::kTransposed);
    } else if (u < (edge += cfg.P(0.01))) {
      v = CorruptDate(rng, v, DateError::kDayOut);
    } else if (u < (edge += cfg.P(0.01))) {
      v = CorruptDate(rng, v, DateError::kYearOut);
    } else if (u < (edge += cfg.P(0.01))) {
      v = CorruptDate(rng, v, DateError::kDigit);
    } else if (u < (edge += cfg.P(0.007))) {
      v = CorruptDate(rng, v, DateError::kPlaceholder);
    } else if (u < (edge += cfg.P(0.001))) {
      v = CorruptDate(rng, v, DateError::kImpossible);
    }
    AppendDmy(*row, v);
  }

  void ProbationPnc(const std::string& pnc, std::string* row) {
    if (rng.Chance(cfg.pnc_missing)) return;
    std::string s = pnc;  // YYYY/NNNNNNNA
    if (rng.Chance(cfg.pnc_mistyped)) {
      const double u = rng.Uniform();
      if (u < 0.5) {  // one serial digit
        const size_t p = 5 + rng.Below(7);
        s[p] = static_cast<char>('0' + (s[p] - '0' + 1 + rng.Below(9)) % 10);
      } else if (u < 0.8) {  // two serial digits swapped
        size_t p = 5 + rng.Below(6);
        for (int tries = 0; tries < 6 && s[p] == s[p + 1]; ++tries) p = 5 + rng.Below(6);
        if (s[p] != s[p + 1]) {
          std::swap(s[p], s[p + 1]);
        } else {
          s[p] = s[p] == '9' ? '8' : static_cast<char>(s[p] + 1);
        }
      } else {  // wrong check letter
        const char old = s[12];
        while (s[12] == old) s[12] = kCheckLetters[rng.Below(23)];
      }
    }
    // Written the way people write them: "2003/0123456A", "03/123456A".
    const double u = rng.Uniform();
    if (u < 0.08) {
      s.erase(0, 2);
      while (s[3] == '0' && s[4] >= '0' && s[4] <= '9') s.erase(3, 1);
    } else if (u < 0.15) {
      while (s[5] == '0' && s[6] >= '0' && s[6] <= '9') s.erase(5, 1);
    } else if (u < 0.20) {
      s.back() = ToLower(s.back());
    }
    row->append(s);
  }

  // police.csv row.
  void Police(const Identity& id, std::string* row) {
    std::string primary = id.forename;
    std::string middles;
    int first_middle = 0;
    if (id.n_middle > 0 && IsMohammed(primary) && rng.Chance(0.3)) {
      // Recorded under the name he is called by, "Mohammed" as a middle name.
      primary = id.middle[0];
      first_middle = 1;
      middles = PoliceForm(id.forename);
    }
    if (rng.Chance(cfg.P(0.015))) Typo(rng, primary);
    std::string forenames = PoliceForm(primary);
    if (rng.Chance(0.12)) {  // aliases
      std::string alias;
      const double u = rng.Uniform();
      if (u < 0.35) {
        alias = Variant(t.nicknames, id.forename);
      } else if (u < 0.60) {
        alias = Variant(t.forename_variants, id.forename);
      } else if (u < 0.75 && id.n_middle > 0) {
        alias = id.middle[0];
      } else if (u < 0.88) {
        alias = PickOtherForename(rng, t, id.community, id.female, DecadeOf(id.dob),
                                  id.forename);
      }
      if (alias.empty() || alias == primary) {
        alias = id.forename;
        Typo(rng, alias);
      }
      alias = PoliceForm(alias);
      if (alias != forenames) {
        forenames = rng.Chance(0.8) ? forenames + ";" + alias : alias + ";" + forenames;
      }
    }
    if (first_middle == 1 || !rng.Chance(0.15)) {
      for (int k = first_middle; k < id.n_middle; ++k) {
        if (!middles.empty()) middles.push_back(' ');
        middles += PoliceForm(id.middle[k]);
      }
    }

    std::string surname;
    if (!id.birth_surname.empty()) {
      const double u = rng.Uniform();
      const std::string birth = PoliceSurname(id.birth_surname);
      const std::string current = PoliceSurname(id.surname);
      if (u < 0.55) {
        surname = rng.Chance(0.5) ? birth + ";" + current : current + ";" + birth;
      } else if (u < 0.85) {
        surname = current;
      } else {
        surname = birth;
      }
    } else {
      std::string sn = id.surname;
      if (rng.Chance(cfg.P(0.015))) Typo(rng, sn);
      surname = PoliceSurname(sn);
      const size_t hyphen = id.surname.find('-');
      if (hyphen != std::string::npos) {
        const double u = rng.Uniform();
        if (u < 0.25) {
          surname += ";" + PoliceSurname(id.surname.substr(hyphen + 1));
        } else if (u < 0.40) {
          std::replace(surname.begin(), surname.end(), '-', ' ');
        }
      } else if (rng.Chance(0.05)) {
        std::string alias;
        const double u = rng.Uniform();
        if (u < 0.4) alias = Variant(t.surname_variants, id.surname);
        if (alias.empty() || alias == id.surname) {
          if (u < 0.6) {
            alias = id.surname;
            Typo(rng, alias);
          } else {
            alias = PickSurname(rng, t, id.community, id.female);
          }
        }
        alias = PoliceSurname(alias);
        if (alias != surname) surname += ";" + alias;
      }
    }

    AppendField(*row, id.pnc);
    row->push_back(',');
    AppendField(*row, forenames);
    row->push_back(',');
    AppendField(*row, middles);
    row->push_back(',');
    AppendField(*row, surname);
    row->push_back(',');
    PoliceDob(id.dob, row);
    row->push_back(',');
    if (!rng.Chance(cfg.P(0.003))) row->push_back(id.female ? 'F' : 'M');
    row->push_back(',');
    if (!rng.Chance(cfg.P(0.06))) {
      std::string pc = id.police_postcode;
      if (rng.Chance(cfg.P(0.015))) MistypePostcode(rng, pc);
      AppendField(*row, pc);
    }
    row->push_back('\n');
  }

  std::string PoliceSurname(const std::string& s) {
    return PoliceForm(ApostropheVariant(rng, s, false));
  }

  void PoliceDob(Day dob, std::string* row) {
    if (rng.Chance(cfg.P(0.004))) return;
    const Ymd truth = CivilFromDays(dob);
    Ymd primary = truth;
    if (rng.Chance(cfg.P(0.012))) primary = CorruptDate(rng, truth, RandomDateError(rng));
    if (rng.Chance(0.065)) {  // an alternative date of birth on file
      Ymd alt = CorruptDate(rng, truth, RandomDateError(rng));
      if (alt.y == primary.y && alt.m == primary.m && alt.d == primary.d) alt = truth;
      if (alt.y != primary.y || alt.m != primary.m || alt.d != primary.d) {
        if (rng.Chance(0.5)) std::swap(alt, primary);
        AppendIso(*row, primary);
        row->push_back(';');
        AppendIso(*row, alt);
        return;
      }
    }
    AppendIso(*row, primary);
  }
};

// ------------------------------------------------------------------ chunks

struct ChunkOutput {
  std::string probation;
  std::string police;
  std::string disposals;
  std::string inspections;
  std::string truth;
  uint64_t probation_rows = 0;
  uint64_t police_rows = 0;
  uint64_t disposal_rows = 0;
  uint64_t inspection_rows = 0;
  GroupStats stats[kGroupCount];
};

uint64_t ChunkSeed(uint64_t seed, uint64_t chunk) {
  uint64_t s = seed ^ 0x7072'6F62'6974'7921ULL;  // "probity!"
  const uint64_t a = SplitMix64(&s);
  uint64_t t = a + chunk * 0xD1B5'4A32'D192'ED03ULL;
  return SplitMix64(&t);
}

class ChunkGenerator {
 public:
  ChunkGenerator(const Config& cfg, const Tables& t, uint64_t chunk, ChunkOutput* out)
      : cfg_(cfg), t_(t), rng_(ChunkSeed(cfg.seed, chunk)), render_{cfg, t, rng_}, out_(out),
        chunk_(chunk) {}

  void Run() {
    const uint64_t n = cfg_.people;
    const uint64_t lo = chunk_ * kChunk;
    const uint64_t hi = std::min(n, lo + kChunk);
    next_extra_ = 2 * n + chunk_ * 2 * kChunk;

    // People on probation, some with a relative in the data.
    for (uint64_t i = lo; i < hi;) {
      Identity p;
      Case c;
      c.start = DayBetween(rng_, kStartLo, kStartHi);
      const Day dob = DrawDob(rng_, t_.probation_age, 18, c.start);
      p = NewIdentity(rng_, t_, i, dob, 0.15);
      if (rng_.Chance(0.03)) {
        p.postcode = cfg_.hostels[rng_.Below(static_cast<uint32_t>(cfg_.hostels.size()))];
      }
      p.police_postcode = rng_.Chance(cfg_.moved) ? MovedPostcode(rng_, t_, p.postcode)
                                                  : p.postcode;
      EmitCohort(p, &c, i);
      ++i;
      if (auto rel = MaybeRelative(p)) {
        const Day adult = AddYears(rel->dob, 18);
        if (i < hi && adult <= kStartHi && rng_.Chance(0.35)) {
          rel->person = i;
          Case rc;
          rc.start = DayBetween(rng_, std::max(kStartLo, adult), kStartHi);
          EmitCohort(*rel, &rc, i);
          ++i;
        } else {
          rel->person = next_extra_++;
          EmitPoliceOnly(*rel);
        }
      }
    }
    // As many people known only to the police.
    for (uint64_t j = lo; j < hi;) {
      const Day dob = DrawDob(rng_, t_.police_age, 16, kPoliceReference);
      Identity q = NewIdentity(rng_, t_, n + j, dob, 0.25);
      q.police_postcode = rng_.Chance(cfg_.moved) ? MovedPostcode(rng_, t_, q.postcode)
                                                  : q.postcode;
      EmitPoliceOnly(q);
      ++j;
      if (auto rel = MaybeRelative(q)) {
        rel->person = j < hi ? n + j++ : next_extra_++;
        EmitPoliceOnly(*rel);
      }
    }
    Flush(&probation_rows_, &out_->probation);
    Flush(&police_rows_, &out_->police);
  }

 private:
  std::optional<Identity> MaybeRelative(const Identity& base) {
    const double u = rng_.Uniform();
    double edge = cfg_.P(0.006);
    RelativeKind kind;
    if (u < edge) {
      kind = RelativeKind::kTwin;
    } else if (u < (edge += cfg_.P(0.006))) {
      kind = RelativeKind::kSameNameParentChild;
    } else if (u < (edge += cfg_.P(0.025))) {
      kind = RelativeKind::kSibling;
    } else {
      return std::nullopt;
    }
    return MakeRelative(rng_, t_, base, kind, 0);
  }

  void EmitCohort(Identity& p, Case* c, uint64_t index) {
    const double u = rng_.Uniform();
    c->type = u < 0.45 ? kCommunityOrder : u < 0.70 ? kSuspendedSentence : kLicence;
    DrawOutcome(rng_, c);
    const Day first = CohortDisposals(rng_, p, *c, &disposals_);
    AssignPnc(cfg_, first, &p);

    const std::string crn = CrnFor(cfg_, index);
    std::string row;
    render_.Probation(p, *c, crn, &row);
    probation_rows_.push_back(std::move(row));
    Truth("probation", crn, p.person);
    if (cfg_.duplicate > 0 && rng_.Chance(cfg_.duplicate)) {
      // The same person registered twice under different CRNs.
      const std::string crn2 = CrnFor(cfg_, cfg_.people + index);
      std::string row2;
      render_.Probation(p, *c, crn2, &row2);
      probation_rows_.push_back(std::move(row2));
      Truth("probation", crn2, p.person);
    }
    if (c->inspected) {
      std::string& o = out_->inspections;
      o += crn;
      o += c->engaging ? ",sufficient" : ",insufficient";
      o += c->desistance ? ",sufficient" : ",insufficient";
      o += c->safety ? ",sufficient\n" : ",insufficient\n";
      ++out_->inspection_rows;
    }
    EmitPoliceRecord(p);
    Tally(*c);
  }

  void EmitPoliceOnly(Identity& q) {
    const Day first = PoliceDisposals(rng_, q, &disposals_);
    AssignPnc(cfg_, first, &q);
    EmitPoliceRecord(q);
  }

  void EmitPoliceRecord(const Identity& p) {
    std::string row;
    render_.Police(p, &row);
    police_rows_.push_back(std::move(row));
    Truth("police", p.pnc, p.person);
    std::string& o = out_->disposals;
    for (const Disposal& d : disposals_) {
      o += p.pnc;
      o.push_back(',');
      AppendIso(o, d.offence);
      o.push_back(',');
      AppendIso(o, d.disposal);
      o += d.caution ? ",caution\n" : ",conviction\n";
    }
    out_->disposal_rows += disposals_.size();
  }

  void Truth(const char* source, const std::string& id, uint64_t person) {
    std::string& o = out_->truth;
    o += source;
    o.push_back(',');
    o += id;
    o += ",P";
    AppendUint(o, person);
    o.push_back('\n');
  }

  // Applies the official measure to the generated disposals.
  void Tally(const Case& c) {
    const Day end12 = AddMonths(c.start, 12);
    const Day end18 = AddMonths(c.start, 18);
    uint64_t proven = 0;
    for (const Disposal& d : disposals_) {
      if (d.offence >= c.start && d.offence < end12 && d.disposal < end18) ++proven;
    }
    auto add = [&](Group g) {
      GroupStats& s = out_->stats[g];
      ++s.n;
      if (c.termination == kCompleted) ++s.completed;
      if (proven > 0) ++s.reoffenders;
      s.reoffences += proven;
    };
    add(kCohort);
    if (!c.inspected) return;
    add(kInspected);
    add(c.engaging && c.desistance    ? kBothSufficient
        : c.engaging || c.desistance ? kMixed
                                     : kBothInsufficient);
    add(c.engaging ? kEngagingSufficient : kEngagingInsufficient);
    add(c.desistance ? kDesistanceSufficient : kDesistanceInsufficient);
    add(c.safety ? kSafetySufficient : kSafetyInsufficient);
  }

  // Rows leave in shuffled order so that file position says nothing.
  void Flush(std::vector<std::string>* rows, std::string* out) {
    for (size_t k = rows->size(); k > 1; --k) {
      std::swap((*rows)[k - 1], (*rows)[rng_.Below(static_cast<uint32_t>(k))]);
    }
    size_t total = 0;
    for (const std::string& r : *rows) total += r.size();
    out->reserve(out->size() + total);
    for (const std::string& r : *rows) out->append(r);
    if (out == &out_->probation) out_->probation_rows += rows->size();
    if (out == &out_->police) out_->police_rows += rows->size();
    rows->clear();
  }

  const Config& cfg_;
  const Tables& t_;
  Rng rng_;
  Renderer render_;
  ChunkOutput* out_;
  uint64_t chunk_;
  uint64_t next_extra_ = 0;
  std::vector<Disposal> disposals_;
  std::vector<std::string> probation_rows_;
  std::vector<std::string> police_rows_;
};

// ------------------------------------------------------------------- files

class OutFile {
 public:
  OutFile() = default;
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  ~OutFile() {
    if (fd_ >= 0) ::close(fd_);
  }

  absl::Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) return Error("cannot create");
    return absl::OkStatus();
  }

  absl::Status Write(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error("cannot write");
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::Status Close() {
    const int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return Error("cannot close");
    return absl::OkStatus();
  }

 private:
  absl::Status Error(const char* what) const {
    return absl::InternalError(absl::StrCat(what, " ", path_, ": ", std::strerror(errno)));
  }

  std::string path_;
  int fd_ = -1;
};

absl::Status WriteWholeFile(const std::string& path, std::string_view data) {
  OutFile f;
  if (absl::Status s = f.Open(path); !s.ok()) return s;
  if (absl::Status s = f.Write(data); !s.ok()) return s;
  return f.Close();
}

absl::Status MakeOutputDir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return absl::OkStatus();
  const std::filesystem::path path(dir);
  if (path.has_parent_path() && !path.parent_path().empty()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InternalError(
        absl::StrCat("cannot create directory ", dir, ": ", std::strerror(errno)));
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::InternalError(absl::StrCat("cannot create directory ", dir));
  }
  return absl::OkStatus();
}

constexpr std::string_view kSettingsJson = R"({
  "link_type": "link_only",
  "sources": {
    "probation": {
      "id": "crn",
      "fields": {
        "forename": "forenames",
        "surname": "surname",
        "dob": {"column": "dob", "format": "DD/MM/YYYY"},
        "sex": "sex",
        "pnc": "pnc",
        "postcode": "postcode"
      }
    },
    "police": {
      "id": "pnc_id",
      "fields": {
        "forename": {"column": "forenames", "separator": ";"},
        "middle_names": "middle_names",
        "surname": {"column": "surname", "separator": ";"},
        "dob": {"column": "dob", "format": "YYYY-MM-DD", "separator": ";"},
        "sex": "sex",
        "pnc": "pnc_id",
        "postcode": "postcode"
      }
    }
  },
  "threshold": 0.5,
  "outcomes": {
    "probation_source": "probation",
    "police_source": "police",
    "sentences": {"file": "probation.csv", "id": "crn",
                  "start": {"column": "sentence_start", "format": "YYYY-MM-DD"},
                  "termination": "termination_reason", "completed": ["completed"]},
    "inspections": {"file": "inspections.csv", "id": "crn", "engaging": "engaging",
                    "desistance": "desistance", "safety": "safety",
                    "sufficient": ["sufficient"], "insufficient": ["insufficient"]},
    "disposals": {"file": "disposals.csv", "id": "pnc_id",
                  "offence_date": {"column": "offence_date", "format": "YYYY-MM-DD"},
                  "disposal_date": {"column": "disposal_date", "format": "YYYY-MM-DD"},
                  "type": "disposal_type", "proven": ["conviction", "caution"]},
    "follow_up_months": 12,
    "waiting_months": 6
  }
}
)";

double Round4(double x) { return std::round(x * 10000.0) / 10000.0; }

nlohmann::ordered_json GroupJson(const GroupStats& s) {
  nlohmann::ordered_json j;
  const double n = static_cast<double>(s.n);
  j["n"] = s.n;
  j["completed"] = s.completed;
  j["completion_rate"] = s.n ? Round4(static_cast<double>(s.completed) / n) : 0.0;
  j["reoffenders"] = s.reoffenders;
  j["proven_reoffending_rate"] = s.n ? Round4(static_cast<double>(s.reoffenders) / n) : 0.0;
  j["reoffences"] = s.reoffences;
  j["reoffences_per_reoffender"] =
      s.reoffenders ? Round4(static_cast<double>(s.reoffences) /
                             static_cast<double>(s.reoffenders))
                    : 0.0;
  return j;
}

std::string OutcomesJson(const Config& cfg, const GroupStats (&stats)[kGroupCount]) {
  nlohmann::ordered_json j;
  j["definition"] =
      "proven reoffending: an offence committed on or after sentence_start and before "
      "sentence_start + 12 months, with a conviction or caution before sentence_start + 18 "
      "months; completion: termination_reason = completed; groups use inspected cases only "
      "(inspections.csv); rates are fractions, gaps are percentage points";
  j["seed"] = cfg.seed;
  j["people"] = cfg.people;
  j["difficulty"] = std::string(DifficultyName(cfg.difficulty));
  j["cohort"] = GroupJson(stats[kCohort]);
  j["inspected"] = GroupJson(stats[kInspected]);
  nlohmann::ordered_json groups;
  for (int g = 0; g < kInspected; ++g) groups[kGroupNames[g]] = GroupJson(stats[g]);
  j["groups"] = groups;
  auto rate = [&](Group g, bool completion) {
    const GroupStats& s = stats[g];
    if (s.n == 0) return 0.0;
    return static_cast<double>(completion ? s.completed : s.reoffenders) /
           static_cast<double>(s.n);
  };
  nlohmann::ordered_json gaps;
  gaps["completion_pp"] =
      Round4(100.0 * (rate(kBothSufficient, true) - rate(kBothInsufficient, true)));
  gaps["proven_reoffending_pp"] =
      Round4(100.0 * (rate(kBothSufficient, false) - rate(kBothInsufficient, false)));
  j["gaps_both_sufficient_minus_both_insufficient"] = gaps;
  return j.dump(2) + "\n";
}

}  // namespace

std::optional<Difficulty> ParseDifficulty(std::string_view name) {
  if (name == "easy") return Difficulty::kEasy;
  if (name == "normal") return Difficulty::kNormal;
  if (name == "hard") return Difficulty::kHard;
  return std::nullopt;
}

std::string_view DifficultyName(Difficulty difficulty) {
  switch (difficulty) {
    case Difficulty::kEasy: return "easy";
    case Difficulty::kHard: return "hard";
    case Difficulty::kNormal: break;
  }
  return "normal";
}

absl::StatusOr<SynthSummary> GenerateSyntheticData(const SynthOptions& options) {
  if (options.out_dir.empty()) return absl::InvalidArgumentError("synth: out_dir is empty");
  if (options.people > kMaxSynthPeople) {
    return absl::InvalidArgumentError(
        absl::StrCat("synth: at most ", kMaxSynthPeople, " people (asked for ", options.people,
                     ")"));
  }
  Config cfg;
  cfg.people = options.people;
  cfg.seed = options.seed;
  cfg.difficulty = options.difficulty;
  switch (options.difficulty) {
    case Difficulty::kEasy:
      cfg.scale = 0.5;
      cfg.pnc_missing = 0.30;
      cfg.pnc_mistyped = 0.01;
      cfg.moved = 0.12;
      break;
    case Difficulty::kNormal:
      break;
    case Difficulty::kHard:
      cfg.scale = 2.0;
      cfg.pnc_missing = 0.40;
      cfg.pnc_mistyped = 0.04;
      cfg.moved = 0.30;
      cfg.duplicate = 0.01;
      break;
  }
  {
    uint64_t s = options.seed ^ 0x0C0F'FEE0'0000'0001ULL;
    cfg.crn_offset = SplitMix64(&s) % 26'000'000ULL;
    cfg.pnc_offset = SplitMix64(&s) % 10'000'000ULL;
  }

  const Tables& tables = GetTables();
  {
    Rng rng(options.seed ^ 0x4057'E100'0000'0000ULL);
    const uint64_t n = std::max<uint64_t>(4, cfg.people / 250);
    for (uint64_t k = 0; k < n; ++k) cfg.hostels.push_back(RandomPostcode(rng, tables));
  }

  if (absl::Status s = MakeOutputDir(options.out_dir); !s.ok()) return s;
  const std::string dir = options.out_dir + "/";
  enum { kProbation, kPolice, kDisposals, kInspections, kTruth, kFiles };
  static constexpr const char* kNames[kFiles] = {"probation.csv", "police.csv", "disposals.csv",
                                                 "inspections.csv", "truth.csv"};
  static constexpr const char* kHeaders[kFiles] = {
      "crn,forenames,surname,dob,sex,pnc,postcode,sentence_start,sentence_type,"
      "termination_reason\n",
      "pnc_id,forenames,middle_names,surname,dob,sex,postcode\n",
      "pnc_id,offence_date,disposal_date,disposal_type\n",
      "crn,engaging,desistance,safety\n",
      "source,record_id,person_id\n"};
  std::array<OutFile, kFiles> files;
  for (int f = 0; f < kFiles; ++f) {
    if (absl::Status s = files[f].Open(dir + kNames[f]); !s.ok()) return s;
    if (absl::Status s = files[f].Write(kHeaders[f]); !s.ok()) return s;
  }

  const uint64_t chunks = (cfg.people + kChunk - 1) / kChunk;
  std::vector<std::unique_ptr<ChunkOutput>> slots(chunks);
  std::mutex mu;
  std::condition_variable cv;
  uint64_t next = 0;     // next chunk to generate
  uint64_t written = 0;  // chunks written
  bool stop = false;

  auto worker = [&] {
    for (;;) {
      uint64_t chunk;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || next >= chunks || next < written + kWindow; });
        if (stop || next >= chunks) return;
        chunk = next++;
      }
      auto out = std::make_unique<ChunkOutput>();
      ChunkGenerator(cfg, tables, chunk, out.get()).Run();
      {
        std::lock_guard<std::mutex> lock(mu);
        slots[chunk] = std::move(out);
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  const int n_threads = chunks > 1 ? 2 : 1;
  for (int k = 0; k < n_threads && chunks > 0; ++k) threads.emplace_back(worker);

  SynthSummary summary;
  summary.people = cfg.people;
  GroupStats stats[kGroupCount];
  absl::Status status;
  for (uint64_t c = 0; c < chunks && status.ok(); ++c) {
    std::unique_ptr<ChunkOutput> out;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return slots[c] != nullptr; });
      out = std::move(slots[c]);
    }
    const std::string* parts[kFiles] = {&out->probation, &out->police, &out->disposals,
                                        &out->inspections, &out->truth};
    for (int f = 0; f < kFiles && status.ok(); ++f) status = files[f].Write(*parts[f]);
    summary.probation_rows += out->probation_rows;
    summary.police_rows += out->police_rows;
    summary.disposal_rows += out->disposal_rows;
    summary.inspection_rows += out->inspection_rows;
    for (int g = 0; g < kGroupCount; ++g) {
      stats[g].n += out->stats[g].n;
      stats[g].completed += out->stats[g].completed;
      stats[g].reoffenders += out->stats[g].reoffenders;
      stats[g].reoffences += out->stats[g].reoffences;
    }
    out.reset();
    {
      std::lock_guard<std::mutex> lock(mu);
      ++written;
      if (!status.ok()) stop = true;
    }
    cv.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  for (std::thread& th : threads) th.join();
  if (!status.ok()) return status;

  for (int f = 0; f < kFiles; ++f) {
    if (absl::Status s = files[f].Close(); !s.ok()) return s;
  }
  if (absl::Status s = WriteWholeFile(dir + "settings.json", kSettingsJson); !s.ok()) return s;
  if (absl::Status s = WriteWholeFile(dir + "outcomes_truth.json", OutcomesJson(cfg, stats));
      !s.ok()) {
    return s;
  }
  return summary;
}

}  // namespace probity

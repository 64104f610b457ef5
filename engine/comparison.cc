#include "engine/comparison.h"

#include <algorithm>
#include <cstdlib>

#include "engine/string_similarity.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace probity {
namespace {

struct LevelTable {
  ComparisonKind kind;
  std::vector<std::string> names;  // without null
  std::vector<bool> tf;            // per name
};

const std::vector<LevelTable>& Tables() {
  static const std::vector<LevelTable> tables = {
      {ComparisonKind::kForename,
       {"exact", "jaro_winkler>=0.92", "nickname", "metaphone", "swapped_or_middle", "initial",
        "jaro_winkler>=0.8", "else"},
       {true, true, false, true, false, false, false, false}},
      {ComparisonKind::kSurname,
       {"exact", "jaro_winkler>=0.92", "shared_token", "metaphone", "swapped", "jaro_winkler>=0.8",
        "else"},
       {true, true, true, true, false, false, false}},
      {ComparisonKind::kMiddleNames,
       {"exact", "initial", "jaro_winkler>=0.88", "else"}, {false, false, false, false}},
      {ComparisonKind::kFullName,
       {"exact", "token_jaccard>=0.6", "jaro_winkler>=0.9", "else"}, {false, false, false, false}},
      {ComparisonKind::kDob,
       {"exact", "transposed_or_one_digit", "within_31_days", "within_1_year", "else"},
       {true, false, false, false, false}},
      {ComparisonKind::kSex, {"agree", "else"}, {false, false}},
      {ComparisonKind::kPostcode,
       {"full", "sector", "district", "area", "else"}, {false, false, false, false, false}},
      {ComparisonKind::kAddress,
       {"exact", "token_jaccard>=0.6", "shared_token", "else"}, {false, false, false, false}},
      {ComparisonKind::kIdentifier,
       {"exact", "one_edit", "mismatch_unverified", "mismatch_valid"}, {false, false, false, false}},
      {ComparisonKind::kCustomExact, {"exact", "else"}, {false, false}},
      {ComparisonKind::kCustomText, {"exact", "jaro_winkler>=0.9", "else"}, {false, false, false}},
      {ComparisonKind::kCustomDate, {"exact", "within_31_days", "else"}, {false, false, false}},
  };
  return tables;
}

// Best (lowest) level so far; level 0 means "no comparable values yet".
struct Best {
  uint8_t level = 0;
  uint32_t tf = 0;
  void Offer(uint8_t l, uint32_t t) {
    if (level == 0 || l < level) {
      level = l;
      tf = t;
    } else if (l == level && t > tf) {
      tf = t;  // the more common value: the conservative adjustment
    }
  }
};

bool ShareGroup(const LinkData& d, const NameEntry& a, const NameEntry& b) {
  const uint32_t* x = d.nickname_groups.data() + a.nickname_offset;
  const uint32_t* y = d.nickname_groups.data() + b.nickname_offset;
  size_t i = 0, j = 0;
  while (i < a.nickname_count && j < b.nickname_count) {
    if (x[i] == y[j]) return true;
    if (x[i] < y[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

bool MetaphoneAgree(const NameEntry& a, const NameEntry& b) {
  if (a.metaphone == 0 || b.metaphone == 0) return false;
  return a.metaphone == b.metaphone || a.metaphone == b.metaphone_alt ||
         a.metaphone_alt == b.metaphone || a.metaphone_alt == b.metaphone_alt;
}

// Does `token` appear as a whole token of `text`?
bool HasToken(std::string_view text, std::string_view token) {
  if (token.empty()) return false;
  size_t pos = 0;
  while ((pos = text.find(token, pos)) != std::string_view::npos) {
    const bool starts = pos == 0 || text[pos - 1] == ' ';
    const bool ends = pos + token.size() == text.size() || text[pos + token.size()] == ' ';
    if (starts && ends) return true;
    pos += 1;
  }
  return false;
}

bool ShareAnyToken(std::string_view a, std::string_view b) {
  size_t start = 0;
  while (start < a.size()) {
    size_t end = a.find(' ', start);
    if (end == std::string_view::npos) end = a.size();
    if (HasToken(b, a.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

// Is a name of one record a token of another name field of the other record?
bool AppearsIn(const LinkData& d, std::string_view token, std::span<const NameEntry> names) {
  for (const NameEntry& n : names) {
    if (HasToken(d.Str(n.text), token)) return true;
  }
  return false;
}

uint8_t CompareForename(const LinkData& d, uint32_t a, uint32_t b, uint32_t* tf) {
  const auto fa = d.forenames.Of(a);
  const auto fb = d.forenames.Of(b);
  if (fa.empty() || fb.empty()) return 0;
  Best best;
  for (const NameEntry& x : fa) {
    const std::string_view xf = d.Str(x.first_token);
    for (const NameEntry& y : fb) {
      const std::string_view yf = d.Str(y.first_token);
      if (xf == yf) {
        best.Offer(1, std::max(x.first_tf_count, y.first_tf_count));
        continue;
      }
      const double jw = JaroWinkler(xf, yf);
      if (jw >= 0.92) {
        best.Offer(2, std::max(x.first_tf_count, y.first_tf_count));
      } else if (ShareGroup(d, x, y)) {
        best.Offer(3, 0);
      } else if (MetaphoneAgree(x, y)) {
        best.Offer(4, std::max(x.first_tf_count, y.first_tf_count));
      } else if ((xf.size() == 1 || yf.size() == 1) && xf[0] == yf[0]) {
        best.Offer(6, 0);
      } else if (jw >= 0.8) {
        best.Offer(7, 0);
      } else {
        best.Offer(8, 0);
      }
    }
  }
  if (best.level > 5) {
    // Forename and surname swapped, or a middle name used as the forename.
    for (const NameEntry& x : fa) {
      const std::string_view xf = d.Str(x.first_token);
      if (AppearsIn(d, xf, d.surnames.Of(b)) || AppearsIn(d, xf, d.middle_names.Of(b))) {
        best.Offer(5, 0);
      }
    }
    for (const NameEntry& y : fb) {
      const std::string_view yf = d.Str(y.first_token);
      if (AppearsIn(d, yf, d.surnames.Of(a)) || AppearsIn(d, yf, d.middle_names.Of(a))) {
        best.Offer(5, 0);
      }
    }
  }
  *tf = best.tf;
  return best.level;
}

uint8_t CompareSurname(const LinkData& d, uint32_t a, uint32_t b, uint32_t* tf) {
  const auto sa = d.surnames.Of(a);
  const auto sb = d.surnames.Of(b);
  if (sa.empty() || sb.empty()) return 0;
  Best best;
  for (const NameEntry& x : sa) {
    const std::string_view xt = d.Str(x.text);
    for (const NameEntry& y : sb) {
      const std::string_view yt = d.Str(y.text);
      if (xt == yt) {
        best.Offer(1, std::max(x.tf_count, y.tf_count));
        continue;
      }
      const double jw = JaroWinkler(xt, yt);
      if (jw >= 0.92) {
        best.Offer(2, std::max(x.tf_count, y.tf_count));
      } else if ((x.token_count > 1 || y.token_count > 1) && ShareAnyToken(xt, yt)) {
        best.Offer(3, std::max(x.tf_count, y.tf_count));
      } else if (MetaphoneAgree(x, y) || d.Str(x.metaphone_all) == d.Str(y.metaphone_all)) {
        best.Offer(4, std::max(x.tf_count, y.tf_count));
      } else if (jw >= 0.8) {
        best.Offer(6, 0);
      } else {
        best.Offer(7, 0);
      }
    }
  }
  if (best.level > 5) {
    for (const NameEntry& x : sa) {
      if (AppearsIn(d, d.Str(x.first_token), d.forenames.Of(b))) best.Offer(5, 0);
    }
    for (const NameEntry& y : sb) {
      if (AppearsIn(d, d.Str(y.first_token), d.forenames.Of(a))) best.Offer(5, 0);
    }
  }
  *tf = best.tf;
  return best.level;
}

uint8_t CompareMiddleNames(const LinkData& d, uint32_t a, uint32_t b) {
  Best best;
  for (const NameEntry& x : d.middle_names.Of(a)) {
    for (const NameEntry& y : d.middle_names.Of(b)) {
      const std::string_view xt = d.Str(x.text), yt = d.Str(y.text);
      if (xt == yt) {
        best.Offer(1, 0);
      } else if (xt[0] == yt[0] && (x.first_token.size == 1 || y.first_token.size == 1 ||
                                    d.Str(x.first_token) == d.Str(y.first_token))) {
        best.Offer(2, 0);
      } else if (JaroWinkler(xt, yt) >= 0.88) {
        best.Offer(3, 0);
      } else {
        best.Offer(4, 0);
      }
    }
  }
  return best.level;
}

uint8_t CompareFullName(const LinkData& d, uint32_t a, uint32_t b) {
  Best best;
  for (const NameEntry& x : d.full_names.Of(a)) {
    for (const NameEntry& y : d.full_names.Of(b)) {
      const std::string_view xt = d.Str(x.text), yt = d.Str(y.text);
      if (xt == yt) {
        best.Offer(1, 0);
      } else if (TokenJaccard(xt, yt) >= 0.6) {
        best.Offer(2, 0);
      } else if (JaroWinkler(xt, yt) >= 0.9) {
        best.Offer(3, 0);
      } else {
        best.Offer(4, 0);
      }
    }
  }
  return best.level;
}

// Day and month swapped, one digit mistyped, or two adjacent digits swapped.
bool NearDate(const DobEntry& x, const DobEntry& y) {
  // Transposed day and month: YYYY MM DD vs YYYY DD MM.
  if (std::equal(x.digits, x.digits + 4, y.digits) && x.digits[4] == y.digits[6] &&
      x.digits[5] == y.digits[7] && x.digits[6] == y.digits[4] && x.digits[7] == y.digits[5]) {
    return true;
  }
  int diffs = 0;
  int first = -1;
  for (int i = 0; i < 8; ++i) {
    if (x.digits[i] != y.digits[i]) {
      if (first < 0) first = i;
      ++diffs;
    }
  }
  if (diffs == 1) return true;
  return diffs == 2 && first < 7 && x.digits[first] == y.digits[first + 1] &&
         x.digits[first + 1] == y.digits[first] && x.digits[first + 1] != y.digits[first + 1];
}

uint8_t CompareDob(const LinkData& d, uint32_t a, uint32_t b, uint32_t* tf) {
  Best best;
  for (const DobEntry& x : d.dobs.Of(a)) {
    for (const DobEntry& y : d.dobs.Of(b)) {
      const int gap = std::abs(x.day - y.day);
      if (gap == 0) {
        best.Offer(1, std::max(x.tf_count, y.tf_count));
      } else if (NearDate(x, y)) {
        best.Offer(2, 0);
      } else if (gap <= 31) {
        best.Offer(3, 0);
      } else if (gap <= 366) {
        best.Offer(4, 0);
      } else {
        best.Offer(5, 0);
      }
    }
  }
  *tf = best.tf;
  return best.level;
}

uint8_t CompareSex(const LinkData& d, uint32_t a, uint32_t b) {
  const char x = d.sex[a], y = d.sex[b];
  if (x == 0 || y == 0) return 0;
  return x == y ? 1 : 2;
}

uint8_t ComparePostcode(const LinkData& d, uint32_t a, uint32_t b) {
  Best best;
  for (const PostcodeEntry& x : d.postcodes.Of(a)) {
    for (const PostcodeEntry& y : d.postcodes.Of(b)) {
      const std::string_view xt = d.Str(x.canonical), yt = d.Str(y.canonical);
      auto prefix_equal = [&](uint8_t nx, uint8_t ny) {
        return nx != 0 && nx == ny && xt.substr(0, nx) == yt.substr(0, ny);
      };
      if (xt == yt) {
        best.Offer(1, 0);
      } else if (prefix_equal(x.sector, y.sector)) {
        best.Offer(2, 0);
      } else if (prefix_equal(x.district, y.district)) {
        best.Offer(3, 0);
      } else if (prefix_equal(x.area, y.area)) {
        best.Offer(4, 0);
      } else {
        best.Offer(5, 0);
      }
    }
  }
  return best.level;
}

uint8_t CompareAddress(const LinkData& d, uint32_t a, uint32_t b) {
  Best best;
  for (ArenaString x : d.addresses.Of(a)) {
    for (ArenaString y : d.addresses.Of(b)) {
      const std::string_view xt = d.Str(x), yt = d.Str(y);
      if (xt == yt) {
        best.Offer(1, 0);
        continue;
      }
      const double j = TokenJaccard(xt, yt);
      best.Offer(j >= 0.6 ? 2 : j > 0 ? 3 : 4, 0);
    }
  }
  return best.level;
}

uint8_t CompareIds(const LinkData& d, std::span<const IdEntry> xs, std::span<const IdEntry> ys) {
  Best best;
  for (const IdEntry& x : xs) {
    for (const IdEntry& y : ys) {
      const std::string_view xt = d.Str(x.canonical), yt = d.Str(y.canonical);
      if (xt == yt) {
        best.Offer(1, 0);
      } else if (DamerauLevenshteinOsa(xt, yt) <= 1) {
        best.Offer(2, 0);
      } else if (x.status != IdStatus::kValid || y.status != IdStatus::kValid) {
        best.Offer(3, 0);
      } else {
        best.Offer(4, 0);  // two valid identifiers that differ: strong evidence against
      }
    }
  }
  return best.level;
}

const FieldColumn<IdEntry>& IdColumn(const LinkData& d, FieldKind field) {
  return field == FieldKind::kCro ? d.cros : field == FieldKind::kNino ? d.ninos : d.pncs;
}

uint8_t CompareCustom(const ComparisonSpec& spec, const LinkData& d, uint32_t a, uint32_t b) {
  Best best;
  for (const CustomEntry& x : d.custom.Of(a)) {
    if (x.field != spec.custom_field) continue;
    for (const CustomEntry& y : d.custom.Of(b)) {
      if (y.field != spec.custom_field) continue;
      if (spec.kind == ComparisonKind::kCustomDate) {
        const int gap = std::abs(x.day - y.day);
        best.Offer(gap == 0 ? 1 : gap <= 31 ? 2 : 3, 0);
        continue;
      }
      const std::string_view xt = d.Str(x.text), yt = d.Str(y.text);
      if (xt.empty() || yt.empty()) continue;
      if (xt == yt) {
        best.Offer(1, 0);
      } else if (spec.kind == ComparisonKind::kCustomText) {
        best.Offer(JaroWinkler(xt, yt) >= 0.9 ? 2 : 3, 0);
      } else {
        best.Offer(2, 0);
      }
    }
  }
  return best.level;
}

// Text values of a field for generic comparisons.
template <typename Fn>
void ForEachText(const LinkData& d, FieldKind field, uint8_t custom_field, uint32_t r, Fn&& fn) {
  auto names = [&](const FieldColumn<NameEntry>& c) {
    for (const NameEntry& n : c.Of(r)) fn(d.Str(n.text));
  };
  switch (field) {
    case FieldKind::kForename: names(d.forenames); break;
    case FieldKind::kMiddleNames: names(d.middle_names); break;
    case FieldKind::kSurname: names(d.surnames); break;
    case FieldKind::kFullName: names(d.full_names); break;
    case FieldKind::kDob:
      for (const DobEntry& e : d.dobs.Of(r)) fn(std::string_view(e.digits, 8));
      break;
    case FieldKind::kSex:
      if (d.sex[r] != 0) fn(std::string_view(&d.sex[r], 1));
      break;
    case FieldKind::kPostcode:
      for (const PostcodeEntry& e : d.postcodes.Of(r)) fn(d.Str(e.canonical));
      break;
    case FieldKind::kAddress:
      for (ArenaString s : d.addresses.Of(r)) fn(d.Str(s));
      break;
    case FieldKind::kPnc:
    case FieldKind::kCro:
    case FieldKind::kNino:
      for (const IdEntry& e : IdColumn(d, field).Of(r)) fn(d.Str(e.canonical));
      break;
    case FieldKind::kCustom:
      for (const CustomEntry& e : d.custom.Of(r)) {
        if (e.field != custom_field) continue;
        if (e.text.size > 0) {
          fn(d.Str(e.text));
        } else {
          fn(FormatIsoDate(e.day));  // a date field: compare its ISO form
        }
      }
      break;
  }
}

uint8_t CompareGeneric(const ComparisonSpec& spec, const LinkData& d, uint32_t a, uint32_t b) {
  Best best;
  const uint8_t else_level = static_cast<uint8_t>(spec.levels() - 1);
  ForEachText(d, spec.field, spec.custom_field, a, [&](std::string_view x) {
    ForEachText(d, spec.field, spec.custom_field, b, [&](std::string_view y) {
      if (x == y) {
        best.Offer(1, 0);
        return;
      }
      uint8_t level = else_level;
      for (size_t t = 0; t < spec.thresholds.size(); ++t) {
        const double threshold = spec.thresholds[t];
        bool hit = false;
        switch (spec.comparator) {
          case Comparator::kExact: break;
          case Comparator::kJaroWinkler: hit = JaroWinkler(x, y) >= threshold; break;
          case Comparator::kJaccard: hit = TokenJaccard(x, y) >= threshold; break;
          case Comparator::kLevenshtein:
            hit = LevenshteinBounded(x, y, static_cast<int>(threshold)) <= threshold;
            break;
          case Comparator::kDamerauLevenshtein: hit = DamerauLevenshteinOsa(x, y) <= threshold; break;
        }
        if (hit) {
          level = static_cast<uint8_t>(2 + t);
          break;
        }
      }
      best.Offer(level, 0);
    });
  });
  return best.level;
}

ComparisonKind DefaultKind(FieldKind field, CustomType custom_type) {
  switch (field) {
    case FieldKind::kForename: return ComparisonKind::kForename;
    case FieldKind::kMiddleNames: return ComparisonKind::kMiddleNames;
    case FieldKind::kSurname: return ComparisonKind::kSurname;
    case FieldKind::kFullName: return ComparisonKind::kFullName;
    case FieldKind::kDob: return ComparisonKind::kDob;
    case FieldKind::kSex: return ComparisonKind::kSex;
    case FieldKind::kPostcode: return ComparisonKind::kPostcode;
    case FieldKind::kAddress: return ComparisonKind::kAddress;
    case FieldKind::kPnc:
    case FieldKind::kCro:
    case FieldKind::kNino: return ComparisonKind::kIdentifier;
    case FieldKind::kCustom:
      return custom_type == CustomType::kText   ? ComparisonKind::kCustomText
             : custom_type == CustomType::kDate ? ComparisonKind::kCustomDate
                                                : ComparisonKind::kCustomExact;
  }
  return ComparisonKind::kCustomExact;
}

// The sources a comparison must find its field in.
std::vector<const SourceSettings*> ComparedSources(const Settings& settings) {
  std::vector<const SourceSettings*> sources;
  for (const SourceSettings& s : settings.sources) sources.push_back(&s);
  return sources;
}

// Finds a field (canonical or custom by name) in every compared source; the
// custom index must agree across sources for the comparison to be meaningful.
bool FieldInAllSources(const Settings& settings, const std::string& name, FieldKind kind,
                       CustomType* type, uint8_t* custom_index) {
  bool first = true;
  for (const SourceSettings* s : ComparedSources(settings)) {
    uint8_t index = 0;
    bool found = false;
    for (const FieldMapping& m : s->fields) {
      if (m.kind == kind && (kind != FieldKind::kCustom || m.name == name)) {
        found = true;
        if (first) {
          *type = m.custom_type;
          *custom_index = index;
        } else if (kind == FieldKind::kCustom && (m.custom_type != *type || index != *custom_index)) {
          return false;
        }
        break;
      }
      if (m.kind == FieldKind::kCustom) ++index;
    }
    if (!found) return false;
    first = false;
  }
  return true;
}

}  // namespace

void DescribeLevels(ComparisonSpec* spec) {
  spec->level_names = {"null"};
  spec->tf_adjusted = {false};
  if (spec->kind == ComparisonKind::kGeneric) {
    spec->level_names.push_back("exact");
    spec->tf_adjusted.push_back(false);
    for (double t : spec->thresholds) {
      const char* op = spec->comparator == Comparator::kLevenshtein ||
                               spec->comparator == Comparator::kDamerauLevenshtein
                           ? "<="
                           : ">=";
      const char* name = spec->comparator == Comparator::kJaroWinkler ? "jaro_winkler"
                         : spec->comparator == Comparator::kJaccard   ? "token_jaccard"
                         : spec->comparator == Comparator::kLevenshtein ? "levenshtein"
                                                                        : "damerau_levenshtein";
      spec->level_names.push_back(fmt::format("{}{}{}", name, op, t));
      spec->tf_adjusted.push_back(false);
    }
    spec->level_names.push_back("else");
    spec->tf_adjusted.push_back(false);
    return;
  }
  for (const LevelTable& table : Tables()) {
    if (table.kind != spec->kind) continue;
    spec->level_names.insert(spec->level_names.end(), table.names.begin(), table.names.end());
    spec->tf_adjusted.insert(spec->tf_adjusted.end(), table.tf.begin(), table.tf.end());
  }
}

std::vector<ComparisonSpec> DefaultComparisons(const Settings& settings) {
  std::vector<ComparisonSpec> specs;
  auto add = [&](const std::string& name, FieldKind field, CustomType type, uint8_t custom) {
    if (specs.size() == kMaxComparisons) return;
    ComparisonSpec spec;
    spec.name = name;
    spec.field = field;
    spec.kind = DefaultKind(field, type);
    spec.custom_field = custom;
    DescribeLevels(&spec);
    specs.push_back(std::move(spec));
  };
  auto everywhere = [&](FieldKind kind) {
    CustomType type = CustomType::kText;
    uint8_t index = 0;
    return FieldInAllSources(settings, std::string(FieldName(kind)), kind, &type, &index);
  };
  // A full name repeats what forename and surname already say; comparing it as
  // well would count the same evidence twice (the model assumes independence).
  const bool split_names = everywhere(FieldKind::kForename) && everywhere(FieldKind::kSurname);
  for (FieldKind kind : kCanonicalFields) {
    CustomType type = CustomType::kText;
    uint8_t index = 0;
    if (kind == FieldKind::kFullName && split_names) continue;
    if (FieldInAllSources(settings, std::string(FieldName(kind)), kind, &type, &index)) {
      add(std::string(FieldName(kind)), kind, type, 0);
    }
  }
  for (const FieldMapping* m : settings.sources[0].CustomFields()) {
    CustomType type = CustomType::kText;
    uint8_t index = 0;
    if (FieldInAllSources(settings, m->name, FieldKind::kCustom, &type, &index)) {
      add(m->name, FieldKind::kCustom, type, index);
    }
  }
  return specs;
}

absl::StatusOr<std::vector<ComparisonSpec>> ComparisonsFromSettings(const Settings& settings) {
  const nlohmann::json root = nlohmann::json::parse(settings.raw_json, nullptr, false);
  if (!root.is_object() || !root.contains("comparisons")) return DefaultComparisons(settings);
  std::vector<ComparisonSpec> specs;
  const nlohmann::json& list = root["comparisons"];
  for (size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& entry = list[i];
    const std::string where = fmt::format("{}: comparisons[{}]", settings.file, i);
    if (!entry.is_object() || !entry.contains("field") || !entry["field"].is_string()) {
      return absl::InvalidArgumentError(where + ": needs a \"field\"");
    }
    ComparisonSpec spec;
    spec.name = entry["field"].get<std::string>();
    const std::optional<FieldKind> kind = ParseFieldName(spec.name);
    spec.field = kind.value_or(FieldKind::kCustom);
    CustomType type = CustomType::kText;
    if (!FieldInAllSources(settings, spec.name, spec.field, &type, &spec.custom_field)) {
      return absl::InvalidArgumentError(
          fmt::format("{}: field \"{}\" is not mapped in every source", where, spec.name));
    }
    const std::string comparator = entry.value("comparator", std::string("default"));
    if (comparator == "default") {
      spec.kind = DefaultKind(spec.field, type);
    } else {
      spec.kind = ComparisonKind::kGeneric;
      if (comparator == "exact") {
        spec.comparator = Comparator::kExact;
      } else if (comparator == "jaro_winkler") {
        spec.comparator = Comparator::kJaroWinkler;
      } else if (comparator == "levenshtein") {
        spec.comparator = Comparator::kLevenshtein;
      } else if (comparator == "damerau_levenshtein") {
        spec.comparator = Comparator::kDamerauLevenshtein;
      } else if (comparator == "jaccard") {
        spec.comparator = Comparator::kJaccard;
      } else {
        return absl::InvalidArgumentError(fmt::format(
            "{}: unknown comparator \"{}\" (expected default, exact, jaro_winkler, levenshtein, "
            "damerau_levenshtein or jaccard)",
            where, comparator));
      }
      if (entry.contains("thresholds")) {
        if (!entry["thresholds"].is_array()) {
          return absl::InvalidArgumentError(where + ": \"thresholds\" must be an array of numbers");
        }
        for (const nlohmann::json& t : entry["thresholds"]) {
          if (!t.is_number()) {
            return absl::InvalidArgumentError(where + ": \"thresholds\" must be numbers");
          }
          spec.thresholds.push_back(t.get<double>());
        }
      }
      if (spec.comparator != Comparator::kExact && spec.thresholds.empty()) {
        return absl::InvalidArgumentError(where + ": comparator \"" + comparator +
                                          "\" needs \"thresholds\"");
      }
    }
    DescribeLevels(&spec);
    if (spec.levels() > kMaxLevels) {
      return absl::InvalidArgumentError(where + ": too many levels (at most 12 thresholds)");
    }
    specs.push_back(std::move(spec));
    if (specs.size() > kMaxComparisons) {
      return absl::InvalidArgumentError(
          fmt::format("{}: at most {} comparisons", settings.file, kMaxComparisons));
    }
  }
  if (specs.empty()) return absl::InvalidArgumentError(settings.file + ": comparisons is empty");
  return specs;
}

void CompareRecords(const std::vector<ComparisonSpec>& specs, const LinkData& d, uint32_t a,
                    uint32_t b, Gamma* gamma) {
  for (size_t c = 0; c < specs.size(); ++c) {
    const ComparisonSpec& spec = specs[c];
    uint32_t tf = 0;
    uint8_t level = 0;
    switch (spec.kind) {
      case ComparisonKind::kForename: level = CompareForename(d, a, b, &tf); break;
      case ComparisonKind::kSurname: level = CompareSurname(d, a, b, &tf); break;
      case ComparisonKind::kMiddleNames: level = CompareMiddleNames(d, a, b); break;
      case ComparisonKind::kFullName: level = CompareFullName(d, a, b); break;
      case ComparisonKind::kDob: level = CompareDob(d, a, b, &tf); break;
      case ComparisonKind::kSex: level = CompareSex(d, a, b); break;
      case ComparisonKind::kPostcode: level = ComparePostcode(d, a, b); break;
      case ComparisonKind::kAddress: level = CompareAddress(d, a, b); break;
      case ComparisonKind::kIdentifier: {
        const FieldColumn<IdEntry>& column = IdColumn(d, spec.field);
        level = CompareIds(d, column.Of(a), column.Of(b));
        break;
      }
      case ComparisonKind::kCustomExact:
      case ComparisonKind::kCustomText:
      case ComparisonKind::kCustomDate: level = CompareCustom(spec, d, a, b); break;
      case ComparisonKind::kGeneric: level = CompareGeneric(spec, d, a, b); break;
    }
    gamma->level[c] = level;
    gamma->tf_count[c] = level != 0 && spec.tf_adjusted[level] ? tf : 0;
  }
}

uint64_t TfTotal(const ComparisonSpec& spec, const LinkData& data) {
  switch (spec.kind) {
    case ComparisonKind::kForename: return data.forename_values;
    case ComparisonKind::kSurname: return data.surname_values;
    case ComparisonKind::kDob: return data.dob_values;
    default: return 0;
  }
}

}  // namespace probity

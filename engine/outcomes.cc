#include "engine/outcomes.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "engine/csv_reader.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace probity {
namespace {

using json = nlohmann::ordered_json;

constexpr size_t kMaxProblems = 5;

absl::Status Invalid(std::string_view file, const std::string& message) {
  return absl::InvalidArgumentError(fmt::format("{}: {}", file, message));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(Trim(s));
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

bool InList(std::string_view value, const std::vector<std::string>& lowered) {
  const std::string v = Lower(value);
  return std::find(lowered.begin(), lowered.end(), v) != lowered.end();
}

std::vector<std::string> LowerAll(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const std::string& v : values) out.push_back(Lower(v));
  return out;
}

DayNumber AddMonths(DayNumber day, int months) {
  const CivilDate c = FromDayNumber(day);
  const int total = c.year * 12 + (c.month - 1) + months;
  CivilDate out;
  out.year = total / 12;
  out.month = total % 12 + 1;
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (out.year % 4 == 0 && out.year % 100 != 0) || out.year % 400 == 0;
  const int days = out.month == 2 && leap ? 29 : kDays[out.month - 1];
  out.day = std::min(c.day, days);
  return ToDayNumber(out);
}

// ------------------------------------------------------------------ settings

class SectionReader {
 public:
  SectionReader(std::string_view file, std::string where, const json& object)
      : file_(file), where_(std::move(where)), object_(object) {}

  absl::Status CheckKeys(std::initializer_list<std::string_view> allowed) const {
    if (!object_.is_object()) return Invalid(file_, where_ + ": must be an object");
    for (const auto& item : object_.items()) {
      if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
        std::string list;
        for (std::string_view key : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", key);
        return Invalid(file_, fmt::format("{}: unknown key \"{}\" (expected one of: {})", where_,
                                          item.key(), list));
      }
    }
    return absl::OkStatus();
  }

  // A non-empty string; absent is an error when `required`, else leaves *out.
  absl::Status String(const char* key, bool required, std::string* out) const {
    if (!object_.contains(key)) {
      return required ? Invalid(file_, fmt::format("{}: needs \"{}\"", where_, key))
                      : absl::OkStatus();
    }
    const json& v = object_[key];
    if (!v.is_string() || v.get<std::string>().empty()) {
      return Invalid(file_, fmt::format("{}.{}: must be a non-empty string", where_, key));
    }
    *out = v.get<std::string>();
    return absl::OkStatus();
  }

  // A column name, or {"column": ..., "format": ...}.
  absl::Status DateColumn(const char* key, std::string* column, DateFormat* format) const {
    if (!object_.contains(key)) return Invalid(file_, fmt::format("{}: needs \"{}\"", where_, key));
    const json& v = object_[key];
    const std::string here = fmt::format("{}.{}", where_, key);
    if (v.is_string()) return String(key, true, column);
    SectionReader inner(file_, here, v);
    if (absl::Status s = inner.CheckKeys({"column", "format"}); !s.ok()) return s;
    if (absl::Status s = inner.String("column", true, column); !s.ok()) return s;
    std::string name;
    if (absl::Status s = inner.String("format", false, &name); !s.ok()) return s;
    if (!name.empty()) {
      const std::optional<DateFormat> parsed = ParseDateFormat(name);
      if (!parsed.has_value()) {
        return Invalid(file_, fmt::format("{}.format: bad date format \"{}\" (expected YYYY-MM-DD, "
                                          "DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY, YYYYMMDD, "
                                          "YYYY/MM/DD, MM/DD/YYYY or auto)",
                                          here, name));
      }
      *format = *parsed;
    }
    return absl::OkStatus();
  }

  // A non-empty array of strings; absent leaves *out (the default).
  absl::Status Values(const char* key, std::vector<std::string>* out) const {
    if (!object_.contains(key)) return absl::OkStatus();
    const json& v = object_[key];
    bool ok = v.is_array() && !v.empty();
    for (const json& e : v) ok = ok && e.is_string();
    if (!ok) return Invalid(file_, fmt::format("{}.{}: must be a non-empty array of strings", where_, key));
    out->clear();
    for (const json& e : v) out->push_back(e.get<std::string>());
    return absl::OkStatus();
  }

  absl::Status Months(const char* key, int lo, int hi, int* out) const {
    if (!object_.contains(key)) return absl::OkStatus();
    const json& v = object_[key];
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
      return Invalid(file_, fmt::format("{}.{}: must be a whole number of months from {} to {}",
                                        where_, key, lo, hi));
    }
    *out = static_cast<int>(v.get<int64_t>());
    return absl::OkStatus();
  }

  bool Has(const char* key) const { return object_.contains(key); }
  const json& At(const char* key) const { return object_[key]; }

 private:
  std::string_view file_;
  std::string where_;
  const json& object_;
};

std::string ResolvePath(const std::string& settings_file, const std::string& path) {
  if (path.empty()) return path;
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  const std::filesystem::path dir = std::filesystem::path(settings_file).parent_path();
  return dir.empty() ? path : (dir / p).string();
}

// ------------------------------------------------------------------ CSV input

class Problems {
 public:
  explicit Problems(InputCounts* counts) : counts_(counts) {}
  void Skip(uint64_t line, std::string_view reason) {
    ++counts_->skipped;
    if (counts_->problems.size() < kMaxProblems) {
      counts_->problems.push_back(fmt::format("{}:{}: {}", counts_->file, line, reason));
    }
  }

 private:
  InputCounts* counts_;
};

absl::StatusOr<std::unique_ptr<CsvReader>> OpenCsv(const std::string& path, const char* what) {
  if (path.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "no {} file: give \"file\" in the outcomes settings or --{} on the command line", what,
        what));
  }
  CsvOptions options;
  return CsvReader::Open(path, options);
}

absl::StatusOr<size_t> ColumnOf(const CsvReader& reader, const std::string& column,
                                std::string_view key) {
  const std::vector<std::string>& header = reader.header();
  auto it = std::find(header.begin(), header.end(), column);
  if (it == header.end()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: line 1: no column \"{}\" (outcomes.{})", reader.name(), column, key));
  }
  return static_cast<size_t>(it - header.begin());
}

bool ParseDouble(std::string_view s, double* out) {
  s = Trim(s);
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (begin != end && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end && begin != end;
}

// Reads a CSV whose columns are located by `columns`; calls fn(row, positions)
// for each usable row, counting rows and skipping broken ones.
template <typename Fn>
absl::Status ForEachRow(const std::string& path, const char* what,
                        const std::vector<std::pair<std::string, std::string>>& columns,
                        InputCounts* counts, Fn&& fn) {
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = OpenCsv(path, what);
  if (!reader.ok()) return reader.status();
  counts->file = path;
  std::vector<size_t> positions;
  for (const auto& [column, key] : columns) {
    if (column.empty()) {
      positions.push_back(SIZE_MAX);
      continue;
    }
    absl::StatusOr<size_t> pos = ColumnOf(**reader, column, key);
    if (!pos.ok()) return pos.status();
    positions.push_back(*pos);
  }
  Problems problems(counts);
  CsvRow row;
  while ((*reader)->Next(&row)) {
    ++counts->rows;
    if (!row.error.empty()) {
      problems.Skip(row.line, row.error);
      continue;
    }
    if (fn(row, positions, problems)) ++counts->used;
  }
  return (*reader)->status();
}

uint32_t Intern(IdIndex* index, std::string_view id) {
  auto it = index->find(id);
  if (it != index->end()) return it->second;
  const uint32_t next = static_cast<uint32_t>(index->size());
  index->emplace(std::string(id), next);
  return next;
}

// ------------------------------------------------------------------ tables

struct Accumulator {
  uint64_t n = 0;
  uint64_t completed = 0;
  uint64_t linked = 0;
  double reoffenders = 0;
  double reoffences = 0;
};

enum GroupIndex : size_t {
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
};

GroupOutcome MakeGroup(const char* name, const Accumulator& a) {
  GroupOutcome g;
  g.name = name;
  g.n = a.n;
  g.completed = a.completed;
  g.linked = a.linked;
  g.reoffenders = a.reoffenders;
  g.reoffences = a.reoffences;
  const double n = static_cast<double>(a.n);
  const Interval c = WilsonInterval(static_cast<double>(a.completed), n);
  g.completion = {a.n ? static_cast<double>(a.completed) / n : 0.0, c.lower, c.upper};
  const Interval r = WilsonInterval(a.reoffenders, n);
  g.reoffending = {a.n ? a.reoffenders / n : 0.0, r.lower, r.upper};
  g.reoffences_per_reoffender = a.reoffenders > 0 ? a.reoffences / a.reoffenders : 0.0;
  return g;
}

OutcomeTable MakeTable(const Accumulator (&acc)[kOutcomeGroupCount]) {
  OutcomeTable t;
  for (size_t g = 0; g < kOutcomeGroupCount; ++g) t.groups.push_back(MakeGroup(kOutcomeGroups[g], acc[g]));
  const Accumulator& hi = acc[kBothSufficient];
  const Accumulator& lo = acc[kBothInsufficient];
  t.completion_gap =
      NewcombeDifference(static_cast<double>(hi.completed), static_cast<double>(hi.n),
                         static_cast<double>(lo.completed), static_cast<double>(lo.n));
  t.reoffending_gap = NewcombeDifference(hi.reoffenders, static_cast<double>(hi.n), lo.reoffenders,
                                         static_cast<double>(lo.n));
  return t;
}

// (probation id, police ids) by group from a membership file (clusters.csv,
// truth.csv): records with the same value of `group_column` are one person.
absl::StatusOr<CaseLinks> LinksFromMembership(const std::string& path, const char* what,
                                              const std::string& group_column,
                                              const OutcomeSettings& settings,
                                              const OutcomeData& data, InputCounts* counts) {
  IdIndex groups;
  std::vector<std::vector<std::string>> police_of_group;
  std::vector<std::pair<std::string, uint32_t>> probation;  // case id, group
  absl::Status status = ForEachRow(
      path, what, {{"source", "source"}, {"record_id", "record_id"}, {group_column, group_column}},
      counts, [&](const CsvRow& row, const std::vector<size_t>& pos, Problems& problems) {
        const std::string_view source = Trim(row.fields[pos[0]]);
        const std::string_view id = Trim(row.fields[pos[1]]);
        const std::string_view group = Trim(row.fields[pos[2]]);
        if (id.empty() || group.empty()) {
          problems.Skip(row.line, "empty record_id or group");
          return false;
        }
        const bool is_probation = source == settings.probation_source;
        const bool is_police = source == settings.police_source;
        if (!is_probation && !is_police) return true;
        const uint32_t g = Intern(&groups, group);
        if (g >= police_of_group.size()) police_of_group.resize(g + 1);
        if (is_police) {
          police_of_group[g].emplace_back(id);
        } else {
          probation.emplace_back(std::string(id), g);
        }
        return true;
      });
  if (!status.ok()) return status;
  CaseLinksBuilder builder(data);
  for (const auto& [case_id, g] : probation) {
    for (const std::string& police : police_of_group[g]) builder.Add(case_id, police, 1.0);
  }
  return builder.Finish();
}

// Link truth: which records are the same person.
struct LinkTruth {
  IdIndex person_of;  // "source\x1fid" -> person number
  bool SameRecordPerson(std::string_view sl, std::string_view il, std::string_view sr,
                        std::string_view ir, bool* known) const {
    const auto a = person_of.find(fmt::format("{}\x1f{}", sl, il));
    const auto b = person_of.find(fmt::format("{}\x1f{}", sr, ir));
    *known = a != person_of.end() && b != person_of.end();
    return *known && a->second == b->second;
  }
};

absl::StatusOr<LinkTruth> LoadLinkTruth(const std::string& path) {
  LinkTruth truth;
  IdIndex persons;
  InputCounts counts;
  absl::Status status = ForEachRow(
      path, "link-truth", {{"source", "source"}, {"record_id", "record_id"}, {"person_id", "person_id"}},
      &counts, [&](const CsvRow& row, const std::vector<size_t>& pos, Problems&) {
        const uint32_t p = Intern(&persons, Trim(row.fields[pos[2]]));
        truth.person_of.emplace(
            fmt::format("{}\x1f{}", Trim(row.fields[pos[0]]), Trim(row.fields[pos[1]])), p);
        return true;
      });
  if (!status.ok()) return status;
  return truth;
}

// ------------------------------------------------------------------ JSON/CSV

double Round(double x, double scale) { return std::round(x * scale) / scale; }

json EstimateJson(const Estimate& e, double scale) {
  return {{"value", Round(e.value * scale, 1e6)},
          {"lower", Round(e.lower * scale, 1e6)},
          {"upper", Round(e.upper * scale, 1e6)}};
}

json TableJson(const OutcomeTable& t, const OutcomeTable* truth) {
  json j;
  j["linkage"] = t.linkage;
  j["description"] = t.description;
  if (t.threshold.has_value()) {
    j["threshold"] = Round(*t.threshold, 1e6);
  } else {
    j["threshold"] = nullptr;
  }
  j["links_used"] = t.links_used;
  json groups;
  for (const GroupOutcome& g : t.groups) {
    json x;
    x["n"] = g.n;
    x["completed"] = g.completed;
    x["completion_rate"] = EstimateJson(g.completion, 1.0);
    x["reoffenders"] = Round(g.reoffenders, 1e4);
    x["proven_reoffending_rate"] = EstimateJson(g.reoffending, 1.0);
    x["reoffences"] = Round(g.reoffences, 1e4);
    x["reoffences_per_reoffender"] = Round(g.reoffences_per_reoffender, 1e6);
    x["linked_cases"] = g.linked;
    groups[g.name] = std::move(x);
  }
  j["groups"] = std::move(groups);
  j["gaps_pp"] = {{"completion", EstimateJson(t.completion_gap, 100.0)},
                  {"proven_reoffending", EstimateJson(t.reoffending_gap, 100.0)}};
  if (truth != nullptr && truth != &t) {
    json bias;
    json group_bias;
    double worst = 0;
    for (const GroupOutcome& g : t.groups) {
      const GroupOutcome* tg = truth->Find(g.name);
      if (tg == nullptr) continue;
      const double reoffending = 100.0 * (g.reoffending.value - tg->reoffending.value);
      worst = std::max(worst, std::abs(reoffending));
      group_bias[g.name] = {
          {"completion", Round(100.0 * (g.completion.value - tg->completion.value), 1e4)},
          {"proven_reoffending", Round(reoffending, 1e4)},
          {"reoffences_per_reoffender",
           Round(g.reoffences_per_reoffender - tg->reoffences_per_reoffender, 1e4)}};
    }
    bias["groups"] = std::move(group_bias);
    bias["gaps"] = {
        {"completion", Round(100.0 * (t.completion_gap.value - truth->completion_gap.value), 1e4)},
        {"proven_reoffending",
         Round(100.0 * (t.reoffending_gap.value - truth->reoffending_gap.value), 1e4)}};
    bias["max_abs_group_reoffending_bias"] = Round(worst, 1e4);
    j["bias_pp"] = std::move(bias);
  }
  return j;
}

json CountsJson(const InputCounts& c) {
  return {{"file", c.file}, {"rows", c.rows}, {"used", c.used}, {"skipped", c.skipped},
          {"problems", c.problems}};
}

std::string Num(double x, int decimals) { return fmt::format("{:.{}f}", x, decimals); }

void CsvTableRows(const OutcomeTable& t, const OutcomeTable* truth, std::string* out) {
  const std::string threshold = t.threshold.has_value() ? fmt::format("{:g}", *t.threshold) : "";
  auto row = [&](std::string_view group, std::string_view measure, uint64_t n, double events,
                 double value, std::optional<std::pair<double, double>> ci,
                 std::optional<double> truth_value) {
    *out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", t.linkage, threshold, group, measure,
                        n, Num(events, 4), Num(value, 4), ci ? Num(ci->first, 4) : "",
                        ci ? Num(ci->second, 4) : "", truth_value ? Num(*truth_value, 4) : "",
                        truth_value ? Num(value - *truth_value, 4) : "");
  };
  for (const GroupOutcome& g : t.groups) {
    const GroupOutcome* tg = truth != nullptr ? truth->Find(g.name) : nullptr;
    auto tv = [&](double v) { return tg != nullptr ? std::optional<double>(v) : std::nullopt; };
    row(g.name, "completion_pct", g.n, static_cast<double>(g.completed), 100 * g.completion.value,
        std::make_pair(100 * g.completion.lower, 100 * g.completion.upper),
        tv(tg ? 100 * tg->completion.value : 0));
    row(g.name, "proven_reoffending_pct", g.n, g.reoffenders, 100 * g.reoffending.value,
        std::make_pair(100 * g.reoffending.lower, 100 * g.reoffending.upper),
        tv(tg ? 100 * tg->reoffending.value : 0));
    row(g.name, "reoffences_per_reoffender", g.n, g.reoffences, g.reoffences_per_reoffender,
        std::nullopt, tv(tg ? tg->reoffences_per_reoffender : 0));
  }
  const GroupOutcome* hi = t.Find("both_sufficient");
  const GroupOutcome* lo = t.Find("both_insufficient");
  const uint64_t n = (hi ? hi->n : 0) + (lo ? lo->n : 0);
  auto tgap = [&](double v) { return truth != nullptr ? std::optional<double>(v) : std::nullopt; };
  row("both_sufficient-both_insufficient", "completion_gap_pp", n,
      (hi ? static_cast<double>(hi->completed) : 0) - (lo ? static_cast<double>(lo->completed) : 0),
      100 * t.completion_gap.value,
      std::make_pair(100 * t.completion_gap.lower, 100 * t.completion_gap.upper),
      tgap(truth ? 100 * truth->completion_gap.value : 0));
  row("both_sufficient-both_insufficient", "proven_reoffending_gap_pp", n,
      (hi ? hi->reoffenders : 0) - (lo ? lo->reoffenders : 0), 100 * t.reoffending_gap.value,
      std::make_pair(100 * t.reoffending_gap.lower, 100 * t.reoffending_gap.upper),
      tgap(truth ? 100 * truth->reoffending_gap.value : 0));
}

std::string Pct(const Estimate& e) {
  return fmt::format("{:5.1f}% ({:.1f}-{:.1f})", 100 * e.value, 100 * e.lower, 100 * e.upper);
}

std::string Pp(const Estimate& e) {
  return fmt::format("{:+.1f} pp ({:+.1f} to {:+.1f})", 100 * e.value, 100 * e.lower, 100 * e.upper);
}

}  // namespace

// ====================================================================== API

size_t TransparentHash::operator()(std::string_view s) const {
  return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
}

std::string GroupLabel(std::string_view group) {
  std::string out(group);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

const GroupOutcome* OutcomeTable::Find(std::string_view group) const {
  for (const GroupOutcome& g : groups) {
    if (g.name == group) return &g;
  }
  return nullptr;
}

absl::StatusOr<OutcomeSettings> ParseOutcomeSettings(const Settings& settings) {
  const std::string_view file = settings.file;
  const json root = json::parse(settings.raw_json, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return Invalid(file, "settings must be a JSON object");
  if (!root.contains("outcomes")) {
    return Invalid(file, "no \"outcomes\" section (it names the sentences, inspections and "
                         "disposals files and their columns)");
  }
  OutcomeSettings out;
  const SectionReader top(file, "outcomes", root["outcomes"]);
  if (absl::Status s = top.CheckKeys({"probation_source", "police_source", "sentences",
                                      "inspections", "disposals", "follow_up_months",
                                      "waiting_months"});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = top.String("probation_source", false, &out.probation_source); !s.ok()) return s;
  if (absl::Status s = top.String("police_source", false, &out.police_source); !s.ok()) return s;
  for (const std::string* source : {&out.probation_source, &out.police_source}) {
    if (settings.FindSource(*source) == nullptr) {
      return Invalid(file, fmt::format("outcomes: source \"{}\" is not in \"sources\"", *source));
    }
  }
  if (out.probation_source == out.police_source) {
    return Invalid(file, "outcomes: probation_source and police_source must differ");
  }
  for (const char* key : {"sentences", "inspections", "disposals"}) {
    if (!top.Has(key)) return Invalid(file, fmt::format("outcomes: needs \"{}\"", key));
  }

  const SectionReader sentences(file, "outcomes.sentences", top.At("sentences"));
  OutcomeSettings::Sentences& se = out.sentences;
  for (absl::Status s :
       {sentences.CheckKeys({"file", "id", "start", "termination", "completed"}),
        sentences.String("file", false, &se.file), sentences.String("id", true, &se.id_column),
        sentences.DateColumn("start", &se.start_column, &se.start_format),
        sentences.String("termination", true, &se.termination_column),
        sentences.Values("completed", &se.completed_values)}) {
    if (!s.ok()) return s;
  }

  const SectionReader inspections(file, "outcomes.inspections", top.At("inspections"));
  OutcomeSettings::Inspections& in = out.inspections;
  for (absl::Status s :
       {inspections.CheckKeys({"file", "id", "engaging", "desistance", "safety", "sufficient",
                               "insufficient"}),
        inspections.String("file", false, &in.file), inspections.String("id", true, &in.id_column),
        inspections.String("engaging", true, &in.engaging_column),
        inspections.String("desistance", true, &in.desistance_column),
        inspections.String("safety", false, &in.safety_column),
        inspections.Values("sufficient", &in.sufficient_values),
        inspections.Values("insufficient", &in.insufficient_values)}) {
    if (!s.ok()) return s;
  }

  const SectionReader disposals(file, "outcomes.disposals", top.At("disposals"));
  OutcomeSettings::Disposals& di = out.disposals;
  for (absl::Status s :
       {disposals.CheckKeys({"file", "id", "offence_date", "disposal_date", "type", "proven"}),
        disposals.String("file", false, &di.file), disposals.String("id", true, &di.id_column),
        disposals.DateColumn("offence_date", &di.offence_column, &di.offence_format),
        disposals.DateColumn("disposal_date", &di.disposal_column, &di.disposal_format),
        disposals.String("type", false, &di.type_column),
        disposals.Values("proven", &di.proven_types)}) {
    if (!s.ok()) return s;
  }
  for (absl::Status s : {top.Months("follow_up_months", 1, 120, &out.follow_up_months),
                         top.Months("waiting_months", 0, 120, &out.waiting_months)}) {
    if (!s.ok()) return s;
  }
  se.file = ResolvePath(settings.file, se.file);
  in.file = ResolvePath(settings.file, in.file);
  di.file = ResolvePath(settings.file, di.file);
  return out;
}

absl::StatusOr<OutcomeData> OutcomeData::Load(const OutcomeSettings& settings) {
  OutcomeData data;

  // Sentences.
  const OutcomeSettings::Sentences& se = settings.sentences;
  const std::vector<std::string> completed = LowerAll(se.completed_values);
  absl::Status status = ForEachRow(
      se.file, "sentences",
      {{se.id_column, "sentences.id"}, {se.start_column, "sentences.start"},
       {se.termination_column, "sentences.termination"}},
      &data.sentences, [&](const CsvRow& row, const std::vector<size_t>& pos, Problems& problems) {
        const std::string_view id = Trim(row.fields[pos[0]]);
        if (id.empty()) {
          problems.Skip(row.line, "empty case id");
          return false;
        }
        DayNumber start = 0;
        const DateParseResult parsed = ParseDate(row.fields[pos[1]], se.start_format, &start);
        if (parsed != DateParseResult::kOk) {
          problems.Skip(row.line, parsed == DateParseResult::kEmpty ? "no sentence start date"
                                                                    : "sentence start is not a date");
          return false;
        }
        if (data.case_index.contains(id)) {
          ++data.duplicate_cases;
          problems.Skip(row.line, "case id seen before (the first row is used)");
          return false;
        }
        OutcomeCase c;
        c.start = start;
        c.follow_up_end = AddMonths(start, settings.follow_up_months);
        c.proven_by = AddMonths(start, settings.follow_up_months + settings.waiting_months);
        const std::string_view reason = Trim(row.fields[pos[2]]);
        if (reason.empty()) ++data.blank_terminations;
        c.completed = !reason.empty() && InList(reason, completed);
        data.case_index.emplace(std::string(id), static_cast<uint32_t>(data.cases.size()));
        data.case_ids.emplace_back(id);
        data.cases.push_back(c);
        return true;
      });
  if (!status.ok()) return status;

  // Inspections.
  const OutcomeSettings::Inspections& in = settings.inspections;
  const std::vector<std::string> sufficient = LowerAll(in.sufficient_values);
  const std::vector<std::string> insufficient = LowerAll(in.insufficient_values);
  auto judge = [&](std::string_view v) {
    if (InList(v, sufficient)) return Judgement::kSufficient;
    if (InList(v, insufficient)) return Judgement::kInsufficient;
    return Judgement::kUnknown;
  };
  status = ForEachRow(
      in.file, "inspections",
      {{in.id_column, "inspections.id"}, {in.engaging_column, "inspections.engaging"},
       {in.desistance_column, "inspections.desistance"}, {in.safety_column, "inspections.safety"}},
      &data.inspections, [&](const CsvRow& row, const std::vector<size_t>& pos, Problems& problems) {
        const auto it = data.case_index.find(Trim(row.fields[pos[0]]));
        if (it == data.case_index.end()) {
          ++data.inspections_unknown_case;
          problems.Skip(row.line, "no sentence row for this case id");
          return false;
        }
        OutcomeCase& c = data.cases[it->second];
        if (c.inspected) {
          problems.Skip(row.line, "case inspected twice (the first row is used)");
          return false;
        }
        c.inspected = true;
        c.engaging = judge(row.fields[pos[1]]);
        c.desistance = judge(row.fields[pos[2]]);
        c.safety = pos[3] == SIZE_MAX ? Judgement::kUnknown : judge(row.fields[pos[3]]);
        return true;
      });
  if (!status.ok()) return status;

  // Disposals, gathered per police record.
  const OutcomeSettings::Disposals& di = settings.disposals;
  const std::vector<std::string> proven = LowerAll(di.proven_types);
  struct Row {
    uint32_t police;
    DisposalDates dates;
  };
  std::vector<Row> rows;
  status = ForEachRow(
      di.file, "disposals",
      {{di.id_column, "disposals.id"}, {di.offence_column, "disposals.offence_date"},
       {di.disposal_column, "disposals.disposal_date"}, {di.type_column, "disposals.type"}},
      &data.disposal_rows, [&](const CsvRow& row, const std::vector<size_t>& pos, Problems& problems) {
        const std::string_view id = Trim(row.fields[pos[0]]);
        if (id.empty()) {
          problems.Skip(row.line, "empty police id");
          return false;
        }
        if (pos[3] != SIZE_MAX && !InList(row.fields[pos[3]], proven)) return true;  // not counted
        DisposalDates d;
        const DateParseResult offence = ParseDate(row.fields[pos[1]], di.offence_format, &d.offence);
        if (offence != DateParseResult::kOk) {
          problems.Skip(row.line, offence == DateParseResult::kEmpty ? "no offence date"
                                                                     : "offence date is not a date");
          return false;
        }
        const DateParseResult disposal =
            ParseDate(row.fields[pos[2]], di.disposal_format, &d.disposal);
        if (disposal == DateParseResult::kEmpty) {
          d.disposal = std::numeric_limits<DayNumber>::max();  // not (yet) proven
        } else if (disposal != DateParseResult::kOk) {
          problems.Skip(row.line, "disposal date is not a date");
          return false;
        }
        rows.push_back({Intern(&data.police_index, id), d});
        return true;
      });
  if (!status.ok()) return status;
  const size_t police = data.police_index.size();
  data.disposal_offsets.assign(police + 1, 0);
  for (const Row& r : rows) ++data.disposal_offsets[r.police + 1];
  for (size_t p = 0; p < police; ++p) data.disposal_offsets[p + 1] += data.disposal_offsets[p];
  data.disposals.resize(rows.size());
  std::vector<uint32_t> fill(data.disposal_offsets.begin(), data.disposal_offsets.end() - 1);
  for (const Row& r : rows) data.disposals[fill[r.police]++] = r.dates;
  return data;
}

uint32_t OutcomeData::ProvenReoffences(uint32_t c, uint32_t police) const {
  if (police + 1 >= disposal_offsets.size()) return 0;
  const OutcomeCase& k = cases[c];
  uint32_t count = 0;
  for (uint32_t i = disposal_offsets[police]; i < disposal_offsets[police + 1]; ++i) {
    const DisposalDates& d = disposals[i];
    if (d.offence >= k.start && d.offence < k.follow_up_end && d.disposal < k.proven_by) ++count;
  }
  return count;
}

CaseLinksBuilder::CaseLinksBuilder(const OutcomeData& data) : data_(data) {}

bool CaseLinksBuilder::Add(std::string_view case_id, std::string_view police_id,
                           double probability) {
  const auto c = data_.case_index.find(case_id);
  if (c == data_.case_index.end()) {
    ++unknown_cases_;
    return false;
  }
  uint32_t police;
  if (const auto p = data_.police_index.find(police_id); p != data_.police_index.end()) {
    police = p->second;
  } else {
    police = static_cast<uint32_t>(data_.police_index.size()) + Intern(&extra_police_, police_id);
  }
  raw_.push_back({c->second, police, probability});
  return true;
}

CaseLinks CaseLinksBuilder::Finish() {
  std::sort(raw_.begin(), raw_.end(), [](const Raw& a, const Raw& b) {
    if (a.c != b.c) return a.c < b.c;
    if (a.police != b.police) return a.police < b.police;
    return a.probability > b.probability;
  });
  CaseLinks links;
  links.unknown_case_links = unknown_cases_;
  links.offsets.assign(data_.cases.size() + 1, 0);
  for (size_t i = 0; i < raw_.size(); ++i) {
    const Raw& r = raw_[i];
    if (i > 0 && raw_[i - 1].c == r.c && raw_[i - 1].police == r.police) continue;
    LinkCandidate cand;
    cand.police = r.police;
    cand.probability = r.probability;
    cand.reoffences = static_cast<uint16_t>(std::min<uint32_t>(65535, data_.ProvenReoffences(r.c, r.police)));
    links.candidates.push_back(cand);
    ++links.offsets[r.c + 1];
  }
  for (size_t c = 0; c < data_.cases.size(); ++c) links.offsets[c + 1] += links.offsets[c];
  links.links = links.candidates.size();
  raw_.clear();
  return links;
}

OutcomeTable ComputeOutcomes(const OutcomeData& data, const CaseLinks& links, LinkRule rule,
                             double threshold) {
  Accumulator acc[kOutcomeGroupCount];
  uint64_t used = 0;
  for (uint32_t c = 0; c < data.cases.size(); ++c) {
    const OutcomeCase& k = data.cases[c];
    const LinkCandidate* begin = links.candidates.data() + links.offsets[c];
    const LinkCandidate* end = links.candidates.data() + links.offsets[c + 1];
    double reoffended = 0;
    double reoffences = 0;
    bool linked = false;
    if (rule == LinkRule::kThreshold) {
      for (const LinkCandidate* p = begin; p != end; ++p) {
        if (!(p->probability >= threshold)) continue;
        linked = true;
        ++used;
        if (p->reoffences > 0) reoffended = 1;
        reoffences += p->reoffences;
      }
    } else {
      double total = 0;
      for (const LinkCandidate* p = begin; p != end; ++p) total += p->probability;
      const double scale = total > 1 ? 1 / total : 1;
      for (const LinkCandidate* p = begin; p != end; ++p) {
        const double w = p->probability * scale;
        if (p->reoffences > 0) reoffended += w;
        reoffences += w * p->reoffences;
      }
      linked = begin != end;
      used += static_cast<uint64_t>(end - begin);
    }
    auto add = [&](size_t g) {
      Accumulator& a = acc[g];
      ++a.n;
      a.completed += k.completed ? 1 : 0;
      a.linked += linked ? 1 : 0;
      a.reoffenders += reoffended;
      a.reoffences += reoffences;
    };
    add(kCohort);
    if (!k.inspected) continue;
    add(kInspected);
    const Judgement e = k.engaging, d = k.desistance;
    if (e != Judgement::kUnknown && d != Judgement::kUnknown) {
      add(e == Judgement::kSufficient && d == Judgement::kSufficient       ? kBothSufficient
          : e == Judgement::kSufficient || d == Judgement::kSufficient ? kMixed
                                                                         : kBothInsufficient);
    }
    if (e != Judgement::kUnknown) add(e == Judgement::kSufficient ? kEngagingSufficient : kEngagingInsufficient);
    if (d != Judgement::kUnknown) {
      add(d == Judgement::kSufficient ? kDesistanceSufficient : kDesistanceInsufficient);
    }
    if (k.safety != Judgement::kUnknown) {
      add(k.safety == Judgement::kSufficient ? kSafetySufficient : kSafetyInsufficient);
    }
  }
  OutcomeTable table = MakeTable(acc);
  table.links_used = used;
  if (rule == LinkRule::kThreshold) {
    table.linkage = "threshold";
    table.threshold = threshold;
    table.description = fmt::format("police records linked with match probability >= {}", threshold);
  } else {
    table.linkage = "weighted";
    table.description =
        "every candidate police record weighted by its match probability (normalised to sum to "
        "at most 1 per case)";
  }
  return table;
}

absl::StatusOr<OutcomeTable> LoadOutcomeTruth(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::NotFoundError(fmt::format("{}: cannot open", path));
  std::string text;
  char buffer[1 << 14];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, got);
  std::fclose(f);
  const json root = json::parse(text, nullptr, false);
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", path, why));
  };
  if (root.is_discarded() || !root.is_object() || !root.contains("groups") ||
      !root["groups"].is_object()) {
    return bad("expected the outcomes_truth.json of probity synth (an object with \"groups\")");
  }
  Accumulator acc[kOutcomeGroupCount];
  for (size_t g = 0; g < kOutcomeGroupCount; ++g) {
    const std::string name = kOutcomeGroups[g];
    const json* node = nullptr;
    if (root["groups"].contains(name)) {
      node = &root["groups"][name];
    } else if (root.contains(name)) {
      node = &root[name];
    }
    if (node == nullptr) return bad(fmt::format("no group \"{}\"", name));
    for (const char* key : {"n", "completed", "reoffenders", "reoffences"}) {
      if (!node->contains(key) || !(*node)[key].is_number()) {
        return bad(fmt::format("group \"{}\" needs a number \"{}\"", name, key));
      }
    }
    acc[g].n = (*node)["n"].get<uint64_t>();
    acc[g].completed = (*node)["completed"].get<uint64_t>();
    acc[g].reoffenders = (*node)["reoffenders"].get<double>();
    acc[g].reoffences = (*node)["reoffences"].get<double>();
    acc[g].linked = acc[g].n;
  }
  OutcomeTable table = MakeTable(acc);
  table.linkage = "planted_truth";
  table.description = "the outcomes the synthetic data were generated with";
  return table;
}

std::vector<std::pair<std::string, std::string>> NaiveExactLinks(const LinkData& data,
                                                                 uint16_t probation_source,
                                                                 uint16_t police_source) {
  auto key = [&](uint32_t r, std::string* out) {
    const auto surnames = data.surnames.Of(r);
    const auto dobs = data.dobs.Of(r);
    if (surnames.empty() || dobs.empty() || surnames[0].text.size == 0) return false;
    *out = fmt::format("{}\x1f{}", data.Str(surnames[0].text), dobs[0].day);
    return true;
  };
  absl::flat_hash_map<std::string, std::vector<uint32_t>, TransparentHash, TransparentEq> police;
  std::string k;
  for (uint32_t r = 0; r < data.size(); ++r) {
    if (data.source(r) == police_source && key(r, &k)) police[k].push_back(r);
  }
  std::vector<std::pair<std::string, std::string>> links;
  for (uint32_t r = 0; r < data.size(); ++r) {
    if (data.source(r) != probation_source || !key(r, &k)) continue;
    const auto it = police.find(k);
    if (it == police.end()) continue;
    for (uint32_t p : it->second) links.emplace_back(std::string(data.id(r)), std::string(data.id(p)));
  }
  return links;
}

absl::StatusOr<OutcomeAnalysis> AnalyseOutcomes(const OutcomeOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const OutcomeSettings& settings = options.settings;
  OutcomeAnalysis analysis;
  analysis.threshold = options.threshold;

  absl::StatusOr<OutcomeData> loaded = OutcomeData::Load(settings);
  if (!loaded.ok()) return loaded.status();
  const OutcomeData& data = *loaded;
  analysis.sentences = data.sentences;
  analysis.inspections = data.inspections;
  analysis.disposals = data.disposal_rows;
  analysis.cases = data.cases.size();
  for (const OutcomeCase& c : data.cases) analysis.inspected += c.inspected ? 1 : 0;
  analysis.blank_terminations = data.blank_terminations;
  analysis.duplicate_cases = data.duplicate_cases;
  analysis.inspections_unknown_case = data.inspections_unknown_case;
  analysis.police_records_with_disposals = data.police_index.size();

  std::optional<LinkTruth> truth;
  if (!options.link_truth_path.empty()) {
    absl::StatusOr<LinkTruth> t = LoadLinkTruth(options.link_truth_path);
    if (!t.ok()) return t.status();
    truth = *std::move(t);
  }

  // The pairs file: candidates, the weight histogram, example pairs.
  CaseLinksBuilder builder(data);
  std::vector<double> weights;
  std::vector<int8_t> weight_truth;  // 1 match, 0 non-match, -1 unknown
  const double t = options.threshold;
  struct Pick {
    bool set = false;
    ExamplePair pair;
  };
  enum { kStrongest, kAbove, kBelow, kWeakest, kFalseLink, kMissed, kPicks };
  Pick picks[kPicks];
  auto consider = [&](int which, bool better, const ExamplePair& pair) {
    if (!picks[which].set || better) picks[which] = {true, pair};
  };
  absl::Status status = ForEachRow(
      options.pairs_path, "pairs",
      {{"source_l", "source_l"}, {"id_l", "id_l"}, {"source_r", "source_r"}, {"id_r", "id_r"},
       {"match_weight", "match_weight"}, {"match_probability", "match_probability"}},
      &analysis.pairs, [&](const CsvRow& row, const std::vector<size_t>& pos, Problems& problems) {
        double weight = 0, probability = 0;
        if (!ParseDouble(row.fields[pos[4]], &weight) || !ParseDouble(row.fields[pos[5]], &probability) ||
            !(probability >= 0 && probability <= 1) || !std::isfinite(weight)) {
          problems.Skip(row.line, "match_weight or match_probability is not a number");
          return false;
        }
        ExamplePair pair;
        pair.source_l = std::string(Trim(row.fields[pos[0]]));
        pair.id_l = std::string(Trim(row.fields[pos[1]]));
        pair.source_r = std::string(Trim(row.fields[pos[2]]));
        pair.id_r = std::string(Trim(row.fields[pos[3]]));
        pair.weight = weight;
        pair.probability = probability;
        weights.push_back(weight);
        if (truth.has_value()) {
          bool known = false;
          const bool same = truth->SameRecordPerson(pair.source_l, pair.id_l, pair.source_r, pair.id_r, &known);
          weight_truth.push_back(known ? (same ? 1 : 0) : -1);
          if (known) pair.true_match = same;
        }
        const std::string* case_id = nullptr;
        const std::string* police_id = nullptr;
        if (pair.source_l == settings.probation_source && pair.source_r == settings.police_source) {
          case_id = &pair.id_l;
          police_id = &pair.id_r;
        } else if (pair.source_r == settings.probation_source &&
                   pair.source_l == settings.police_source) {
          case_id = &pair.id_r;
          police_id = &pair.id_l;
        }
        if (case_id == nullptr) return true;
        builder.Add(*case_id, *police_id, probability);
        const ExamplePair* best[kPicks];
        for (int k = 0; k < kPicks; ++k) best[k] = picks[k].set ? &picks[k].pair : nullptr;
        consider(kStrongest, best[kStrongest] && weight > best[kStrongest]->weight, pair);
        consider(kWeakest, best[kWeakest] && weight < best[kWeakest]->weight, pair);
        if (probability >= t) {
          if (!best[kAbove] || probability < best[kAbove]->probability) consider(kAbove, true, pair);
          if (pair.true_match == false &&
              (!best[kFalseLink] || weight > best[kFalseLink]->weight)) {
            consider(kFalseLink, true, pair);
          }
        } else {
          if (!best[kBelow] || probability > best[kBelow]->probability) consider(kBelow, true, pair);
          if (pair.true_match == true && (!best[kMissed] || weight > best[kMissed]->weight)) {
            consider(kMissed, true, pair);
          }
        }
        return true;
      });
  if (!status.ok()) return status;
  const CaseLinks links = builder.Finish();
  analysis.candidate_links = links.links;
  analysis.pairs_unknown_case = links.unknown_case_links;
  for (size_t c = 0; c < data.cases.size(); ++c) {
    analysis.cases_with_candidates += links.offsets[c + 1] > links.offsets[c] ? 1 : 0;
  }
  static constexpr const char* kPickLabels[kPicks] = {
      "strongest link", "just above the threshold", "just below the threshold",
      "weakest candidate", "highest-scoring false link", "highest-scoring missed match"};
  for (int k = 0; k < kPicks; ++k) {
    if (!picks[k].set) continue;
    bool seen = false;
    for (const ExamplePair& e : analysis.examples) {
      seen = seen || (e.id_l == picks[k].pair.id_l && e.id_r == picks[k].pair.id_r &&
                      e.source_l == picks[k].pair.source_l);
    }
    if (seen) continue;
    picks[k].pair.label = kPickLabels[k];
    analysis.examples.push_back(picks[k].pair);
  }

  // Histogram, one-bit bins.
  WeightHistogram& h = analysis.histogram;
  h.has_truth = truth.has_value();
  if (!weights.empty()) {
    const auto [lo, hi] = std::minmax_element(weights.begin(), weights.end());
    h.first_bin = std::floor(*lo);
    const size_t bins = static_cast<size_t>(std::floor(*hi) - h.first_bin) + 1;
    h.all.assign(bins, 0);
    if (h.has_truth) {
      h.matches.assign(bins, 0);
      h.non_matches.assign(bins, 0);
    }
    for (size_t i = 0; i < weights.size(); ++i) {
      const size_t b = std::min(bins - 1, static_cast<size_t>(std::floor(weights[i]) - h.first_bin));
      ++h.all[b];
      if (h.has_truth && weight_truth[i] == 1) ++h.matches[b];
      if (h.has_truth && weight_truth[i] == 0) ++h.non_matches[b];
    }
  }

  // (a), (b), (c).
  analysis.headline = ComputeOutcomes(data, links, LinkRule::kThreshold, options.threshold);
  analysis.weighted = ComputeOutcomes(data, links, LinkRule::kWeighted, 0);
  for (double s : options.sweep) {
    OutcomeTable table = ComputeOutcomes(data, links, LinkRule::kThreshold, s);
    table.linkage = "sweep";
    analysis.sweep.push_back(std::move(table));
  }

  // Other linkages.
  if (!options.clusters_path.empty()) {
    InputCounts counts;
    absl::StatusOr<CaseLinks> cl = LinksFromMembership(options.clusters_path, "clusters",
                                                       "cluster_id", settings, data, &counts);
    if (!cl.ok()) return cl.status();
    OutcomeTable table = ComputeOutcomes(data, *cl, LinkRule::kThreshold, 0);
    table.linkage = "clusters";
    table.threshold.reset();
    table.description = "police records in the same cluster as the case (clusters.csv)";
    analysis.extra.push_back(std::move(table));
  }
  for (const OutcomeOptions::ExtraLinkage& extra : options.extra) {
    CaseLinksBuilder b(data);
    for (const auto& [case_id, police_id] : extra.links) b.Add(case_id, police_id, 1.0);
    OutcomeTable table = ComputeOutcomes(data, b.Finish(), LinkRule::kThreshold, 0);
    table.linkage = extra.name;
    table.threshold.reset();
    table.description = extra.description;
    analysis.extra.push_back(std::move(table));
  }
  if (truth.has_value()) {
    InputCounts counts;
    absl::StatusOr<CaseLinks> tl = LinksFromMembership(options.link_truth_path, "link-truth",
                                                       "person_id", settings, data, &counts);
    if (!tl.ok()) return tl.status();
    OutcomeTable table = ComputeOutcomes(data, *tl, LinkRule::kThreshold, 0);
    table.linkage = "true_links";
    table.threshold.reset();
    table.description = "the true links of the ground truth (truth.csv): no linkage error";
    analysis.extra.push_back(std::move(table));

    EvalOptions eval;
    eval.threshold = options.threshold;
    absl::StatusOr<EvalReport> report =
        EvaluatePairs(options.pairs_path, options.link_truth_path, eval);
    if (report.ok()) {
      analysis.link_evaluation = *std::move(report);
    } else {
      analysis.warnings.push_back(fmt::format("precision and recall not computed: {}",
                                              std::string(report.status().message())));
    }
  }
  if (!options.outcome_truth_path.empty()) {
    absl::StatusOr<OutcomeTable> planted = LoadOutcomeTruth(options.outcome_truth_path);
    if (!planted.ok()) return planted.status();
    analysis.truth = *std::move(planted);
  }

  // Warnings people should see.
  for (const InputCounts* c : {&analysis.sentences, &analysis.inspections, &analysis.disposals,
                               &analysis.pairs}) {
    if (c->skipped > 0) {
      analysis.warnings.push_back(fmt::format("{}: {} of {} rows skipped (first: {})", c->file,
                                              c->skipped, c->rows,
                                              c->problems.empty() ? "" : c->problems.front()));
    }
  }
  if (analysis.blank_terminations > 0) {
    analysis.warnings.push_back(fmt::format(
        "{} cases have no termination reason; they count as not completed",
        analysis.blank_terminations));
  }
  if (analysis.pairs_unknown_case > 0) {
    analysis.warnings.push_back(fmt::format(
        "{} probation-police pairs name a probation record with no sentence row",
        analysis.pairs_unknown_case));
  }
  analysis.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return analysis;
}

std::string OutcomesToJson(const OutcomeAnalysis& a) {
  const OutcomeTable* truth = a.truth.has_value() ? &*a.truth : nullptr;
  json j;
  j["definition"] =
      "proven reoffending: an offence committed on or after the sentence start and before "
      "start + follow-up months, proven by a disposal (conviction or caution) before start + "
      "follow-up + waiting months; completion: termination reason in the completed list; "
      "groups use inspected cases; rates are fractions with 95% Wilson intervals; gaps are "
      "both_sufficient minus both_insufficient in percentage points with Newcombe's hybrid "
      "score interval; bias is estimate minus planted truth in percentage points";
  j["threshold"] = a.threshold;
  json inputs;
  inputs["sentences"] = CountsJson(a.sentences);
  inputs["inspections"] = CountsJson(a.inspections);
  inputs["disposals"] = CountsJson(a.disposals);
  inputs["pairs"] = CountsJson(a.pairs);
  inputs["cases"] = a.cases;
  inputs["inspected_cases"] = a.inspected;
  inputs["blank_terminations"] = a.blank_terminations;
  inputs["duplicate_case_rows"] = a.duplicate_cases;
  inputs["inspections_without_sentence"] = a.inspections_unknown_case;
  inputs["police_records_with_disposals"] = a.police_records_with_disposals;
  inputs["candidate_links"] = a.candidate_links;
  inputs["cases_with_candidates"] = a.cases_with_candidates;
  inputs["pairs_without_sentence"] = a.pairs_unknown_case;
  j["inputs"] = std::move(inputs);
  j["headline"] = TableJson(a.headline, truth);
  j["weighted"] = TableJson(a.weighted, truth);
  json sweep = json::array();
  for (const OutcomeTable& t : a.sweep) sweep.push_back(TableJson(t, truth));
  j["sweep"] = std::move(sweep);
  json extra = json::array();
  for (const OutcomeTable& t : a.extra) extra.push_back(TableJson(t, truth));
  j["other_linkages"] = std::move(extra);
  if (truth != nullptr) {
    j["planted_truth"] = TableJson(*truth, nullptr);
  } else {
    j["planted_truth"] = nullptr;
  }
  if (a.link_evaluation.has_value()) {
    const EvalPoint& p = a.link_evaluation->at_threshold;
    j["link_accuracy"] = {{"threshold", p.threshold}, {"precision", p.precision},
                          {"recall", p.recall},       {"f1", p.f1}};
  }
  j["warnings"] = a.warnings;
  j["seconds"] = Round(a.seconds, 1e3);
  return j.dump(2) + "\n";
}

std::string OutcomesToCsv(const OutcomeAnalysis& a) {
  const OutcomeTable* truth = a.truth.has_value() ? &*a.truth : nullptr;
  std::string out = "linkage,threshold,group,measure,n,events,value,ci_lower,ci_upper,truth,bias\n";
  CsvTableRows(a.headline, truth, &out);
  CsvTableRows(a.weighted, truth, &out);
  for (const OutcomeTable& t : a.sweep) CsvTableRows(t, truth, &out);
  for (const OutcomeTable& t : a.extra) CsvTableRows(t, truth, &out);
  if (truth != nullptr) CsvTableRows(*truth, nullptr, &out);
  return out;
}

std::string OutcomesToText(const OutcomeAnalysis& a) {
  const OutcomeTable& h = a.headline;
  const OutcomeTable* truth = a.truth.has_value() ? &*a.truth : nullptr;
  std::string out = fmt::format(
      "outcomes    {} cases, {} inspected; {} links at probability >= {} ({} candidate pairs)\n",
      a.cases, a.inspected, h.links_used, a.threshold, a.candidate_links);
  out += fmt::format("\n{:<24} {:>6}  {:<24} {:<24} {:>6}{}\n", "group", "n",
                     "completion (95% CI)", "proven reoffending", "freq.",
                     truth ? "   truth: reoff. (bias)" : "");
  for (const GroupOutcome& g : h.groups) {
    std::string t;
    if (truth != nullptr) {
      if (const GroupOutcome* tg = truth->Find(g.name)) {
        t = fmt::format("   {:5.1f}% ({:+.2f})", 100 * tg->reoffending.value,
                        100 * (g.reoffending.value - tg->reoffending.value));
      }
    }
    out += fmt::format("{:<24} {:>6}  {:<24} {:<24} {:>6.2f}{}\n", GroupLabel(g.name), g.n,
                       Pct(g.completion), Pct(g.reoffending), g.reoffences_per_reoffender, t);
  }
  auto gap_truth = [&](const Estimate& e, const Estimate* te) {
    return te != nullptr ? fmt::format("  truth {:+.1f}, bias {:+.2f}", 100 * te->value,
                                       100 * (e.value - te->value))
                         : std::string();
  };
  out += fmt::format("\ngap, both sufficient - both insufficient:\n");
  out += fmt::format("  completion          {}{}\n", Pp(h.completion_gap),
                     gap_truth(h.completion_gap, truth ? &truth->completion_gap : nullptr));
  out += fmt::format("  proven reoffending  {}{}\n", Pp(h.reoffending_gap),
                     gap_truth(h.reoffending_gap, truth ? &truth->reoffending_gap : nullptr));

  out += truth != nullptr
             ? "\nlinkage sensitivity (proven reoffending gap; bias against the planted truth):\n"
             : "\nlinkage sensitivity (proven reoffending gap):\n";
  auto worst_bias = [&](const OutcomeTable& t) {
    double worst = 0;
    for (const GroupOutcome& g : t.groups) {
      if (const GroupOutcome* tg = truth->Find(g.name)) {
        worst = std::max(worst, std::abs(100 * (g.reoffending.value - tg->reoffending.value)));
      }
    }
    return worst;
  };
  auto line = [&](const std::string& name, const OutcomeTable& t) {
    std::string bias;
    if (truth != nullptr) {
      bias = fmt::format("  gap bias {:+.2f}, worst group {:.2f} pp",
                         100 * (t.reoffending_gap.value - truth->reoffending_gap.value),
                         worst_bias(t));
    }
    const std::string gap = Pp(t.reoffending_gap);
    out += fmt::format("  {:<26} {}{}\n", name, bias.empty() ? gap : fmt::format("{:<25}", gap), bias);
  };
  line(fmt::format("(a) threshold {}", a.threshold), a.headline);
  line("(b) probability-weighted", a.weighted);
  if (!a.sweep.empty()) {
    // The sweep in one line: the range of the gap (and of the biases) across thresholds.
    double lo = 1, hi = -1, bias_lo = 1e9, bias_hi = -1e9, worst_lo = 1e9, worst_hi = 0;
    for (const OutcomeTable& t : a.sweep) {
      lo = std::min(lo, t.reoffending_gap.value);
      hi = std::max(hi, t.reoffending_gap.value);
      if (truth != nullptr) {
        const double b = 100 * (t.reoffending_gap.value - truth->reoffending_gap.value);
        bias_lo = std::min(bias_lo, b);
        bias_hi = std::max(bias_hi, b);
        worst_lo = std::min(worst_lo, worst_bias(t));
        worst_hi = std::max(worst_hi, worst_bias(t));
      }
    }
    std::string range = fmt::format("{:+.1f} to {:+.1f} pp", 100 * lo, 100 * hi);
    if (truth != nullptr) range = fmt::format("{:<25}", range);
    out += fmt::format("  {:<26} {}{}\n",
                       fmt::format("(c) thresholds {:g}..{:g}", *a.sweep.front().threshold,
                                   *a.sweep.back().threshold),
                       range,
                       truth != nullptr ? fmt::format("  gap bias {:+.2f} to {:+.2f}, worst group "
                                                      "{:.2f} to {:.2f} pp",
                                                      bias_lo, bias_hi, worst_lo, worst_hi)
                                        : std::string());
  }
  for (const OutcomeTable& t : a.extra) line(t.linkage, t);
  if (truth != nullptr) line("planted truth", *truth);
  for (const std::string& w : a.warnings) out += "warning     " + w + "\n";
  return out;
}

}  // namespace probity

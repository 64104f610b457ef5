#include "engine/evaluation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "engine/csv_reader.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace probity {
namespace {

inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }

// Lets flat_hash_map<std::string, V> be searched with a std::string_view.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return absl::Hash<absl::string_view>{}(ToAbsl(s)); }
};
struct SvEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, SvHash, SvEq>;

absl::Status RowError(const std::string& file, uint64_t line, std::string_view reason) {
  return absl::InvalidArgumentError(fmt::format("{}:{}: {}", file, line, reason));
}

// Column positions of `names` in the reader's header; an error names the first one missing.
absl::StatusOr<std::vector<size_t>> FindColumns(const CsvReader& reader,
                                                const std::vector<std::string_view>& names) {
  std::vector<size_t> positions;
  for (std::string_view name : names) {
    const std::vector<std::string>& header = reader.header();
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      std::string expected;
      for (std::string_view n : names) {
        if (!expected.empty()) expected += ',';
        expected += n;
      }
      return absl::InvalidArgumentError(fmt::format(
          "{}: missing column '{}' (expected columns {})", reader.name(), name, expected));
    }
    positions.push_back(static_cast<size_t>(it - header.begin()));
  }
  return positions;
}

// The truth file: records numbered in file order.
struct Truth {
  std::vector<std::string> source_names;
  StringMap<uint16_t> source_index;
  std::vector<StringMap<uint32_t>> record_of;  // per source: record id -> record
  std::vector<uint16_t> source_of;
  std::vector<uint32_t> person_of;
  uint32_t persons = 0;
  // Record ids, for the report's link lists.
  std::string id_arena;
  std::vector<uint64_t> id_start = {0};

  std::string_view IdOf(uint32_t r) const {
    return std::string_view(id_arena).substr(id_start[r], id_start[r + 1] - id_start[r]);
  }
  // kNotFound when the record is not in the truth file.
  static constexpr uint32_t kNotFound = std::numeric_limits<uint32_t>::max();
  uint32_t Find(std::string_view source, std::string_view id) const {
    auto s = source_index.find(source);
    if (s == source_index.end()) return kNotFound;
    auto r = record_of[s->second].find(id);
    return r == record_of[s->second].end() ? kNotFound : r->second;
  }
};

absl::Status ReadTruth(const std::string& path, Truth* truth) {
  absl::StatusOr<std::unique_ptr<CsvReader>> opened = CsvReader::Open(path, CsvOptions{});
  if (!opened.ok()) return opened.status();
  CsvReader& reader = **opened;
  absl::StatusOr<std::vector<size_t>> columns =
      FindColumns(reader, {"source", "record_id", "person_id"});
  if (!columns.ok()) return columns.status();
  const size_t source_col = (*columns)[0], id_col = (*columns)[1], person_col = (*columns)[2];
  StringMap<uint32_t> person_index;
  CsvRow row;
  while (reader.Next(&row)) {
    if (!row.error.empty()) return RowError(path, row.line, row.error);
    const std::string_view source = row.fields[source_col];
    const std::string_view id = row.fields[id_col];
    const std::string_view person = row.fields[person_col];
    if (source.empty()) return RowError(path, row.line, "empty source");
    if (id.empty()) return RowError(path, row.line, "empty record_id");
    if (person.empty()) return RowError(path, row.line, "empty person_id");
    if (truth->source_of.size() >= Truth::kNotFound) {
      return RowError(path, row.line, "too many records (at most 4294967294)");
    }
    const uint32_t record = static_cast<uint32_t>(truth->source_of.size());

    auto [s, new_source] = truth->source_index.try_emplace(source, 0);
    if (new_source) {
      if (truth->source_names.size() > std::numeric_limits<uint16_t>::max()) {
        return RowError(path, row.line, "too many sources (at most 65536)");
      }
      s->second = static_cast<uint16_t>(truth->source_names.size());
      truth->source_names.emplace_back(source);
      truth->record_of.emplace_back();
    }
    auto [r, new_record] = truth->record_of[s->second].try_emplace(id, record);
    if (!new_record) {
      return RowError(path, row.line, "record listed twice (same source and record_id)");
    }
    auto [p, new_person] = person_index.try_emplace(person, truth->persons);
    if (new_person) ++truth->persons;

    truth->source_of.push_back(s->second);
    truth->person_of.push_back(p->second);
    truth->id_arena.append(id);
    truth->id_start.push_back(truth->id_arena.size());
  }
  return reader.status();
}

// One distinct scored pair, in the orientation of the row it was kept from.
struct Scored {
  uint32_t l;
  uint32_t r;
  double weight;
  double probability;
  uint32_t lo() const { return std::min(l, r); }
  uint32_t hi() const { return std::max(l, r); }
};

bool ParseDouble(std::string_view text, double* out) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;  // from_chars refuses a leading '+'
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end && begin != end;
}

absl::Status ReadPairs(const std::string& path, const Truth& truth, std::vector<Scored>* pairs,
                       uint64_t* rows) {
  absl::StatusOr<std::unique_ptr<CsvReader>> opened = CsvReader::Open(path, CsvOptions{});
  if (!opened.ok()) return opened.status();
  CsvReader& reader = **opened;
  absl::StatusOr<std::vector<size_t>> columns = FindColumns(
      reader, {"source_l", "id_l", "source_r", "id_r", "match_weight", "match_probability"});
  if (!columns.ok()) return columns.status();
  const std::vector<size_t>& col = *columns;
  CsvRow row;
  while (reader.Next(&row)) {
    if (!row.error.empty()) return RowError(path, row.line, row.error);
    ++*rows;
    static constexpr const char* kNames[] = {"source_l", "id_l", "source_r", "id_r",
                                             "match_weight", "match_probability"};
    for (size_t c = 0; c < 6; ++c) {
      if (row.fields[col[c]].empty()) {
        return RowError(path, row.line, fmt::format("empty {}", kNames[c]));
      }
    }
    const uint32_t l = truth.Find(row.fields[col[0]], row.fields[col[1]]);
    if (l == Truth::kNotFound) {
      return RowError(path, row.line, "the record in source_l, id_l is not in the truth file");
    }
    const uint32_t r = truth.Find(row.fields[col[2]], row.fields[col[3]]);
    if (r == Truth::kNotFound) {
      return RowError(path, row.line, "the record in source_r, id_r is not in the truth file");
    }
    if (l == r) return RowError(path, row.line, "pair of a record with itself");
    double weight = 0, probability = 0;
    if (!ParseDouble(row.fields[col[4]], &weight) || std::isnan(weight)) {
      return RowError(path, row.line, "match_weight is not a number");
    }
    if (!ParseDouble(row.fields[col[5]], &probability) || !(probability >= 0) ||
        !(probability <= 1)) {
      return RowError(path, row.line, "match_probability is not a number in [0, 1]");
    }
    pairs->push_back({l, r, weight, probability});
  }
  return reader.status();
}

// Sorts by (lo, hi) and keeps one entry per pair: the highest probability
// (then the highest weight, so the choice does not depend on row order).
void MergeDuplicates(std::vector<Scored>* pairs) {
  std::sort(pairs->begin(), pairs->end(), [](const Scored& x, const Scored& y) {
    if (x.lo() != y.lo()) return x.lo() < y.lo();
    if (x.hi() != y.hi()) return x.hi() < y.hi();
    if (x.probability != y.probability) return x.probability > y.probability;
    if (x.weight != y.weight) return x.weight > y.weight;
    return x.l < y.l;
  });
  auto last = std::unique(pairs->begin(), pairs->end(), [](const Scored& x, const Scored& y) {
    return x.lo() == y.lo() && x.hi() == y.hi();
  });
  pairs->erase(last, pairs->end());
}

uint64_t CountTruePairs(const Truth& truth, bool cross_source_only) {
  const size_t n = truth.person_of.size();
  std::vector<uint64_t> per_person(truth.persons, 0);
  for (size_t r = 0; r < n; ++r) ++per_person[truth.person_of[r]];
  uint64_t all = 0;
  for (uint64_t k : per_person) all += k > 1 ? k * (k - 1) / 2 : 0;
  if (!cross_source_only) return all;
  // Same-person pairs within one source: sum over (person, source) of k(k-1)/2.
  std::vector<uint64_t> keys(n);
  for (size_t r = 0; r < n; ++r) {
    keys[r] = (uint64_t{truth.person_of[r]} << 16) | truth.source_of[r];
  }
  std::sort(keys.begin(), keys.end());
  uint64_t within = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && keys[j] == keys[i]) ++j;
    const uint64_t k = j - i;
    within += k * (k - 1) / 2;
    i = j;
  }
  return all - within;
}

void Finish(EvalPoint* point, uint64_t true_pairs) {
  point->false_negatives = true_pairs - point->true_positives;
  const double tp = static_cast<double>(point->true_positives);
  point->precision = point->links == 0 ? 0.0 : tp / static_cast<double>(point->links);
  point->recall = true_pairs == 0 ? 0.0 : tp / static_cast<double>(true_pairs);
  const double sum = point->precision + point->recall;
  point->f1 = sum == 0 ? 0.0 : 2 * point->precision * point->recall / sum;
}

EvalLink MakeLink(const Truth& truth, const Scored& p) {
  EvalLink link;
  link.source_l = truth.source_names[truth.source_of[p.l]];
  link.id_l = std::string(truth.IdOf(p.l));
  link.source_r = truth.source_names[truth.source_of[p.r]];
  link.id_r = std::string(truth.IdOf(p.r));
  link.weight = p.weight;
  link.probability = p.probability;
  return link;
}

// The `n` highest-weight pairs among `indexes`, as links.
std::vector<EvalLink> TopLinks(const Truth& truth, const std::vector<Scored>& pairs,
                               std::vector<uint32_t> indexes, size_t n) {
  // Pairs are sorted by (lo, hi), so the index is the final tie-break.
  auto better = [&](uint32_t x, uint32_t y) {
    if (pairs[x].weight != pairs[y].weight) return pairs[x].weight > pairs[y].weight;
    if (pairs[x].probability != pairs[y].probability) {
      return pairs[x].probability > pairs[y].probability;
    }
    return x < y;
  };
  n = std::min(n, indexes.size());
  std::partial_sort(indexes.begin(), indexes.begin() + static_cast<std::ptrdiff_t>(n),
                    indexes.end(), better);
  std::vector<EvalLink> links;
  for (size_t i = 0; i < n; ++i) links.push_back(MakeLink(truth, pairs[indexes[i]]));
  return links;
}

nlohmann::ordered_json PointJson(const EvalPoint& p) {
  return {{"threshold", p.threshold},       {"links", p.links},
          {"true_positives", p.true_positives}, {"false_positives", p.false_positives},
          {"false_negatives", p.false_negatives}, {"precision", p.precision},
          {"recall", p.recall},             {"f1", p.f1}};
}

nlohmann::ordered_json LinksJson(const std::vector<EvalLink>& links) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const EvalLink& l : links) {
    out.push_back({{"source_l", l.source_l},
                   {"id_l", l.id_l},
                   {"source_r", l.source_r},
                   {"id_r", l.id_r},
                   {"match_weight", l.weight},
                   {"match_probability", l.probability}});
  }
  return out;
}

std::string SemanticsName(const EvalReport& report) {
  return report.cross_source_only ? "cross_source_only" : "all_pairs";
}

void AppendLinks(const char* title, const std::vector<EvalLink>& links, std::string* out) {
  *out += title;
  if (links.empty()) {
    *out += "  (none)\n";
    return;
  }
  *out += fmt::format("  {:>9} {:>11}  {}\n", "weight", "probability", "pair");
  for (const EvalLink& l : links) {
    *out += fmt::format("  {:>9.3f} {:>11.6f}  {}:{}  {}:{}\n", l.weight, l.probability,
                        l.source_l, l.id_l, l.source_r, l.id_r);
  }
}

}  // namespace

absl::StatusOr<EvalReport> EvaluatePairs(const std::string& pairs_path,
                                         const std::string& truth_path,
                                         const EvalOptions& options) {
  if (!(options.threshold >= 0 && options.threshold <= 1)) {
    return absl::InvalidArgumentError("threshold must be in [0, 1]");
  }
  Truth truth;
  if (absl::Status s = ReadTruth(truth_path, &truth); !s.ok()) return s;
  std::vector<Scored> pairs;
  EvalReport report;
  report.pairs_path = pairs_path;
  report.truth_path = truth_path;
  if (absl::Status s = ReadPairs(pairs_path, truth, &pairs, &report.pair_rows); !s.ok()) return s;
  MergeDuplicates(&pairs);

  report.truth_records = truth.source_of.size();
  report.truth_sources = truth.source_names.size();
  report.persons = truth.persons;
  report.scored_pairs = pairs.size();

  if (options.cross_source_only.has_value()) {
    report.cross_source_only = *options.cross_source_only;
  } else {
    report.semantics_inferred = true;
    bool same_source_pair = false;
    for (const Scored& p : pairs) {
      if (truth.source_of[p.l] == truth.source_of[p.r]) {
        same_source_pair = true;
        break;
      }
    }
    report.cross_source_only = truth.source_names.size() > 1 && !same_source_pair;
  }
  report.true_pairs = CountTruePairs(truth, report.cross_source_only);

  // Thresholds of the curve, ascending; a pair counts at threshold j when
  // probability >= thresholds[j], i.e. when more than j thresholds are <= it.
  std::vector<double> thresholds = {0.01, 0.05, 0.1, 0.2, 0.3, 0.4,  0.5,
                                    0.6,  0.7,  0.8, 0.9, 0.95, 0.99, options.threshold};
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  std::vector<uint64_t> true_hist(thresholds.size() + 1, 0), false_hist(thresholds.size() + 1, 0);

  std::vector<uint32_t> false_links, missed_links;
  const bool cross = report.cross_source_only;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const Scored& p = pairs[i];
    const bool is_true = truth.person_of[p.l] == truth.person_of[p.r] &&
                         (!cross || truth.source_of[p.l] != truth.source_of[p.r]);
    const size_t bucket = static_cast<size_t>(
        std::upper_bound(thresholds.begin(), thresholds.end(), p.probability) -
        thresholds.begin());
    (is_true ? true_hist : false_hist)[bucket]++;
    const bool linked = p.probability >= options.threshold;
    if (is_true) {
      ++report.true_pairs_scored;
      if (!linked) {
        ++report.missed_scored;
        missed_links.push_back(static_cast<uint32_t>(i));
      }
    } else if (linked) {
      false_links.push_back(static_cast<uint32_t>(i));
    }
  }
  report.missed_not_candidate = report.true_pairs - report.true_pairs_scored;

  uint64_t tp = 0, fp = 0;
  report.curve.resize(thresholds.size());
  for (size_t j = thresholds.size(); j-- > 0;) {
    tp += true_hist[j + 1];
    fp += false_hist[j + 1];
    EvalPoint& point = report.curve[j];
    point.threshold = thresholds[j];
    point.true_positives = tp;
    point.false_positives = fp;
    point.links = tp + fp;
    Finish(&point, report.true_pairs);
    if (thresholds[j] == options.threshold) report.at_threshold = point;
  }

  report.top_false_links = TopLinks(truth, pairs, std::move(false_links), options.top_n);
  report.top_missed_links = TopLinks(truth, pairs, std::move(missed_links), options.top_n);
  return report;
}

std::string EvalReportToJson(const EvalReport& report) {
  nlohmann::ordered_json j;
  j["pairs_file"] = report.pairs_path;
  j["truth_file"] = report.truth_path;
  j["semantics"] = SemanticsName(report);
  j["semantics_inferred"] = report.semantics_inferred;
  j["truth"] = {{"records", report.truth_records},
                {"sources", report.truth_sources},
                {"persons", report.persons},
                {"true_pairs", report.true_pairs}};
  j["pairs"] = {{"rows", report.pair_rows},
                {"distinct", report.scored_pairs},
                {"true_pairs_scored", report.true_pairs_scored}};
  nlohmann::ordered_json at = PointJson(report.at_threshold);
  at["missed_scored"] = report.missed_scored;
  at["missed_not_candidate"] = report.missed_not_candidate;
  j["at_threshold"] = std::move(at);
  nlohmann::ordered_json curve = nlohmann::ordered_json::array();
  for (const EvalPoint& p : report.curve) curve.push_back(PointJson(p));
  j["curve"] = std::move(curve);
  j["top_false_links"] = LinksJson(report.top_false_links);
  j["top_missed_links"] = LinksJson(report.top_missed_links);
  return j.dump(2) + "\n";
}

std::string EvalReportToText(const EvalReport& report) {
  const EvalPoint& at = report.at_threshold;
  std::string out;
  out += fmt::format("truth: {} records in {} sources, {} persons, {} true pairs ({}{})\n",
                     report.truth_records, report.truth_sources, report.persons,
                     report.true_pairs,
                     report.cross_source_only ? "cross-source pairs only" : "all pairs",
                     report.semantics_inferred ? ", inferred" : "");
  out += fmt::format("pairs: {} rows, {} distinct, {} of them true pairs\n", report.pair_rows,
                     report.scored_pairs, report.true_pairs_scored);
  out += fmt::format("\nat threshold {}: precision {:.4f}  recall {:.4f}  F1 {:.4f}\n",
                     at.threshold, at.precision, at.recall, at.f1);
  out += fmt::format(
      "  links {}: true positives {}, false positives {}\n"
      "  false negatives {}: {} scored below the threshold, {} never candidates\n",
      at.links, at.true_positives, at.false_positives, at.false_negatives, report.missed_scored,
      report.missed_not_candidate);
  out += fmt::format("\n  {:>9} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}\n", "threshold", "links",
                     "TP", "FP", "precision", "recall", "F1");
  for (const EvalPoint& p : report.curve) {
    out += fmt::format("  {:>9} {:>10} {:>10} {:>10} {:>9.4f} {:>9.4f} {:>9.4f}{}\n",
                       p.threshold, p.links, p.true_positives, p.false_positives, p.precision,
                       p.recall, p.f1, p.threshold == at.threshold ? "  <" : "");
  }
  AppendLinks(fmt::format("\ntop false links (probability >= {}, not true pairs):\n",
                          at.threshold)
                  .c_str(),
              report.top_false_links, &out);
  AppendLinks(fmt::format("\ntop missed links (same person, probability < {}):\n", at.threshold)
                  .c_str(),
              report.top_missed_links, &out);
  return out;
}

}  // namespace probity

// Per-call cost of the name features computed for every row at ingest.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/double_metaphone.h"
#include "engine/name_normaliser.h"
#include "engine/nicknames.h"

namespace probity::internal {
extern const std::string_view kNicknamesCsv;
}  // namespace probity::internal

namespace probity {
namespace {

const std::vector<std::string>& AsciiNames() {
  static const auto* names = new std::vector<std::string>{
      "John Smith",       "Mr. David  Jones", "Sarah O'Connor",   "smith-jones",
      "Mohammed Khan",    "Elizabeth Taylor", "MCDONALD",         "Christopher Brown",
      "Ann-Marie Wilson", "Dr Priya Patel",   "O Brien",          "Jessica",
  };
  return *names;
}

const std::vector<std::string>& AccentedNames() {
  static const auto* names = new std::vector<std::string>{
      "Siobh\xC3\xA1n \xC3\x93 Briain",  // Siobhán Ó Briain
      "Zo\xC3\xAB M\xC3\xBCller",         // Zoë Müller
      "\xC5\x81ukasz Wr\xC3\xB3" "bel",   // Łukasz Wróbel
      "G\xC3\xB6\xC3\x9F" "mann",         // Gößmann
      "Nguy\xE1\xBB\x85n V\xC4\x83n",     // Nguyễn Văn
      "Fran\xC3\xA7ois Ren\xC3\xA9",      // François René
      "Se\xC3\xA1n Mac Giolla",           // Seán Mac Giolla
      "S\xC3\xB8ren \xC3\x86" "bel\xC3\xB8",  // Søren Æbelø
  };
  return *names;
}

const std::vector<std::string>& Surnames() {
  static const auto* names = new std::vector<std::string>{
      "SMITH",    "JONES",   "WILLIAMS",  "TAYLOR",  "BROWN",    "DAVIES",   "EVANS",
      "WILSON",   "THOMAS",  "JOHNSON",   "ROBERTS", "ROBINSON", "THOMPSON", "WRIGHT",
      "WALKER",   "WHITE",   "EDWARDS",   "HUGHES",  "GREEN",    "HALL",     "LEWIS",
      "HARRIS",   "CLARKE",  "PATEL",     "JACKSON", "WOOD",     "TURNER",   "MARTIN",
      "COOPER",   "HILL",    "WARD",      "MORRIS",  "MOORE",    "CLARK",    "LEE",
      "KING",     "BAKER",   "HARRISON",  "MORGAN",  "ALLEN",    "JAMES",    "SCOTT",
      "PHILLIPS", "WATSON",  "DAVIS",     "PARKER",  "PRICE",    "BENNETT",  "YOUNG",
      "GRIFFITHS", "MITCHELL", "KELLY",   "COOK",    "CARTER",   "RICHARDSON", "BAILEY",
      "COLLINS",  "BELL",    "SHAW",      "MURPHY",  "MILLER",   "COX",      "RICHARDS",
      "KHAN",     "MCDONALD", "OBRIEN",   "SCHMIDT", "GALLAGHER", "MCLAUGHLIN", "NGUYEN",
  };
  return *names;
}

void RunNormalise(benchmark::State& state, const std::vector<std::string>& names) {
  size_t i = 0;
  for (auto _ : state) {
    std::string n = NormaliseName(names[i]);
    benchmark::DoNotOptimize(n);
    if (++i == names.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_NormaliseAscii(benchmark::State& state) { RunNormalise(state, AsciiNames()); }
BENCHMARK(BM_NormaliseAscii);

void BM_NormaliseAccented(benchmark::State& state) { RunNormalise(state, AccentedNames()); }
BENCHMARK(BM_NormaliseAccented);

void BM_DoubleMetaphone(benchmark::State& state) {
  const auto& names = Surnames();
  size_t i = 0;
  for (auto _ : state) {
    MetaphoneCodes c = DoubleMetaphone(names[i]);
    benchmark::DoNotOptimize(c);
    if (++i == names.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DoubleMetaphone);

void BM_NicknameGroupsOf(benchmark::State& state) {
  const NicknameTable& table = NicknameTable::Default();
  const std::vector<std::string> names = {"WILLIAM", "BILL", "PEGGY", "SMITH", "KAZ",
                                          "ROBERT",  "JOHN", "XYZZY", "ELIZABETH", "MO"};
  size_t i = 0;
  for (auto _ : state) {
    const std::vector<uint32_t>& g = table.GroupsOf(names[i]);
    benchmark::DoNotOptimize(g.data());
    if (++i == names.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NicknameGroupsOf);

void BM_AreNicknames(benchmark::State& state) {
  const NicknameTable& table = NicknameTable::Default();
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"BILL", "WILLIAM"}, {"PEGGY", "MARGARET"}, {"JOHN", "JAMES"}, {"XYZZY", "JOHN"}};
  size_t i = 0;
  for (auto _ : state) {
    bool r = table.AreNicknames(pairs[i].first, pairs[i].second);
    benchmark::DoNotOptimize(r);
    if (++i == pairs.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AreNicknames);

void BM_NicknameTableBuild(benchmark::State& state) {
  // One-off cost paid by the first call to NicknameTable::Default().
  for (auto _ : state) {
    NicknameTable t = NicknameTable::FromCsv(internal::kNicknamesCsv);
    benchmark::DoNotOptimize(t.size());
  }
}
BENCHMARK(BM_NicknameTableBuild)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace probity

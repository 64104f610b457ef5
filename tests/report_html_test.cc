// Tests of the HTML report: escaping, the model reader, a self-contained page
// with every section, and (when Debian's chromium is installed) that the page
// renders in headless Chromium with no script errors, plus a screenshot.
#include "engine/report_html.h"

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "engine/csv_reader.h"
#include "engine/fs_model.h"
#include "engine/settings.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"
#include "tools/synth.h"

namespace probity {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kChromium = "/usr/bin/chromium";

TEST(HtmlEscapeTest, EscapesMarkup) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("O'NEILL"), "O&#39;NEILL");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(ParseModelJsonTest, ReadsLevels) {
  const char* json = R"({"lambda": 0.0001, "comparisons": [
      {"name": "surname", "levels": [
         {"level": "exact", "m": 0.9, "u": 0.001, "tf_adjusted": true},
         {"level": "else", "m": 0.1, "u": 0.999}]},
      {"name": "dob", "levels": [{"level": "exact", "m": 0.8, "u": 0.0001}]}]})";
  absl::StatusOr<ModelSummary> m = ParseModelJson(json);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_DOUBLE_EQ(m->lambda, 0.0001);
  ASSERT_EQ(m->levels.size(), 3u);
  EXPECT_EQ(m->levels[0].comparison, "surname");
  EXPECT_EQ(m->levels[0].level, "exact");
  EXPECT_TRUE(m->levels[0].tf_adjusted);
  EXPECT_NEAR(m->levels[0].weight, std::log2(900.0), 1e-12);
  EXPECT_LT(m->levels[1].weight, 0);
  EXPECT_EQ(m->levels[2].comparison, "dob");

  EXPECT_FALSE(ParseModelJson("not json").ok());
  EXPECT_FALSE(ParseModelJson(R"({"comparisons": [{"name": "x", "levels": [{"m": "a"}]}]})").ok());
}

// A realistic analysis without running the linkage: synthetic data, with the
// true pairs scored high and random decoys scored low.
class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    SynthOptions synth;
    synth.people = 1500;
    synth.seed = 11;
    synth.out_dir = dir_->path();
    ASSERT_TRUE(GenerateSyntheticData(synth).ok());

    std::map<std::string, std::vector<std::string>> probation, police;
    std::vector<std::string> all_police;
    CsvOptions csv;
    auto reader = CsvReader::Open(dir_->File("truth.csv"), csv);
    ASSERT_TRUE(reader.ok());
    CsvRow row;
    while ((*reader)->Next(&row)) {
      const std::string id(row.fields[1]), person(row.fields[2]);
      if (row.fields[0] == "police") {
        police[person].push_back(id);
        all_police.push_back(id);
      } else {
        probation[person].push_back(id);
      }
    }
    std::string pairs = "source_l,id_l,source_r,id_r,match_weight,match_probability\n";
    uint64_t state = 12345;
    auto next = [&] {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (const auto& [person, crns] : probation) {
      for (const std::string& crn : crns) {
        for (const std::string& pnc : police[person]) {
          const double p = next() < 0.03 ? 0.2 + 0.3 * next() : 0.9 + 0.0999 * next();
          pairs += fmt::format("probation,{},police,{},{:.4f},{:.6f}\n", crn, pnc,
                               ProbabilityToWeight(p), p);
        }
        const std::string& decoy = all_police[static_cast<size_t>(next() * all_police.size())];
        const double q = next() < 0.05 ? 0.5 + 0.3 * next() : 0.01 + 0.3 * next();
        pairs += fmt::format("probation,{},police,{},{:.4f},{:.6f}\n", crn, decoy,
                             ProbabilityToWeight(q), q);
      }
    }
    WriteFile(dir_->File("pairs.csv"), pairs);

    absl::StatusOr<Settings> settings = Settings::Load(dir_->File("settings.json"));
    ASSERT_TRUE(settings.ok()) << settings.status();
    absl::StatusOr<OutcomeSettings> os = ParseOutcomeSettings(*settings);
    ASSERT_TRUE(os.ok()) << os.status();
    OutcomeOptions options;
    options.settings = *os;
    options.pairs_path = dir_->File("pairs.csv");
    options.link_truth_path = dir_->File("truth.csv");
    options.outcome_truth_path = dir_->File("outcomes_truth.json");
    absl::StatusOr<OutcomeAnalysis> analysis = AnalyseOutcomes(options);
    ASSERT_TRUE(analysis.ok()) << analysis.status();
    analysis_ = new OutcomeAnalysis(*std::move(analysis));
  }

  static void TearDownTestSuite() {
    delete analysis_;
    delete dir_;
  }

  static ReportInput Input() {
    ReportInput input;
    input.analysis = analysis_;
    ModelSummary model;
    model.lambda = 1e-5;
    model.levels = {{"surname", "exact", 0.9, 0.001, std::log2(900.0), true},
                    {"surname", "else", 0.1, 0.999, std::log2(0.1 / 0.999), false},
                    {"dob", "exact", 0.85, 0.0002, std::log2(0.85 / 0.0002), false},
                    {"dob", "else", 0.15, 0.9998, std::log2(0.15 / 0.9998), false}};
    input.model = model;
    WaterfallExample ex;
    ex.pair = analysis_->examples.front();
    ex.explanation.prior_weight = -16.6;
    ex.explanation.steps = {{"surname", "exact", 0.9, 0.001, 11.2, 1.4, "O'BRIEN <X>", "O'BRIEN"},
                            {"dob", "else", 0.15, 0.9998, -2.7, 0, "1990-01-02", "1991-01-02"}};
    ex.explanation.total_weight = -16.6 + 11.2 - 2.7;
    ex.explanation.probability = WeightToProbability(ex.explanation.total_weight);
    input.waterfalls.push_back(ex);
    input.notes.push_back("<script>alert('note')</script>");
    return input;
  }

  static TempDir* dir_;
  static OutcomeAnalysis* analysis_;
};

TempDir* ReportTest::dir_ = nullptr;
OutcomeAnalysis* ReportTest::analysis_ = nullptr;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST_F(ReportTest, SelfContainedPageWithEverySection) {
  const std::string html = RenderReportHtml(Input());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<div id=\"script-errors\" class=\"errors\" hidden></div>"));
  EXPECT_THAT(html, HasSubstr("document.body.dataset.rendered="));
  for (const char* id : {"id=\"outcomes\"", "id=\"outcome-table\"", "id=\"rates\"",
                         "id=\"sensitivity\"", "id=\"linkage-table\"", "id=\"diagnostics\"",
                         "id=\"inputs\""}) {
    EXPECT_THAT(html, HasSubstr(id));
  }
  // Charts: two rate charts, two sensitivity charts, histogram, m/u, one
  // waterfall, precision-recall.
  EXPECT_EQ(Count(html, "<svg "), 8u);
  EXPECT_THAT(html, HasSubstr("Scored pairs by match weight"));
  EXPECT_THAT(html, HasSubstr("m: P(level | match)"));
  EXPECT_THAT(html, HasSubstr("Waterfall of match weight for strongest link"));
  EXPECT_THAT(html, HasSubstr("Pairwise precision and recall against the link truth"));
  EXPECT_THAT(html, HasSubstr("Planted truth"));
  EXPECT_THAT(html, HasSubstr("both sufficient"));
  EXPECT_THAT(html, HasSubstr("(b) probability-weighted"));
  EXPECT_THAT(html, HasSubstr("true_links"));

  // Nothing fetched from anywhere: no links, sources, imports or URLs other
  // than the SVG namespace name.
  for (const char* banned : {"<link", " src=", "@import", "url(", "<iframe", "<img"}) {
    EXPECT_THAT(html, Not(HasSubstr(banned))) << banned;
  }
  EXPECT_EQ(Count(html, "http"), Count(html, "http://www.w3.org/2000/svg"));
  EXPECT_THAT(html, Not(HasSubstr("https")));

  // Data is escaped.
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("O&#39;BRIEN &lt;X&gt;"));
  EXPECT_EQ(Count(html, "<script>"), 2u);  // the error hook and the rendered marker
}

TEST_F(ReportTest, SectionsExplainWhatIsMissing) {
  ReportInput input;
  input.analysis = analysis_;
  const std::string html = RenderReportHtml(input);
  EXPECT_THAT(html, HasSubstr("No model given"));
  EXPECT_THAT(html, HasSubstr("Waterfalls need the linkage store"));
  EXPECT_EQ(Count(html, "<svg "), 6u);
}

struct Rendered {
  int exit_code = -1;
  std::string dom;
  std::string marker;  // value of data-rendered, "" if absent
  std::string errors;  // text of #script-errors
};

// Loads `html_path` in headless Chromium and reads back the DOM.
Rendered RenderInChromium(const std::string& html_path, const std::string& profile) {
  const std::string command =
      std::string("timeout 120 ") + kChromium +
      " --headless --no-sandbox --disable-gpu --disable-background-networking"
      " --disable-component-update --disable-sync --no-first-run --user-data-dir=" + profile +
      " --dump-dom file://" + html_path;
  const testing::CommandResult r = RunCommand(command);
  Rendered out;
  out.exit_code = r.exit_code;
  out.dom = r.out;
  std::smatch m;
  if (std::regex_search(out.dom, m, std::regex("<body[^>]*data-rendered=\"([a-z]*)\""))) out.marker = m[1];
  if (std::regex_search(out.dom, m, std::regex("id=\"script-errors\"[^>]*>([^<]*)<"))) out.errors = m[1];
  return out;
}

TEST_F(ReportTest, RendersInHeadlessChromiumWithoutScriptErrors) {
  struct stat st;
  if (::stat(kChromium, &st) != 0) {
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium; scripts/test.sh does it)";
  }
  TempDir tmp;
  const std::string page = tmp.File("report.html");
  WriteFile(page, RenderReportHtml(Input()));

  const Rendered ok = RenderInChromium(page, tmp.File("profile1"));
  ASSERT_EQ(ok.exit_code, 0);
  EXPECT_THAT(ok.dom, HasSubstr("id=\"outcome-table\""));
  EXPECT_EQ(ok.marker, "ok");
  EXPECT_EQ(ok.errors, "");

  // The check catches errors: the same page with a broken script.
  std::string broken = ReadFile(page);
  broken.insert(broken.rfind("</body>"), "<script>window.noSuchFunction();</script>");
  const std::string broken_page = tmp.File("broken.html");
  WriteFile(broken_page, broken);
  const Rendered bad = RenderInChromium(broken_page, tmp.File("profile2"));
  ASSERT_EQ(bad.exit_code, 0);
  EXPECT_EQ(bad.marker, "errors");
  EXPECT_THAT(bad.errors, HasSubstr("noSuchFunction"));

  // A screenshot.
  const std::string png = tmp.File("report.png");
  const testing::CommandResult shot = RunCommand(
      std::string("timeout 120 ") + kChromium +
      " --headless --no-sandbox --disable-gpu --disable-background-networking"
      " --disable-component-update --disable-sync --no-first-run --hide-scrollbars --user-data-dir=" +
      tmp.File("profile3") + " --screenshot=" + png + " --window-size=1200,1800 file://" + page);
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  const std::string image = ReadFile(png);
  ASSERT_GT(image.size(), 10000u);
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

}  // namespace
}  // namespace probity

// Tests of the Fellegi-Sunter model: weights, probabilities, the term-frequency
// adjustment and the model.json round trip.
#include "engine/fs_model.h"

#include <cmath>
#include <string>
#include <vector>

#include "engine/comparison.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace probity {
namespace {

ComparisonSpec Spec(const std::string& name, FieldKind field, ComparisonKind kind) {
  ComparisonSpec spec;
  spec.name = name;
  spec.field = field;
  spec.kind = kind;
  DescribeLevels(&spec);
  return spec;
}

std::vector<ComparisonSpec> Specs() {
  return {Spec("forename", FieldKind::kForename, ComparisonKind::kForename),
          Spec("sex", FieldKind::kSex, ComparisonKind::kSex)};
}

// forename: 8 levels + null; sex: agree/else + null.
FsModel MakeModel() {
  FsModel model;
  model.lambda = 0.001;
  for (const ComparisonSpec& spec : Specs()) {
    ComparisonModel cm;
    cm.spec = spec;
    cm.levels.resize(spec.levels());
    model.comparisons.push_back(cm);
  }
  // forename
  std::vector<LevelParameters>& f = model.comparisons[0].levels;
  f[1] = {0.80, 0.01};   // exact: log2(80)
  f[2] = {0.05, 0.005};  // jw>=0.92: log2(10)
  f[3] = {0.04, 0.001};  // nickname: log2(40)
  f[4] = {0.02, 0.004};
  f[5] = {0.02, 0.001};
  f[6] = {0.02, 0.01};
  f[7] = {0.02, 0.02};
  f[8] = {0.03, 0.949};  // else
  model.comparisons[0].tf_u_exact = 0.01;
  model.comparisons[0].tf_total = 10000;
  // sex
  model.comparisons[1].levels[1] = {0.98, 0.5};
  model.comparisons[1].levels[2] = {0.02, 0.5};
  return model;
}

Gamma MakeGamma(uint8_t forename, uint8_t sex, uint32_t tf = 0) {
  Gamma g;
  g.level[0] = forename;
  g.level[1] = sex;
  g.tf_count[0] = tf;
  return g;
}

TEST(FsModelTest, PriorWeight) {
  FsModel model = MakeModel();
  EXPECT_NEAR(model.PriorWeight(), std::log2(0.001 / 0.999), 1e-12);
  model.lambda = 0.5;
  EXPECT_NEAR(model.PriorWeight(), 0.0, 1e-12);
}

TEST(FsModelTest, WeightIsPriorPlusLogRatios) {
  const FsModel model = MakeModel();
  const double prior = std::log2(0.001 / 0.999);
  EXPECT_NEAR(model.Weight(MakeGamma(1, 1)), prior + std::log2(80.0) + std::log2(0.98 / 0.5),
              1e-9);
  EXPECT_NEAR(model.Weight(MakeGamma(3, 2)), prior + std::log2(40.0) + std::log2(0.02 / 0.5),
              1e-9);
  EXPECT_NEAR(model.Weight(MakeGamma(8, 1)), prior + std::log2(0.03 / 0.949) + std::log2(1.96),
              1e-9);
  EXPECT_NEAR(model.LevelWeight(0, 2, 0), std::log2(10.0), 1e-12);
}

TEST(FsModelTest, NullAddsNothing) {
  const FsModel model = MakeModel();
  EXPECT_EQ(model.LevelWeight(0, 0, 0), 0.0);
  EXPECT_EQ(model.LevelWeight(0, 0, 5), 0.0);  // no TF adjustment on null either
  EXPECT_NEAR(model.Weight(MakeGamma(0, 0)), model.PriorWeight(), 1e-12);
  EXPECT_NEAR(model.Weight(MakeGamma(0, 1)), model.PriorWeight() + std::log2(1.96), 1e-12);
}

TEST(FsModelTest, ProbabilityConversion) {
  EXPECT_DOUBLE_EQ(WeightToProbability(0), 0.5);
  EXPECT_NEAR(WeightToProbability(1), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(WeightToProbability(-1), 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(WeightToProbability(10), 1024.0 / 1025.0, 1e-12);
  EXPECT_NEAR(ProbabilityToWeight(0.8), 2.0, 1e-12);
  EXPECT_NEAR(ProbabilityToWeight(0.2), -2.0, 1e-12);
  for (double w : {-30.0, -7.5, -0.25, 0.0, 3.0, 21.0}) {
    EXPECT_NEAR(ProbabilityToWeight(WeightToProbability(w)), w, 1e-6) << w;
  }
  // Extremes stay finite.
  EXPECT_TRUE(std::isfinite(ProbabilityToWeight(0.0)));
  EXPECT_TRUE(std::isfinite(ProbabilityToWeight(1.0)));
  EXPECT_LT(ProbabilityToWeight(0.0), -40);
  EXPECT_GT(ProbabilityToWeight(1.0), 40);
  EXPECT_GE(WeightToProbability(-2000), 0.0);
  EXPECT_LE(WeightToProbability(2000), 1.0);
}

TEST(FsModelTest, TfAdjustmentSignAndSize) {
  const FsModel model = MakeModel();
  // Frequencies over 10000 values; the average exact-agreement u is 0.01.
  // A value seen 10 times (0.001): log2(0.01 / 0.001) = +3.32 bits.
  EXPECT_NEAR(model.TfAdjustment(0, 1, 10), std::log2(10.0), 1e-9);
  // A value seen 1000 times (0.1): -3.32 bits.
  EXPECT_NEAR(model.TfAdjustment(0, 1, 1000), -std::log2(10.0), 1e-9);
  // At the average frequency: no change.
  EXPECT_NEAR(model.TfAdjustment(0, 1, 100), 0.0, 1e-9);
  const double rare = model.LevelWeight(0, 1, 10);
  const double common = model.LevelWeight(0, 1, 1000);
  EXPECT_GT(rare, model.LevelWeight(0, 1, 0));
  EXPECT_LT(common, model.LevelWeight(0, 1, 0));
  EXPECT_NEAR(rare - common, 2 * std::log2(10.0), 1e-9);
  EXPECT_NEAR(model.Weight(MakeGamma(1, 0, 10)), model.PriorWeight() + std::log2(80.0 * 10), 1e-9);
  // Levels without TF adjustment (nickname) and TF count 0 are not adjusted.
  ASSERT_FALSE(model.comparisons[0].spec.tf_adjusted[3]);
  EXPECT_EQ(model.TfAdjustment(0, 3, 10), 0.0);
  EXPECT_EQ(model.TfAdjustment(0, 1, 0), 0.0);
  // Nor comparisons without frequencies.
  EXPECT_EQ(model.TfAdjustment(1, 1, 10), 0.0);
}

TEST(FsModelTest, TfAdjustmentIsClamped) {
  FsModel model = MakeModel();
  model.comparisons[0].tf_total = 100'000'000;
  // Frequency 1e-8 against 0.01: log2(1e6) = 19.9 bits, clamped.
  EXPECT_DOUBLE_EQ(model.TfAdjustment(0, 1, 1), kMaxTfAdjustment);
  EXPECT_NEAR(model.LevelWeight(0, 1, 1), std::log2(80.0) + kMaxTfAdjustment, 1e-9);
  // A value that is nearly everything: clamped the other way.
  model.comparisons[0].tf_u_exact = 1e-6;
  EXPECT_DOUBLE_EQ(model.TfAdjustment(0, 1, 90'000'000), -kMaxTfAdjustment);
}

TEST(FsModelTest, JsonRoundTrip) {
  FsModel model = MakeModel();
  model.em_iterations = 17;
  model.em_converged = true;
  model.warnings = {"a warning"};
  const std::string json = model.ToJson();

  const nlohmann::json parsed = nlohmann::json::parse(json);
  EXPECT_DOUBLE_EQ(parsed["lambda"].get<double>(), 0.001);
  ASSERT_EQ(parsed["comparisons"].size(), 2u);
  EXPECT_EQ(parsed["comparisons"][0]["name"], "forename");
  ASSERT_EQ(parsed["comparisons"][0]["levels"].size(), 8u);  // null is not listed
  EXPECT_EQ(parsed["comparisons"][0]["levels"][0]["level"], "exact");
  EXPECT_DOUBLE_EQ(parsed["comparisons"][0]["levels"][0]["m"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(parsed["comparisons"][0]["levels"][0]["u"].get<double>(), 0.01);
  EXPECT_NEAR(parsed["comparisons"][0]["levels"][0]["match_weight"].get<double>(),
              std::log2(80.0), 1e-9);
  EXPECT_EQ(parsed["comparisons"][1]["levels"][1]["level"], "else");

  absl::StatusOr<FsModel> back = FsModel::FromJson(json, Specs());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->lambda, model.lambda);
  EXPECT_EQ(back->em_iterations, 17);
  EXPECT_TRUE(back->em_converged);
  ASSERT_EQ(back->comparisons.size(), model.comparisons.size());
  for (size_t c = 0; c < model.comparisons.size(); ++c) {
    const ComparisonModel& x = model.comparisons[c];
    const ComparisonModel& y = back->comparisons[c];
    EXPECT_EQ(y.spec.name, x.spec.name);
    EXPECT_EQ(y.spec.level_names, x.spec.level_names);
    EXPECT_EQ(y.tf_u_exact, x.tf_u_exact);
    EXPECT_EQ(y.tf_total, x.tf_total);
    ASSERT_EQ(y.levels.size(), x.levels.size());
    for (size_t l = 1; l < x.levels.size(); ++l) {
      EXPECT_EQ(y.levels[l].m, x.levels[l].m) << c << " " << l;
      EXPECT_EQ(y.levels[l].u, x.levels[l].u) << c << " " << l;
    }
  }
  // Same scores after the round trip, TF adjustment included.
  for (const Gamma& g : {MakeGamma(1, 1, 10), MakeGamma(2, 2), MakeGamma(0, 1), MakeGamma(8, 0)}) {
    EXPECT_EQ(back->Weight(g), model.Weight(g));
  }
}

TEST(FsModelTest, FromJsonFindsComparisonsByName) {
  // Restoring for a different order of comparisons follows the names.
  const std::string json = MakeModel().ToJson();
  std::vector<ComparisonSpec> reversed = Specs();
  std::swap(reversed[0], reversed[1]);
  absl::StatusOr<FsModel> back = FsModel::FromJson(json, reversed);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->comparisons[0].spec.name, "sex");
  EXPECT_EQ(back->comparisons[0].levels[1].m, 0.98);
  EXPECT_EQ(back->comparisons[1].levels[1].m, 0.8);
}

std::string FromJsonError(const std::string& json) {
  absl::StatusOr<FsModel> model = FsModel::FromJson(json, Specs());
  EXPECT_FALSE(model.ok()) << json;
  return model.ok() ? "" : std::string(model.status().message());
}

TEST(FsModelTest, FromJsonErrors) {
  EXPECT_NE(FromJsonError("not json").find("expected an object"), std::string::npos);
  EXPECT_NE(FromJsonError("[1, 2]").find("expected an object"), std::string::npos);
  EXPECT_NE(FromJsonError(R"({"comparisons": []})").find("\"lambda\""), std::string::npos);
  EXPECT_NE(FromJsonError(R"({"lambda": "x", "comparisons": []})").find("\"lambda\""),
            std::string::npos);

  nlohmann::json good = nlohmann::json::parse(MakeModel().ToJson());
  auto with = [&](auto&& edit) {
    nlohmann::json j = good;
    edit(j);
    return FromJsonError(j.dump());
  };
  EXPECT_NE(with([](nlohmann::json& j) { j["lambda"] = 0.0; }).find("lambda must be between"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) { j["lambda"] = 1.0; }).find("lambda must be between"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) { j["comparisons"].erase(1); })
                .find("no parameters for comparison \"sex\""),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) { j["comparisons"][0]["levels"].erase(7); })
                .find("comparison \"forename\" needs 8 levels"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) { j["comparisons"][1]["levels"][0].erase("u"); })
                .find("comparison \"sex\" level 1 needs numbers m and u"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) { j["comparisons"][1]["levels"][1]["m"] = "high"; })
                .find("comparison \"sex\" level 2 needs numbers m and u"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) { j["comparisons"][0]["levels"][2]["m"] = 0.0; })
                .find("level 3: m and u must be in (0, 1]"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) { j["comparisons"][0]["levels"][2]["u"] = 1.5; })
                .find("level 3: m and u must be in (0, 1]"),
            std::string::npos);
  // Every message says it is about the model.
  EXPECT_EQ(FromJsonError("{}").rfind("model: ", 0), 0u);
}

// A model must match the comparisons by level names, not only their count: a
// model trained with jaro_winkler thresholds [0.9, 0.8] is refused for a
// comparison with thresholds [0.95, 0.7], or m and u would land on the wrong
// levels.
TEST(FsModelTest, FromJsonRefusesDifferentLevels) {
  ComparisonSpec trained;
  trained.name = "surname";
  trained.field = FieldKind::kSurname;
  trained.kind = ComparisonKind::kGeneric;
  trained.comparator = Comparator::kJaroWinkler;
  trained.thresholds = {0.9, 0.8};
  DescribeLevels(&trained);
  FsModel model;
  model.lambda = 0.01;
  ComparisonModel cm;
  cm.spec = trained;
  cm.levels.resize(trained.levels());
  model.comparisons.push_back(cm);
  ComparisonSpec other = trained;
  other.thresholds = {0.95, 0.7};
  DescribeLevels(&other);
  ASSERT_EQ(other.levels(), trained.levels());
  absl::StatusOr<FsModel> back = FsModel::FromJson(model.ToJson(), {other});
  EXPECT_FALSE(back.ok());
}

}  // namespace
}  // namespace probity

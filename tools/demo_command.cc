// probity demo: the whole pipeline on generated probation and police data with
// known truth, so a new user sees what probity does in one command.
#include <chrono>
#include <cstdio>

#include "engine/evaluation.h"
#include "fmt/format.h"
#include "tools/commands.h"
#include "tools/linkage_steps.h"
#include "tools/synth.h"

namespace probity {

int RunDemoCommand(const DemoArgs& args) {
  const std::optional<Difficulty> difficulty = ParseDifficulty(args.difficulty);
  if (!difficulty.has_value()) {
    return ReportFailure(absl::InvalidArgumentError(
        fmt::format("--difficulty {}: expected easy, normal or hard", args.difficulty)));
  }
  const std::string data_dir = args.dir + "/data";
  const std::string out_dir = args.dir + "/out";
  if (absl::Status s = MakePrivateDir(args.dir); !s.ok()) return ReportFailure(s);

  std::printf("probity demo: %llu people on probation, %s difficulty, seed %llu\n\n",
              static_cast<unsigned long long>(args.people), std::string(DifficultyName(*difficulty)).c_str(),
              static_cast<unsigned long long>(args.seed));
  const auto start = std::chrono::steady_clock::now();
  SynthOptions synth;
  synth.people = args.people;
  synth.seed = args.seed;
  synth.out_dir = data_dir;
  synth.difficulty = *difficulty;
  absl::StatusOr<SynthSummary> generated = GenerateSyntheticData(synth);
  if (!generated.ok()) return ReportFailure(generated.status());
  const double synth_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("generated   %llu probation rows, %llu police rows (with aliases), truth in %s/truth.csv (%.2f s)\n",
              static_cast<unsigned long long>(generated->probation_rows),
              static_cast<unsigned long long>(generated->police_rows), data_dir.c_str(), synth_seconds);

  RunArgs run;
  run.settings = data_dir + "/settings.json";
  run.inputs = {"probation=" + data_dir + "/probation.csv", "police=" + data_dir + "/police.csv"};
  run.out_dir = out_dir;
  run.seed = args.seed;
  run.quiet = true;
  absl::StatusOr<RunOutcome> outcome = RunLinkage(run);
  if (!outcome.ok()) return ReportFailure(outcome.status());
  std::fputs(outcome->summary_text.c_str(), stdout);

  EvalOptions eval_options;
  eval_options.threshold = outcome->summary["threshold"].get<double>();
  absl::StatusOr<EvalReport> eval =
      EvaluatePairs(out_dir + "/pairs.csv", data_dir + "/truth.csv", eval_options);
  if (!eval.ok()) return ReportFailure(eval.status());
  const EvalPoint& at = eval->at_threshold;
  std::printf("\naccuracy against the planted truth (pairs at probability >= %.2f):\n",
              eval_options.threshold);
  std::printf("  precision %.4f   recall %.4f   F1 %.4f   (%llu true links found, %llu false, %llu missed)\n",
              at.precision, at.recall, at.f1, static_cast<unsigned long long>(at.true_positives),
              static_cast<unsigned long long>(at.false_positives),
              static_cast<unsigned long long>(at.false_negatives));

  std::printf("\nnext: probity eval --pairs %s/pairs.csv --truth %s/truth.csv\n", out_dir.c_str(),
              data_dir.c_str());
  std::printf("      probity explain --db %s/store --left probation:ID --right police:ID\n",
              out_dir.c_str());

  // What the linkage is for: outcomes by supervision quality, against the planted truth.
  std::printf("\nwhat happened after supervision, by its quality (against the planted truth):\n");
  std::fflush(stdout);
  OutcomesArgs outcomes;
  outcomes.settings = data_dir + "/settings.json";
  outcomes.pairs = out_dir + "/pairs.csv";
  outcomes.clusters = out_dir + "/clusters.csv";
  outcomes.out_dir = out_dir;
  outcomes.truth = data_dir + "/outcomes_truth.json";
  outcomes.link_truth = data_dir + "/truth.csv";
  outcomes.db = out_dir + "/store";
  outcomes.naive = true;
  if (const int rc = RunOutcomesCommand(outcomes); rc != 0) return rc;
  return 0;
}

}  // namespace probity

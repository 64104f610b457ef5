// probity: the command-line entry point. Parses arguments (CLI11 lives in this
// file alone: it is slow to compile) and dispatches to tools/*_command.cc.
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "engine/version.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  // Everything probity writes (store files, outputs, logs) holds or derives
  // from personal data: private to the user, whatever the shell's umask.
  ::umask(077);
  CLI::App app{"probity: record linkage for probation and police data"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(probity::Version()));
  int exit_code = 0;

  probity::IngestArgs ingest;
  CLI::App* ingest_cmd = app.add_subcommand("ingest", "Read CSV extracts into a store");
  ingest_cmd->add_option("--db", ingest.db, "Store directory (created if missing)")->required();
  ingest_cmd->add_option("--settings", ingest.settings, "Settings JSON file")->required();
  ingest_cmd->add_option("--input", ingest.inputs, "NAME=FILE.csv, NAME a source of the settings")
      ->required();
  ingest_cmd->add_option("--rejects", ingest.rejects, "Where to write rejected rows")
      ->capture_default_str();
  ingest_cmd
      ->add_option("--memory", ingest.memory_mib,
                   "MiB for records waiting to be written; a load that fits in 4/5 of it is "
                   "written with nothing to compact")
      ->capture_default_str();
  ingest_cmd->callback([&] { exit_code = probity::RunIngestCommand(ingest); });

  std::string stats_db;
  CLI::App* stats_cmd = app.add_subcommand("stats", "Describe what a store holds");
  stats_cmd->add_option("--db", stats_db, "Store directory")->required();
  stats_cmd->callback([&] { exit_code = probity::RunStatsCommand(stats_db); });

  probity::ExportArgs export_args;
  CLI::App* export_cmd = app.add_subcommand("export", "Write a source's normalised records as CSV");
  export_cmd->add_option("--db", export_args.db, "Store directory")->required();
  export_cmd->add_option("--source", export_args.source, "Source name")->required();
  export_cmd->add_option("--out", export_args.out, "Output CSV file (default: stdout)");
  export_cmd->callback([&] { exit_code = probity::RunExportCommand(export_args); });

  probity::RunArgs run;
  CLI::App* run_cmd = app.add_subcommand(
      "run", "Ingest, train, link and cluster in one go; write pairs, clusters, model, summary");
  run_cmd->add_option("--settings", run.settings, "Settings JSON file")->required();
  run_cmd->add_option("--input", run.inputs, "NAME=FILE.csv, NAME a source of the settings")
      ->required();
  run_cmd->add_option("--out-dir", run.out_dir, "Folder for the outputs")->required();
  run_cmd->add_option("--db", run.db, "Keep the store here (default: OUT/store, rebuilt each run)");
  run_cmd->add_option("--threshold", run.threshold, "Match probability for links (default: settings)")
      ->check(CLI::Range(0.0, 1.0));
  run_cmd->add_flag("--one-to-one", run.one_to_one, "link_only: at most one link per record");
  run_cmd->add_option("--seed", run.seed, "Seed for the random pairs that estimate u")
      ->capture_default_str();
  run_cmd->add_option("--u-pairs", run.u_pairs, "Random pairs sampled to estimate u")
      ->capture_default_str();
  run_cmd->add_option("--threads", run.threads, "Threads (default: one per core)");
  run_cmd->add_option("--floor", run.floor, "Lowest match probability written to pairs.csv")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  run_cmd->add_flag("--verbose", run.verbose, "Print the training log (EM iterations)");
  run_cmd->add_option("--pseudonym-key", run.pseudonym_key,
                      "Key file: write pseudonymised ids (HMAC-SHA256) in pairs.csv and clusters.csv");
  run_cmd->callback([&] { exit_code = probity::RunRunCommand(run); });

  probity::StoreJobArgs job;
  CLI::App* train_cmd = app.add_subcommand("train", "Train the model over an ingested store");
  train_cmd->add_option("--db", job.db, "Store directory")->required();
  train_cmd->add_option("--model-out", job.model, "Also write the model (model.json) here");
  train_cmd->add_option("--labels", job.labels,
                        "Learn m from known matches (CSV: source,record_id,person_id) instead of EM");
  train_cmd->add_option("--seed", job.seed, "Seed for the random pairs")->capture_default_str();
  train_cmd->add_option("--u-pairs", job.u_pairs, "Random pairs sampled to estimate u")
      ->capture_default_str();
  train_cmd->add_option("--threads", job.threads, "Threads (default: one per core)");
  train_cmd->callback([&] { exit_code = probity::RunTrainCommand(job); });

  CLI::App* link_cmd = app.add_subcommand("link", "Score candidate pairs with the trained model");
  link_cmd->add_option("--db", job.db, "Store directory")->required();
  link_cmd->add_option("--out-dir", job.out_dir, "Folder for pairs.csv")->required();
  link_cmd->add_option("--model", job.model, "Use this model.json instead of the stored model");
  link_cmd->add_option("--floor", job.floor, "Lowest match probability written")
      ->capture_default_str();
  link_cmd->add_option("--threads", job.threads, "Threads (default: one per core)");
  link_cmd->callback([&] { exit_code = probity::RunLinkCommand(job); });

  CLI::App* cluster_cmd = app.add_subcommand("cluster", "Cluster scored pairs into people");
  cluster_cmd->add_option("--db", job.db, "Store directory")->required();
  cluster_cmd->add_option("--out-dir", job.out_dir, "Folder for clusters.csv")->required();
  cluster_cmd->add_option("--pairs", job.pairs, "pairs.csv to read (default: OUT/pairs.csv)");
  cluster_cmd->add_option("--threshold", job.threshold, "Match probability for links")
      ->check(CLI::Range(0.0, 1.0));
  cluster_cmd->add_flag("--one-to-one", job.one_to_one, "link_only: at most one link per record");
  cluster_cmd->add_option("--pseudonym-key", job.pseudonym_key,
                          "Key file: write pseudonymised ids (HMAC-SHA256) in clusters.csv");
  cluster_cmd->callback([&] { exit_code = probity::RunClusterCommand(job); });

  probity::ExplainArgs explain;
  CLI::App* explain_cmd =
      app.add_subcommand("explain", "Show, comparison by comparison, why two records scored as they did");
  explain_cmd->add_option("--db", explain.db, "Store directory")->required();
  explain_cmd->add_option("--left", explain.left, "SOURCE:ID")->required();
  explain_cmd->add_option("--right", explain.right, "SOURCE:ID")->required();
  explain_cmd->callback([&] { exit_code = probity::RunExplainCommand(explain); });

  probity::MatchArgs match;
  CLI::App* match_cmd = app.add_subcommand(
      "match", "Rank the stored records against one record given as JSON, with explanations");
  match_cmd->add_option("--db", match.db, "Store directory (with a trained model)")->required();
  match_cmd->add_option("--record", match.record,
                        "JSON record, e.g. {\"surname\": \"Penbridge\", \"dob\": \"1990-08-07\"}; "
                        "\"source\" defaults to the settings' first source")
      ->required();
  match_cmd->add_option("--k", match.k, "Candidates to list")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<size_t>(1), static_cast<size_t>(100000)));
  match_cmd->add_flag("--json", match.json, "Print one JSON object instead of text");
  match_cmd->callback([&] { exit_code = probity::RunMatchCommand(match); });

  probity::SynthArgs synth;
  CLI::App* synth_cmd = app.add_subcommand(
      "synth", "Generate realistic probation and police extracts with ground truth");
  synth_cmd->add_option("--people", synth.people, "People on probation")->capture_default_str();
  synth_cmd->add_option("--seed", synth.seed, "Random seed")->capture_default_str();
  synth_cmd->add_option("--out-dir", synth.out_dir, "Folder for the files")->required();
  synth_cmd->add_option("--difficulty", synth.difficulty, "easy, normal or hard")
      ->check(CLI::IsMember({"easy", "normal", "hard"}))
      ->capture_default_str();
  synth_cmd->callback([&] { exit_code = probity::RunSynthCommand(synth); });

  probity::DemoArgs demo;
  CLI::App* demo_cmd =
      app.add_subcommand("demo", "Generate sample probation and police data and run probity on it");
  demo_cmd->add_option("--dir", demo.dir, "Folder for the demo's data, store and outputs")
      ->capture_default_str();
  demo_cmd->add_option("--people", demo.people, "People to generate")->capture_default_str();
  demo_cmd->add_option("--seed", demo.seed, "Random seed")->capture_default_str();
  demo_cmd->add_option("--difficulty", demo.difficulty, "easy, normal or hard")
      ->check(CLI::IsMember({"easy", "normal", "hard"}))
      ->capture_default_str();
  demo_cmd->callback([&] { exit_code = probity::RunDemoCommand(demo); });

  probity::EvalArgs eval;
  CLI::App* eval_cmd =
      app.add_subcommand("eval", "Precision, recall and F1 of a pairs file against ground truth");
  eval_cmd->add_option("--pairs", eval.pairs, "Pairs CSV as written by probity run")->required();
  eval_cmd->add_option("--truth", eval.truth, "Truth CSV: source,record_id,person_id")->required();
  eval_cmd->add_option("--threshold", eval.threshold, "Probability from which a pair is a link")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  eval_cmd->add_option("--json", eval.json, "Also write the report as JSON to this file");
  eval_cmd->add_option("--db", eval.db, "Store of the run: explain each listed false and missed link");
  eval_cmd->add_option("--top", eval.top, "False and missed links to list")->capture_default_str();
  eval_cmd->add_option("--link-type", eval.link_type,
                       "Which pairs are true: link_only (cross-source only), dedupe_only or "
                       "link_and_dedupe (all); default: inferred")
      ->check(CLI::IsMember({"link_only", "dedupe_only", "link_and_dedupe"}));
  eval_cmd->callback([&] { exit_code = probity::RunEvalCommand(eval); });

  probity::OutcomesArgs outcomes;
  CLI::App* outcomes_cmd = app.add_subcommand(
      "outcomes", "Completion and proven reoffending by supervision quality over a linkage, "
                  "with its uncertainty; writes outcomes.json, outcomes.csv, report.html");
  outcomes_cmd->add_option("--settings", outcomes.settings, "Settings JSON with an \"outcomes\" section")
      ->required();
  outcomes_cmd->add_option("--pairs", outcomes.pairs, "pairs.csv written by probity run")->required();
  outcomes_cmd->add_option("--out-dir", outcomes.out_dir, "Folder for the outputs")->required();
  outcomes_cmd->add_option("--clusters", outcomes.clusters, "clusters.csv: also tabulate by cluster");
  outcomes_cmd->add_option("--threshold", outcomes.threshold,
                           "Match probability for links (default: settings)")
      ->check(CLI::Range(0.0, 1.0));
  outcomes_cmd->add_option("--truth", outcomes.truth, "outcomes_truth.json: bias against the planted truth");
  outcomes_cmd->add_option("--link-truth", outcomes.link_truth,
                           "truth.csv (source,record_id,person_id): precision/recall, true-link table");
  outcomes_cmd->add_option("--model", outcomes.model, "model.json (default: next to pairs.csv)");
  outcomes_cmd->add_option("--db", outcomes.db,
                           "Linkage store for waterfall charts and --naive (default: next to pairs.csv)");
  outcomes_cmd->add_option("--sentences", outcomes.sentences, "Sentences CSV (overrides the settings)");
  outcomes_cmd->add_option("--inspections", outcomes.inspections, "Inspections CSV (overrides the settings)");
  outcomes_cmd->add_option("--disposals", outcomes.disposals, "Disposals CSV (overrides the settings)");
  outcomes_cmd->add_flag("--naive", outcomes.naive,
                         "Also tabulate naive exact matching on surname + date of birth");
  outcomes_cmd->callback([&] { exit_code = probity::RunOutcomesCommand(outcomes); });

  std::string pseudonym_key, pseudonym_in, pseudonym_out, pseudonym_column, pseudonym_source,
      pseudonym_source_column;
  CLI::App* pseudonymise_cmd = app.add_subcommand(
      "pseudonymise", "Copy a CSV with its ids replaced by keyed-hash pseudonyms, for sharing");
  pseudonymise_cmd->add_option("--key", pseudonym_key, "Key file (at least 16 bytes)")->required();
  pseudonymise_cmd->add_option("--input", pseudonym_in, "CSV to copy")->required();
  pseudonymise_cmd->add_option("--out", pseudonym_out, "Where to write the copy")->required();
  pseudonymise_cmd->add_option("--column", pseudonym_column,
                               "Id column (default: the ids of a probity pairs.csv or clusters.csv)");
  pseudonymise_cmd->add_option("--source", pseudonym_source, "Source of the ids in --column");
  pseudonymise_cmd->add_option("--source-column", pseudonym_source_column,
                               "Column naming each row's source, for --column");
  pseudonymise_cmd->callback([&] {
    exit_code = probity::RunPseudonymiseCommand(pseudonym_key, pseudonym_in, pseudonym_out,
                                                pseudonym_column, pseudonym_source,
                                                pseudonym_source_column);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

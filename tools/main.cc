// probity: the command-line entry point. Parses arguments (CLI11 lives in this
// file alone: it is slow to compile) and dispatches to tools/*_command.cc.
#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "engine/version.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

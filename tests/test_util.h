// Helpers shared by the tests: temporary directories and files, running the CLI.
#ifndef PROBITY_TESTS_TEST_UTIL_H_
#define PROBITY_TESTS_TEST_UTIL_H_

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace probity::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& contents);
std::string ReadFile(const std::string& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs `args` (a shell command line, already quoted) through /bin/sh and
// captures stdout and stderr.
CommandResult RunCommand(const std::string& command_line);
// Runs the built probity binary with `args`.
CommandResult RunProbity(const std::string& args);

// The lines of `text`, without their line ends.
std::vector<std::string> Lines(const std::string& text);
// `s` split at every `sep` (empty fields kept).
std::vector<std::string> Split(const std::string& s, char sep);
// `s` in single quotes, for a shell command line.
std::string Quote(const std::string& s);
// A CLI failure as the contract wants it: non-zero exit and exactly one line
// on stderr, starting "probity: ".
::testing::AssertionResult OneLineError(const CommandResult& r);

// A probation record of a `probity synth` + `probity run` job that has exactly
// one link at probability >= 0.5, and that one sure (>= 0.999), with usable
// name, date of birth and postcode; found from the job's files.
struct SureLink {
  std::string crn;
  std::string forenames, surname, dob_iso, sex, pnc, postcode;  // as in probation.csv
  std::string police_id;
  double weight = 0;           // the batch match weight of the link
  std::string police_cluster;  // the police record's cluster in clusters.csv
};
// `out_dir` holds pairs.csv and clusters.csv, `data_dir` probation.csv. The
// crn is empty when there is no such record.
SureLink FindSureLink(const std::string& out_dir, const std::string& data_dir);

// Directory of ../shared/data when it exists, else "".
std::string SharedDataDir();

}  // namespace probity::testing

#endif  // PROBITY_TESTS_TEST_UTIL_H_

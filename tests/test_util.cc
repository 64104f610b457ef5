#include "tests/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace probity::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/probity_test_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::File(const std::string& name) const { return path_ + "/" + name; }

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult RunCommand(const std::string& command_line) {
  TempDir tmp;
  const std::string out_path = tmp.File("out");
  const std::string err_path = tmp.File("err");
  const std::string full = command_line + " >" + out_path + " 2>" + err_path + " </dev/null";
  const int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

CommandResult RunProbity(const std::string& args) {
  return RunCommand(std::string(PROBITY_BINARY) + " " + args);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

::testing::AssertionResult OneLineError(const CommandResult& r) {
  if (r.exit_code == 0) return ::testing::AssertionFailure() << "exit 0; stdout: " << r.out;
  if (r.err.rfind("probity: ", 0) != 0 || r.err.find('\n') != r.err.size() - 1) {
    return ::testing::AssertionFailure() << "stderr is not one \"probity: \" line: " << r.err;
  }
  return ::testing::AssertionSuccess();
}

SureLink FindSureLink(const std::string& out_dir, const std::string& data_dir) {
  std::map<std::string, int> links;  // probation id -> links at probability >= 0.5
  std::map<std::string, std::pair<std::string, double>> sure;  // probability >= 0.999
  for (const std::string& line : Lines(ReadFile(out_dir + "/pairs.csv"))) {
    const std::vector<std::string> f = Split(line, ',');
    if (f.size() != 6 || f[0] != "probation" || f[2] != "police") continue;
    const double probability = std::stod(f[5]);
    if (probability >= 0.5) ++links[f[1]];
    if (probability >= 0.999) sure[f[1]] = {f[3], std::stod(f[4])};
  }
  std::map<std::string, std::string> clusters;
  for (const std::string& line : Lines(ReadFile(out_dir + "/clusters.csv"))) {
    const std::vector<std::string> f = Split(line, ',');
    if (f.size() == 3 && f[0] == "police") clusters[f[1]] = f[2];
  }
  // probation.csv: crn,forenames,surname,dob (DD/MM/YYYY),sex,pnc,postcode,...
  for (const std::string& line : Lines(ReadFile(data_dir + "/probation.csv"))) {
    if (line.find('"') != std::string::npos) continue;
    const std::vector<std::string> f = Split(line, ',');
    if (f.size() < 7 || links[f[0]] != 1 || !sure.contains(f[0])) continue;
    if (f[1].empty() || f[2].empty() || f[3].size() != 10 || f[6].empty()) continue;
    SureLink link;
    link.crn = f[0];
    link.forenames = f[1];
    link.surname = f[2];
    link.dob_iso = f[3].substr(6, 4) + "-" + f[3].substr(3, 2) + "-" + f[3].substr(0, 2);
    link.sex = f[4];
    link.pnc = f[5];
    link.postcode = f[6];
    link.police_id = sure[f[0]].first;
    link.weight = sure[f[0]].second;
    link.police_cluster = clusters[link.police_id];
    return link;
  }
  return {};
}

std::string SharedDataDir() {
  const std::string dir = PROBITY_SHARED_DATA;
  return std::filesystem::is_directory(dir) ? dir : "";
}

}  // namespace probity::testing

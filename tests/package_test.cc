// The installed package: `cmake --install` of this build into a temporary
// prefix, then examples/ingest_example configured and built against it with
// find_package(probity CONFIG), and run over a store made by the installed
// probity binary.
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "engine/clustering.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace probity {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

TEST(PackageTest, InstalledLibraryBuildsAndRunsTheExample) {
  TempDir tmp;
  const std::string prefix = tmp.File("prefix");
  const CommandResult install = RunCommand("cmake --install " + Quote(PROBITY_BUILD_DIR) +
                                           " --prefix " + Quote(prefix));
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;

  const std::string lib = prefix + "/" + PROBITY_INSTALL_LIBDIR;
  for (const std::string& file :
       {prefix + "/bin/probity", prefix + "/bin/probity-service", lib + "/libprobity_engine.a",
        lib + "/libprobity_storage.a", prefix + "/include/engine/probity.h",
        prefix + "/include/engine/explain.h", prefix + "/include/storage/store.h",
        lib + "/cmake/probity/probityConfig.cmake",
        lib + "/cmake/probity/probityConfigVersion.cmake",
        lib + "/cmake/probity/probityTargets.cmake"}) {
    EXPECT_TRUE(std::filesystem::exists(file)) << file;
  }
  // The CLI's internals are not part of the library.
  EXPECT_FALSE(std::filesystem::exists(prefix + "/include/tools"));

  // A downstream project: find_package(probity CONFIG REQUIRED), probity::probity.
  const std::string build = tmp.File("example-build");
  std::string configure = "cmake -S " + Quote(std::string(PROBITY_SOURCE_DIR) +
                                               "/examples/ingest_example") +
                          " -B " + Quote(build) + " -G Ninja -DCMAKE_BUILD_TYPE=Release" +
                          " -DCMAKE_PREFIX_PATH=" + Quote(prefix) +
                          " -DCMAKE_CXX_COMPILER=" + Quote(PROBITY_CXX_COMPILER);
  if (!std::string(PROBITY_CXX_COMPILER_LAUNCHER).empty()) {
    configure += " -DCMAKE_CXX_COMPILER_LAUNCHER=" + Quote(PROBITY_CXX_COMPILER_LAUNCHER);
  }
  const CommandResult configured = RunCommand(configure);
  ASSERT_EQ(configured.exit_code, 0) << configured.out << configured.err;
  const CommandResult built = RunCommand("cmake --build " + Quote(build));
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;

  // A store with a trained model, made by the installed binary.
  const std::string probity = Quote(prefix + "/bin/probity");
  const std::string data = tmp.File("data/");
  const std::string store = tmp.File("store");
  const CommandResult synth = RunCommand(probity + " synth --people 200 --out-dir " + Quote(data));
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  const CommandResult run = RunCommand(
      probity + " run --settings " + Quote(data + "settings.json") + " --input probation=" +
      Quote(data + "probation.csv") + " --input police=" + Quote(data + "police.csv") +
      " --out-dir " + Quote(tmp.File("out")) + " --db " + Quote(store));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const CommandResult example = RunCommand(Quote(build + "/ingest_example") + " " + Quote(store));
  ASSERT_EQ(example.exit_code, 0) << example.err;
  const std::vector<std::string> lines = Lines(example.out);
  ASSERT_EQ(lines.size(), 3u) << example.out;
  // The first record starts its own cluster; the police record of the same
  // person links to it, and the cluster takes the smaller member's id.
  const std::string first_cluster = std::to_string(ClusterIdOf("probation", "EXAMPLE-1"));
  const std::string cluster = std::to_string(ClusterIdOf("police", "EXAMPLE-2"));
  EXPECT_EQ(lines[0], "probation:EXAMPLE-1 -> cluster " + first_cluster + " (new cluster)");
  EXPECT_EQ(lines[1].rfind("police:EXAMPLE-2 -> cluster " + cluster +
                               " (linked to probation:EXAMPLE-1 at probability ",
                           0),
            0u)
      << lines[1];
  EXPECT_EQ(lines[2], "probation:EXAMPLE-1 is now in cluster " + cluster);

  // The installed service sees the example's decisions in the store.
  const std::string requests = tmp.File("requests.jsonl");
  WriteFile(requests, R"({"op": "cluster", "source": "probation", "id": "EXAMPLE-1"})" "\n");
  const CommandResult service = RunCommand("{ " + Quote(prefix + "/bin/probity-service") +
                                           " --db " + Quote(store) + " <" + Quote(requests) +
                                           "; }");
  ASSERT_EQ(service.exit_code, 0) << service.err;
  const nlohmann::json answer = nlohmann::json::parse(service.out);
  EXPECT_EQ(answer["cluster_id"], cluster);
}

}  // namespace
}  // namespace probity

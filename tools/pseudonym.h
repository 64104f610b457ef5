// Pseudonymised ids for sharing linkage results.
//
// A pseudonym is a keyed hash (HMAC-SHA256, truncated to 128 bits, as 32 hex
// digits) of a source name and a record id, or of a cluster id. Under one key
// the same record always gets the same pseudonym, so files pseudonymised
// separately (pairs.csv, clusters.csv, an outcome extract put through
// `probity pseudonymise`) still join; without the key, a pseudonym can neither
// be reversed nor checked against a guessed id (plain hashes of CRNs or PNCs
// could be, by hashing every possible id).
#ifndef PROBITY_TOOLS_PSEUDONYM_H_
#define PROBITY_TOOLS_PSEUDONYM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/linker.h"

namespace probity {

class Pseudonymiser {
 public:
  // The key is the file's bytes without a final line end; at least 16 bytes
  // (e.g. `head -c 32 /dev/urandom | base64 > key.txt`). The error names the
  // file and the reason, never the key.
  static absl::StatusOr<Pseudonymiser> FromKeyFile(const std::string& path);
  explicit Pseudonymiser(std::string key) : key_(std::move(key)) {}

  std::string Record(std::string_view source, std::string_view id) const;
  std::string Cluster(uint64_t cluster_id) const;
  // Output id writers that use this pseudonymiser (which must outlive them).
  OutputIds ForOutputs() const;

 private:
  std::string Hash(std::string_view message) const;
  std::string key_;
};

// `probity pseudonymise`: copies a CSV, replacing ids with their pseudonyms.
// With `column` set, that column holds ids of source `source` (a name), or of
// the source named in column `source_column` of the same row. Without it, the
// file must be a probity output: pairs.csv (id_l, id_r with source_l,
// source_r) or clusters.csv (record_id with source, and cluster_id).
struct PseudonymiseArgs {
  std::string key_file;
  std::string input;
  std::string out;
  std::string column;
  std::string source;
  std::string source_column;
};
absl::Status PseudonymiseCsv(const PseudonymiseArgs& args);

}  // namespace probity

#endif  // PROBITY_TOOLS_PSEUDONYM_H_

// Crash safety: `probity ingest`, the library's upsert path (through
// probity-service) and `probity run` are killed with SIGKILL at chosen points;
// the store must then open, be consistent (every record has exactly its index
// entries and term counts, clusters mirror their members), and running the same
// job again must finish it with nothing lost and nothing duplicated: the same
// store, or the same outputs, as a run that was never interrupted.
//
// Kill points are chosen from what the process leaves on disk, not from
// timers, so they land in the same stage on a fast or a slow machine:
//   ingest  - while the first run's SST files are being written (--memory 24:
//             several bulk runs); once two runs are ingested (mid-load);
//           - during the final compaction (RocksDB's LOG reports it);
//   service - after N upserts (or assigns) were answered, with more in flight;
//   run     - during ingest, after training (model.json), while writing the
//             outputs (clusters.csv), with and without --db.
//
// The consistency check reads the blocks and clusters column families with
// RocksDB directly (read-only): the Store API has no way to list every index
// entry, and an orphan entry is exactly what a torn write would leave.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/csv_reader.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "storage/block_postings.h"
#include "storage/store.h"
#include "tests/test_util.h"

namespace probity {
namespace {

namespace fs = std::filesystem;
namespace rdb = ::ROCKSDB_NAMESPACE;
using testing::CommandResult;
using testing::Quote;
using testing::ReadFile;
using testing::RunCommand;
using testing::RunProbity;
using testing::TempDir;
using testing::WriteFile;

using Clock = std::chrono::steady_clock;

// ---- Child processes ----

// A process started with fork + exec, killed or waited for by the test.
class Child {
 public:
  // Starts `argv` (argv[0] a path). stdout and stderr go to `out_path` and
  // `err_path`; with `pipes`, stdin and stdout are pipes to the test instead.
  Child(const std::vector<std::string>& argv, const std::string& out_path,
        const std::string& err_path, bool pipes = false) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    if (pipes && (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      // Child: only async-signal-safe calls until exec.
      const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (pipes) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
      } else {
        const int null_in = ::open("/dev/null", O_RDONLY);
        const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(null_in, 0);
        ::dup2(out_fd, 1);
      }
      ::dup2(err, 2);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    if (pipes) {
      ::close(in[0]);
      ::close(out[1]);
      in_fd_ = in[1];
      out_fd_ = out[0];
    }
  }
  ~Child() {
    if (pid_ > 0 && !exited_) Kill();
    if (in_fd_ >= 0) ::close(in_fd_);
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  int in_fd() const { return in_fd_; }
  int out_fd() const { return out_fd_; }
  void CloseInput() {
    if (in_fd_ >= 0) ::close(in_fd_);
    in_fd_ = -1;
  }

  bool Running() {
    if (exited_) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return !exited_;
  }
  // SIGKILL. True if the process was still running when killed.
  bool Kill() {
    if (!Running()) return false;
    ::kill(pid_, SIGKILL);
    Wait();
    return WIFSIGNALED(status_) && WTERMSIG(status_) == SIGKILL;
  }
  // The exit code (128 + signal when killed by one).
  int Wait() {
    if (!exited_ && ::waitpid(pid_, &status_, 0) == pid_) exited_ = true;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }
  // Polls `ready` every millisecond; true once it holds while the process
  // runs, false if the process ends first or `timeout_s` passes.
  bool WaitUntil(const std::function<bool()>& ready, double timeout_s = 120) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
    while (Clock::now() < deadline) {
      if (!Running()) return false;
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  int status_ = 0;
  bool exited_ = false;
};

std::vector<std::string> ProbityArgs(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {PROBITY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// ---- What a process leaves on disk ----

bool HasFileWithPrefix(const std::string& dir, std::string_view prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Table files RocksDB owns (NNNNNN.sst): ingested bulk batches, flushes and
// compaction outputs.
int CountTableFiles(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > 4 && name.ends_with(".sst") &&
        std::all_of(name.begin(), name.end() - 4, [](char c) { return c >= '0' && c <= '9'; })) {
      ++n;
    }
  }
  return n;
}

// Watches RocksDB's LOG of a store for a phrase, reading only what was added
// since the last look. A LOG left by an earlier process (rotated when the
// store is opened) is ignored: only a file with another inode counts.
class LogWatcher {
 public:
  LogWatcher(std::string dir, std::string phrase)
      : path_(std::move(dir) + "/LOG"), phrase_(std::move(phrase)) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) old_inode_ = st.st_ino;
  }
  bool Seen() {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0 || st.st_ino == old_inode_) return false;
    if (st.st_ino != inode_) {
      inode_ = st.st_ino;
      offset_ = 0;
      tail_.clear();
    }
    if (static_cast<uint64_t>(st.st_size) <= offset_) return false;
    std::FILE* f = std::fopen(path_.c_str(), "rb");
    if (f == nullptr) return false;
    std::fseek(f, static_cast<long>(offset_), SEEK_SET);
    std::string chunk(static_cast<size_t>(st.st_size) - offset_, '\0');
    chunk.resize(std::fread(chunk.data(), 1, chunk.size(), f));
    std::fclose(f);
    offset_ += chunk.size();
    tail_ += chunk;
    if (tail_.find(phrase_) != std::string::npos) return true;
    if (tail_.size() > phrase_.size()) tail_.erase(0, tail_.size() - phrase_.size());
    return false;
  }

 private:
  std::string path_;
  std::string phrase_;
  ino_t old_inode_ = 0;
  ino_t inode_ = 0;
  uint64_t offset_ = 0;
  std::string tail_;
};

// ---- The store: contents and consistency ----

// What a store holds: every record's digest (payload, block keys, terms) by
// source name and id.
struct StoreState {
  std::map<std::string, absl::flat_hash_map<std::string, uint64_t>> records;
  uint64_t block_entries = 0;
  uint64_t clustered = 0;

  size_t Count() const {
    size_t n = 0;
    for (const auto& [source, ids] : records) n += ids.size();
    return n;
  }
  size_t Count(const std::string& source) const {
    const auto it = records.find(source);
    return it == records.end() ? 0 : it->second.size();
  }
};

uint64_t Hash(std::string_view s) { return std::hash<std::string_view>{}(s); }
// A second, independent function of a hash (order-free fingerprints use both).
uint64_t Remix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

uint64_t TermHash(uint8_t field, std::string_view value) { return Remix(Hash(value) + field); }

void PutBE(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t RecordDigest(const storage::StoredRecord& r) {
  std::string s = r.payload;
  for (const storage::BlockKey& k : r.block_keys) {
    s.push_back(static_cast<char>(k.rule));
    PutBE(&s, k.hash, 8);
  }
  for (const storage::TfTerm& t : r.tf_terms) {
    s.push_back(static_cast<char>(t.field));
    s += t.value;
    s.push_back('\0');
  }
  return Hash(s);
}

// An order-free fingerprint of a set of keys.
struct Fingerprint {
  uint64_t n = 0, sum = 0, mix = 0;
  void Add(std::string_view key) {
    const uint64_t h = Hash(key);
    ++n;
    sum += h;
    mix += Remix(h);
  }
  bool operator==(const Fingerprint&) const = default;
};

// Calls fn(key, value) for every entry of one column family, read with
// RocksDB directly (read-only: no lock, nothing written).
::testing::AssertionResult ScanColumnFamily(
    const std::string& dir, const std::string& cf,
    const std::function<void(std::string_view, std::string_view)>& fn) {
  rdb::ColumnFamilyOptions options;
  if (cf == "blocks") options.merge_operator = storage::NewBlockPostingsOperator();
  std::vector<rdb::ColumnFamilyDescriptor> descriptors = {
      {rdb::kDefaultColumnFamilyName, rdb::ColumnFamilyOptions()}, {cf, options}};
  std::vector<rdb::ColumnFamilyHandle*> handles;
  rdb::DB* raw = nullptr;
  rdb::Status s = rdb::DB::OpenForReadOnly(rdb::DBOptions(), dir, descriptors, &handles, &raw);
  if (!s.ok()) return ::testing::AssertionFailure() << dir << ": " << s.ToString();
  {
    std::unique_ptr<rdb::Iterator> it(raw->NewIterator(rdb::ReadOptions(), handles[1]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      fn(std::string_view(it->key().data(), it->key().size()),
         std::string_view(it->value().data(), it->value().size()));
    }
    s = it->status();
  }
  for (rdb::ColumnFamilyHandle* h : handles)
    raw->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  raw->Close().PermitUncheckedError();
  delete raw;
  if (!s.ok()) return ::testing::AssertionFailure() << dir << ": " << s.ToString();
  return ::testing::AssertionSuccess();
}

// Opens the store as probity does and checks that it is consistent:
//   - it opens, and no bulk-load leftovers remain in the directory;
//   - CountRecords agrees with a scan of every source;
//   - the block index holds exactly the entries the records list: none
//     missing, none orphaned (a block entry of a record that is not stored,
//     or that no longer has that key);
//   - every term count is exactly the number of stored records with that term;
//   - cluster assignments and cluster member entries mirror each other, and
//     belong to stored records.
// Fills `state` with what the store holds.
::testing::AssertionResult CheckStore(const std::string& dir, StoreState* state) {
  *state = StoreState();
  Fingerprint expected_blocks;
  absl::flat_hash_map<uint64_t, int64_t> expected_terms;  // hash of field byte + value
  absl::flat_hash_set<std::string> record_keys;           // source (BE16) + id
  std::map<uint16_t, std::string> names;
  {
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(dir);
    if (!store.ok()) return ::testing::AssertionFailure() << "open: " << store.status();
    if (HasFileWithPrefix(dir, "probity-bulk-")) {
      return ::testing::AssertionFailure() << dir << ": bulk-load leftovers after open";
    }
    for (const auto& [name, code] : (*store)->Sources()) names[code] = name;
    std::vector<storage::BlockKey> keys;
    std::string entry;
    absl::Status scan = (*store)->ForEachRecord(std::nullopt, [&](const storage::StoredRecord& r) {
      state->records[names[r.source]][r.id] = RecordDigest(r);
      std::string key;
      PutBE(&key, r.source, 2);
      key += r.id;
      record_keys.insert(key);
      keys = r.block_keys;
      std::sort(keys.begin(), keys.end(),
                [](const storage::BlockKey& a, const storage::BlockKey& b) {
                  return a.rule != b.rule ? a.rule < b.rule : a.hash < b.hash;
                });
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (const storage::BlockKey& k : keys) {
        entry.clear();
        entry.push_back(static_cast<char>(k.rule));
        PutBE(&entry, k.hash, 8);
        entry += key;
        expected_blocks.Add(entry);
      }
      for (const storage::TfTerm& t : r.tf_terms) ++expected_terms[TermHash(t.field, t.value)];
      return true;
    });
    if (!scan.ok()) return ::testing::AssertionFailure() << "record scan: " << scan;
    for (const auto& [code, name] : names) {
      absl::StatusOr<uint64_t> n = (*store)->CountRecords(code);
      if (!n.ok()) return ::testing::AssertionFailure() << "CountRecords: " << n.status();
      if (*n != state->Count(name)) {
        return ::testing::AssertionFailure()
               << "source " << name << ": CountRecords " << *n << ", scan " << state->Count(name);
      }
    }
    size_t terms_seen = 0;
    std::string mismatch;
    for (int field = 0; field < 256; ++field) {
      absl::Status s = (*store)->ForEachTerm(
          static_cast<uint8_t>(field), [&](std::string_view value, int64_t count) {
            ++terms_seen;
            const auto it = expected_terms.find(TermHash(static_cast<uint8_t>(field), value));
            const int64_t want = it == expected_terms.end() ? 0 : it->second;
            if (want != count && mismatch.empty()) {
              mismatch = "field " + std::to_string(field) + ": count " + std::to_string(count) +
                         ", records with the term " + std::to_string(want);
            }
            return true;
          });
      if (!s.ok()) return ::testing::AssertionFailure() << "term scan: " << s;
    }
    if (!mismatch.empty()) return ::testing::AssertionFailure() << "term counts: " << mismatch;
    if (terms_seen != expected_terms.size()) {
      return ::testing::AssertionFailure() << "term counts: " << terms_seen << " terms counted, "
                                           << expected_terms.size() << " in the records";
    }
  }  // the store is closed: read its index directly

  Fingerprint blocks;  // rule + hash + member, as expected_blocks
  bool blocks_ok = true;
  ::testing::AssertionResult scanned =
      ScanColumnFamily(dir, "blocks", [&](std::string_view page_key, std::string_view page) {
        blocks_ok = !page_key.empty() &&
                    storage::ForEachPageEntry(page, [&](uint64_t hash, std::string_view ops) {
                      std::string page_of_hash;
                      storage::AppendPageKey(&page_of_hash, static_cast<uint8_t>(page_key[0]), hash);
                      std::string block(1, page_key[0]);
                      PutBE(&block, hash, 8);
                      return page_of_hash == page_key &&
                             storage::ForEachPostingOp(ops, [&](std::string_view member, bool remove) {
                               blocks.Add(block + std::string(member));
                               return !remove;
                             });
                    }) &&
                    blocks_ok;
      });
  if (!scanned) return scanned;
  if (!blocks_ok) return ::testing::AssertionFailure() << "block index: a malformed value";
  state->block_entries = blocks.n;
  if (!(blocks == expected_blocks)) {
    return ::testing::AssertionFailure()
           << "block index: " << blocks.n << " entries stored, " << expected_blocks.n
           << " listed by the records"
           << (blocks.n == expected_blocks.n ? " (different ones)" : "");
  }

  Fingerprint assigned, members;
  std::string orphan;
  scanned = ScanColumnFamily(dir, "clusters", [&](std::string_view key, std::string_view value) {
    if (key.size() >= 12 && key.substr(0, 2) == "\xff\xff") {  // FF FF + cluster + record key
      members.Add(key.substr(2));
      return;
    }
    std::string mirrored(value);  // cluster + record key, as in a member entry
    mirrored += key;
    assigned.Add(mirrored);
    if (!record_keys.contains(std::string(key)) && orphan.empty())
      orphan = std::string(key.substr(2));
  });
  if (!scanned) return scanned;
  state->clustered = assigned.n;
  if (!(assigned == members)) {
    return ::testing::AssertionFailure() << "clusters: " << assigned.n << " assignments, "
                                         << members.n << " member entries, not mirrored";
  }
  if (!orphan.empty()) {
    return ::testing::AssertionFailure() << "clusters: an assignment for a record not stored";
  }
  return ::testing::AssertionSuccess();
}

// The first record (source, id) on which two stores differ, or "" if equal.
std::string FirstDifference(const StoreState& a, const StoreState& b) {
  for (const auto& [source, ids] : a.records) {
    const auto other = b.records.find(source);
    for (const auto& [id, digest] : ids) {
      if (other == b.records.end() || !other->second.contains(id))
        return source + ":" + id + " missing";
      if (other->second.at(id) != digest) return source + ":" + id + " differs";
    }
  }
  for (const auto& [source, ids] : b.records) {
    for (const auto& [id, digest] : ids) {
      const auto mine = a.records.find(source);
      if (mine == a.records.end() || !mine->second.contains(id))
        return source + ":" + id + " extra";
    }
  }
  return "";
}

// Every record of `partial` is the reference's version of it (nothing torn,
// nothing from elsewhere).
::testing::AssertionResult RecordsMatchReference(const StoreState& partial,
                                                 const StoreState& reference) {
  for (const auto& [source, ids] : partial.records) {
    const auto ref = reference.records.find(source);
    for (const auto& [id, digest] : ids) {
      if (ref == reference.records.end() || !ref->second.contains(id)) {
        return ::testing::AssertionFailure() << source << ":" << id << " is not in the input";
      }
      if (ref->second.at(id) != digest) {
        return ::testing::AssertionFailure() << source << ":" << id << " differs from the input";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// The check itself: a consistent store passes; one wrong entry of each kind
// (written with RocksDB behind the store's back) fails it.
void RawWrite(
    const std::string& dir,
    const std::function<void(rdb::DB*, const std::map<std::string, rdb::ColumnFamilyHandle*>&)>&
        fn) {
  std::vector<std::string> names;
  ASSERT_TRUE(rdb::DB::ListColumnFamilies(rdb::DBOptions(), dir, &names).ok());
  std::vector<rdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, rdb::ColumnFamilyOptions());
  std::vector<rdb::ColumnFamilyHandle*> handles;
  rdb::DB* raw = nullptr;
  ASSERT_TRUE(rdb::DB::Open(rdb::DBOptions(), dir, descriptors, &handles, &raw).ok());
  std::map<std::string, rdb::ColumnFamilyHandle*> by_name;
  for (size_t i = 0; i < names.size(); ++i) by_name[names[i]] = handles[i];
  fn(raw, by_name);
  for (rdb::ColumnFamilyHandle* h : handles)
    raw->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  raw->Close().PermitUncheckedError();
  delete raw;
}

TEST(CheckStoreTest, PassesAConsistentStoreAndFailsEveryKindOfDamage) {
  TempDir tmp;
  const std::string good = tmp.File("good");
  {
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(good);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_EQ(*(*store)->SourceCode("s", true), 1);
    storage::StoredRecord a{1, "a", "pa", {{1, 10}, {2, 20}, {1, 10}}, {{1, "X"}, {1, "X"}}};
    storage::StoredRecord b{1, "b", "pb", {{1, 10}}, {{1, "X"}, {2, "Y"}}};
    ASSERT_TRUE((*store)->Put(a).ok());
    ASSERT_TRUE((*store)->PutWithClusters(b, {{1, "b", 7}}).ok());
    a.block_keys = {{3, 30}};  // replaced: its old entries and terms go
    ASSERT_TRUE((*store)->Put(a).ok());
  }
  StoreState state;
  ASSERT_TRUE(CheckStore(good, &state));
  EXPECT_EQ(state.Count("s"), 2u);
  EXPECT_EQ(state.block_entries, 2u);
  EXPECT_EQ(state.clustered, 1u);

  std::string a_key;
  PutBE(&a_key, 1, 2);
  a_key += "a";
  std::string page_of_a;  // rule 3, hash 30
  storage::AppendPageKey(&page_of_a, 3, 30);
  std::string page_of_rule_9;
  storage::AppendPageKey(&page_of_rule_9, 9, 30);
  std::string a_joins;  // a page where a joins block 30
  std::string op;
  storage::AppendPostingOp(&op, a_key, /*remove=*/false);
  storage::AppendPageEntry(&a_joins, 30, op);
  std::string cluster_7;
  PutBE(&cluster_7, 7, 8);
  const struct {
    const char* damage;
    const char* cf;
    std::string key;
    std::optional<std::string> value;  // nullopt: delete the key
    const char* reported;
  } cases[] = {
      {"an orphan index entry", "blocks", page_of_rule_9, a_joins, "block index"},
      {"a missing index entry", "blocks", page_of_a, std::nullopt, "block index"},
      {"a term count off by one", "tf", std::string("\x01X", 2),
       std::string("\x04\0\0\0\0\0\0\0", 8), "term counts"},
      {"a cluster without its member entry", "clusters", a_key, cluster_7, "clusters"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.damage);
    const std::string dir = tmp.File(std::string("bad-") + c.cf + (c.value ? "-put" : "-delete"));
    fs::copy(good, dir, fs::copy_options::recursive);
    RawWrite(dir, [&](rdb::DB* raw, const std::map<std::string, rdb::ColumnFamilyHandle*>& cf) {
      const rdb::Status s = c.value ? raw->Put(rdb::WriteOptions(), cf.at(c.cf), c.key, *c.value)
                                    : raw->Delete(rdb::WriteOptions(), cf.at(c.cf), c.key);
      ASSERT_TRUE(s.ok()) << s.ToString();
    });
    const ::testing::AssertionResult r = CheckStore(dir, &state);
    ASSERT_FALSE(r);
    EXPECT_NE(std::string(r.message()).find(c.reported), std::string::npos) << r.message();
  }
}

// The ids of a CSV file's first column, in file order.
std::vector<std::string> IdsOf(const std::string& path) {
  std::vector<std::string> ids;
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, CsvOptions{});
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return ids;
  CsvRow row;
  while ((*reader)->Next(&row)) {
    if (row.error.empty()) ids.emplace_back(row.fields[0]);
  }
  return ids;
}

// `stats` without the line that states the size on disk.
std::string StatsWithoutSize(const std::string& db) {
  const CommandResult r = RunProbity("stats --db " + Quote(db));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string out;
  for (const std::string& line : testing::Lines(r.out)) {
    if (line.find("on disk") == std::string::npos) out += line + "\n";
  }
  return out;
}

// ---- probity ingest ----

class IngestCrashTest : public ::testing::Test {
 protected:
  // The probation extract of `probity synth` (90,000 people) three times over,
  // ids suffixed, as one source with three blocking rules: 270,000 records.
  // With --memory 24 (MiB) the bulk writer holds runs of at most ~19 MiB,
  // about 60 MB in all: several runs, so the load ends with its one
  // compaction, in a few seconds.
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CommandResult synth =
        RunProbity("synth --people 90000 --seed 11 --out-dir " + Quote(dir_->File("data")));
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    const std::vector<std::string> lines = testing::Lines(ReadFile(Data("probation.csv")));
    ASSERT_EQ(lines.size(), 90001u);
    std::string csv = lines[0] + "\n";
    for (const char* suffix : {"", "-2", "-3"}) {
      for (size_t i = 1; i < lines.size(); ++i) {
        const size_t comma = lines[i].find(',');
        csv += lines[i].substr(0, comma) + suffix + lines[i].substr(comma) + "\n";
      }
    }
    WriteFile(Data("input.csv"), csv);
    WriteFile(Data("ingest.json"), R"({
      "link_type": "dedupe_only",
      "sources": {"probation": {"id": "crn", "fields": {
        "forename": "forenames", "surname": "surname",
        "dob": {"column": "dob", "format": "DD/MM/YYYY"},
        "sex": "sex", "pnc": "pnc", "postcode": "postcode"}}},
      "blocking_rules": [["surname_metaphone", "dob_year"], ["pnc"], ["postcode"]]
    })");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string Data(const std::string& name) { return dir_->File("data/" + name); }
  static std::vector<std::string> IngestArgs(const std::string& db) {
    return ProbityArgs({"ingest", "--db", db, "--settings", Data("ingest.json"), "--input",
                        "probation=" + Data("input.csv"), "--rejects", db + ".rejects.csv",
                        "--memory", "24"});
  }
  static TempDir* dir_;
};
TempDir* IngestCrashTest::dir_ = nullptr;

// One store, killed at three points in turn (each run resumes from what the
// last one left), then an ingest that completes: the result is the store of
// an ingest that was never interrupted.
TEST_F(IngestCrashTest, KilledIngestsLeaveAConsistentStoreAndARerunCompletesIt) {
  TempDir work;
  const std::string ref_db = work.File("ref");
  const std::string db = work.File("db");
  {
    Child ref(IngestArgs(ref_db), work.File("ref.out"), work.File("ref.err"));
    ASSERT_EQ(ref.Wait(), 0) << ReadFile(work.File("ref.err"));
  }
  StoreState reference;
  ASSERT_TRUE(CheckStore(ref_db, &reference));
  // Input order: the bulk writer writes its runs in this order.
  const std::vector<std::string> input = IdsOf(Data("input.csv"));
  ASSERT_EQ(reference.Count("probation"), input.size());
  absl::flat_hash_map<std::string, size_t> position;
  for (size_t i = 0; i < input.size(); ++i) position[input[i]] = i;

  struct KillPoint {
    const char* name;
    std::function<bool()> reached;
    size_t min_records, max_records;  // what the store holds after the kill
  };
  const size_t all = reference.Count();
  std::unique_ptr<LogWatcher> log;  // a fresh one for each run
  const KillPoint points[] = {
      {"writing the first run's SST files",
       [&] { return HasFileWithPrefix(db, "probity-bulk-"); }, 0, 0},
      // Each ingested run adds a table file for records, two for blocks and
      // one for tf: eight once the second run is going in.
      {"second run ingested", [&] { return CountTableFiles(db) >= 8; }, 1, all - 1},
      {"final compaction", [&] { return log->Seen(); }, all, all},
  };
  StoreState before;  // what the store held before the killed run
  for (const KillPoint& point : points) {
    SCOPED_TRACE(point.name);
    {
      log = std::make_unique<LogWatcher>(db, "\"compaction_reason\": \"ManualCompaction\"");
      Child child(IngestArgs(db), work.File("kill.out"), work.File("kill.err"));
      ASSERT_TRUE(child.started());
      ASSERT_TRUE(child.WaitUntil(point.reached))
          << "the ingest ended before the kill point (exit " << child.Wait()
          << "): " << ReadFile(work.File("kill.err"));
      ASSERT_TRUE(child.Kill());
    }
    StoreState after;
    ASSERT_TRUE(CheckStore(db, &after));
    // Every record is whole (its reference version), and the ones this run
    // added are a prefix of the input: whole runs, in order.
    ASSERT_TRUE(RecordsMatchReference(after, reference));
    auto& stored = after.records["probation"];
    size_t prefix = 0;
    while (prefix < input.size() && stored.contains(input[prefix])) ++prefix;
    for (const auto& [id, digest] : stored) {
      if (before.records["probation"].contains(id)) continue;
      ASSERT_LT(position.at(id), prefix) << id << " stored, but an earlier input row is not";
    }
    EXPECT_GE(after.Count(), before.Count()) << "a killed re-ingest lost records";
    EXPECT_GE(after.Count(), point.min_records);
    EXPECT_LE(after.Count(), point.max_records);
    before = std::move(after);
  }

  Child rerun(IngestArgs(db), work.File("rerun.out"), work.File("rerun.err"));
  ASSERT_EQ(rerun.Wait(), 0) << ReadFile(work.File("rerun.err"));
  StoreState final_state;
  ASSERT_TRUE(CheckStore(db, &final_state));
  EXPECT_EQ(FirstDifference(final_state, reference), "");
  EXPECT_EQ(final_state.block_entries, reference.block_entries);
  EXPECT_EQ(StatsWithoutSize(db), StatsWithoutSize(ref_db));
  const CommandResult exported = RunProbity("export --db " + Quote(db) + " --source probation");
  const CommandResult ref_exported =
      RunProbity("export --db " + Quote(ref_db) + " --source probation");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(testing::Lines(exported.out).size(), input.size() + 1);
  EXPECT_TRUE(exported.out == ref_exported.out) << "export differs from the uninterrupted ingest";
}

// ---- The library's upsert path, through probity-service ----

class ServiceCrashTest : public ::testing::Test {
 protected:
  // A store with a trained model (probity run --db) over 1,500 people.
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string data = dir_->File("data/");
    ASSERT_EQ(RunProbity("synth --people 1500 --seed 12 --out-dir " + Quote(data)).exit_code, 0);
    const CommandResult run = RunProbity("run --settings " + Quote(data + "settings.json") +
                                         " --input probation=" + Quote(data + "probation.csv") +
                                         " --input police=" + Quote(data + "police.csv") +
                                         " --u-pairs 100000 --out-dir " + Quote(dir_->File("out")) +
                                         " --db " + Quote(dir_->File("base")));
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // One request per police row: `op` of the record with its surname changed
  // (so an upsert must retract the old index entries and terms), under its
  // own id, or under a new id (`id_suffix`).
  static std::vector<std::string> Requests(const std::string& op, const std::string& id_suffix) {
    std::vector<std::string> lines;
    absl::StatusOr<std::unique_ptr<CsvReader>> reader =
        CsvReader::Open(dir_->File("data/police.csv"), CsvOptions{});
    EXPECT_TRUE(reader.ok());
    if (!reader.ok()) return lines;
    const std::vector<std::string>& header = (*reader)->header();
    CsvRow row;
    while ((*reader)->Next(&row)) {
      nlohmann::json record = {{"source", "police"}};
      for (size_t c = 0; c < header.size() && c < row.fields.size(); ++c) {
        std::string value(row.fields[c]);
        if (header[c] == "pnc_id") {
          record["id"] = value + id_suffix;
          continue;
        }
        if (value.empty()) continue;
        const std::string field = header[c] == "forenames" ? "forename" : header[c];
        nlohmann::json values = nlohmann::json::array();
        for (const std::string& v : testing::Split(value, ';')) values.push_back(v);
        if (field == "surname") values[0] = values[0].get<std::string>() + "WORTH";
        record[field] = values;
      }
      lines.push_back(nlohmann::json({{"op", op}, {"record", record}}).dump());
    }
    return lines;
  }

  static std::string WriteRequests(const TempDir& work, const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    const std::string path = work.File("requests.jsonl");
    WriteFile(path, text);
    return path;
  }

  // Copies the base store to `db` and runs every request through the service.
  static CommandResult RunAll(const std::string& db, const std::string& requests) {
    // A subshell: RunCommand's own stdin redirection applies to it, not to the service.
    std::string command = "(";
    command += PROBITY_SERVICE_BINARY;
    command += " --db " + Quote(db) + " <" + Quote(requests) + ")";
    return RunCommand(command);
  }

  // Starts the service on `db`, feeds it every request, reads `acked`
  // responses and kills it with the rest in flight. Returns the responses.
  static std::vector<nlohmann::json> KillAfter(const std::string& db, const TempDir& work,
                                               const std::vector<std::string>& lines,
                                               size_t acked) {
    std::vector<nlohmann::json> responses;
    Child service({PROBITY_SERVICE_BINARY, "--db", db}, "", work.File("service.err"),
                  /*pipes=*/true);
    EXPECT_TRUE(service.started());
    if (!service.started()) return responses;
    std::atomic<bool> stop{false};
    const int in_fd = service.in_fd();
    std::thread writer([&] {
      for (const std::string& line : lines) {
        const std::string l = line + "\n";
        size_t done = 0;
        while (done < l.size() && !stop) {
          const ssize_t n = ::write(in_fd, l.data() + done, l.size() - done);
          if (n <= 0) return;  // the service is gone (EPIPE)
          done += static_cast<size_t>(n);
        }
      }
    });
    std::FILE* out = ::fdopen(::dup(service.out_fd()), "r");
    char* buf = nullptr;
    size_t cap = 0;
    while (responses.size() < acked && ::getline(&buf, &cap, out) > 0) {
      responses.push_back(nlohmann::json::parse(buf, nullptr, false));
    }
    std::free(buf);
    EXPECT_TRUE(service.Kill()) << "the service ended before the kill";
    stop = true;
    writer.join();
    std::fclose(out);
    return responses;
  }

  static TempDir* dir_;
};
TempDir* ServiceCrashTest::dir_ = nullptr;

TEST_F(ServiceCrashTest, KilledUpsertsLeaveAConsistentStoreAndARerunCompletesThem) {
  ::signal(SIGPIPE, SIG_IGN);  // writes to a killed service fail instead
  TempDir work;
  // Half the requests replace stored records (new surname), half add new ids.
  std::vector<std::string> lines = Requests("upsert", "");
  const std::vector<std::string> added = Requests("upsert", "-B");
  for (size_t i = 0; i < added.size(); i += 2) lines.push_back(added[i]);
  ASSERT_GT(lines.size(), 3000u);
  const std::string requests = WriteRequests(work, lines);

  const std::string ref_db = work.File("ref");
  fs::copy(dir_->File("base"), ref_db, fs::copy_options::recursive);
  StoreState base;
  ASSERT_TRUE(CheckStore(ref_db, &base));
  const CommandResult ref_run = RunAll(ref_db, requests);
  ASSERT_EQ(ref_run.exit_code, 0) << ref_run.err;
  ASSERT_EQ(ref_run.out.find("\"error\""), std::string::npos) << ref_run.out.substr(0, 500);
  StoreState reference;
  ASSERT_TRUE(CheckStore(ref_db, &reference));
  ASSERT_EQ(reference.Count(), base.Count() + added.size() / 2 + added.size() % 2);

  const std::string db = work.File("db");
  fs::copy(dir_->File("base"), db, fs::copy_options::recursive);
  for (const size_t acked : {size_t{700}, size_t{2600}}) {
    SCOPED_TRACE("killed after " + std::to_string(acked) + " answers");
    const std::vector<nlohmann::json> responses = KillAfter(db, work, lines, acked);
    ASSERT_EQ(responses.size(), acked) << ReadFile(work.File("service.err"));
    StoreState after;
    ASSERT_TRUE(CheckStore(db, &after));
    // Every answered upsert is durable, as the uninterrupted run stored it.
    for (const nlohmann::json& r : responses) {
      ASSERT_TRUE(r.value("ok", false)) << r.dump();
      const std::string id = r["id"].get<std::string>();
      ASSERT_TRUE(after.records["police"].contains(id)) << "answered upsert lost: " << id;
      ASSERT_EQ(after.records["police"][id], reference.records["police"][id]) << id;
    }
    // Everything else is either the base version or the new one.
    for (const auto& [id, digest] : after.records["police"]) {
      const bool from_base =
          base.records["police"].contains(id) && base.records["police"][id] == digest;
      ASSERT_TRUE(from_base || reference.records["police"][id] == digest) << id;
    }
    EXPECT_EQ(after.records["probation"], base.records["probation"]);
  }
  const CommandResult rerun = RunAll(db, requests);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  StoreState final_state;
  ASSERT_TRUE(CheckStore(db, &final_state));
  EXPECT_EQ(FirstDifference(final_state, reference), "");
  EXPECT_EQ(final_state.block_entries, reference.block_entries);
  EXPECT_EQ(final_state.clustered, reference.clustered);
}

// MatchAndAssign (records, index entries and cluster changes in one batch):
// after a kill, every answered record is stored and clustered, clusters
// mirror their members, and a rerun completes.
TEST_F(ServiceCrashTest, KilledAssignsLeaveConsistentClusters) {
  ::signal(SIGPIPE, SIG_IGN);
  TempDir work;
  const std::vector<std::string> lines = Requests("assign", "-A");
  const std::string requests = WriteRequests(work, lines);
  const std::string db = work.File("db");
  fs::copy(dir_->File("base"), db, fs::copy_options::recursive);
  StoreState base;
  ASSERT_TRUE(CheckStore(db, &base));
  ASSERT_EQ(base.clustered, base.Count()) << "probity run clusters every record";

  const std::vector<nlohmann::json> responses = KillAfter(db, work, lines, 1500);
  ASSERT_EQ(responses.size(), 1500u) << ReadFile(work.File("service.err"));
  StoreState after;
  ASSERT_TRUE(CheckStore(db, &after));
  for (const nlohmann::json& r : responses) {
    ASSERT_TRUE(r.contains("cluster_id")) << r.dump();
    ASSERT_TRUE(after.records["police"].contains(r["id"].get<std::string>())) << r.dump();
  }
  EXPECT_GE(after.Count(), base.Count() + responses.size());
  EXPECT_EQ(after.clustered, after.Count()) << "a stored record without its cluster";

  const CommandResult rerun = RunAll(db, requests);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(rerun.out.find("\"error\""), std::string::npos) << rerun.out.substr(0, 500);
  StoreState final_state;
  ASSERT_TRUE(CheckStore(db, &final_state));
  EXPECT_EQ(final_state.Count(), base.Count() + lines.size());
  EXPECT_EQ(final_state.clustered, final_state.Count());
}

// ---- probity run ----

class RunCrashTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_EQ(RunProbity("synth --people 3000 --seed 13 --out-dir " + Quote(dir_->File("data")))
                  .exit_code,
              0);
    Child ref(RunArgs(dir_->File("ref"), ""), dir_->File("ref.out"), dir_->File("ref.err"));
    ASSERT_EQ(ref.Wait(), 0) << ReadFile(dir_->File("ref.err"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::vector<std::string> RunArgs(const std::string& out, const std::string& db) {
    const std::string data = dir_->File("data/");
    std::vector<std::string> args =
        ProbityArgs({"run", "--settings", data + "settings.json", "--input",
                     "probation=" + data + "probation.csv", "--input",
                     "police=" + data + "police.csv", "--out-dir", out, "--u-pairs", "200000"});
    if (!db.empty()) {
      args.push_back("--db");
      args.push_back(db);
    }
    return args;
  }
  // summary.json without what differs between two runs of one job.
  static std::string Summary(const std::string& out) {
    nlohmann::json summary = nlohmann::json::parse(ReadFile(out + "/summary.json"), nullptr, false);
    if (summary.is_discarded()) return "(no summary.json)";
    summary.erase("seconds");
    summary.erase("peak_memory_mib");
    return summary.dump();
  }
  static TempDir* dir_;
};
TempDir* RunCrashTest::dir_ = nullptr;

// Each variant is killed in ingest, in linking and while writing its outputs,
// each run starting from what the last one left; then a run completes. Its
// outputs are those of a run that was never interrupted. Without --db a run
// rebuilds OUT/store; with --db it re-ingests into the store the killed runs
// left (replacing records) and re-clusters it.
TEST_F(RunCrashTest, RerunAfterKillsGivesTheSameOutputs) {
  const std::string ref = dir_->File("ref");
  ASSERT_GT(testing::Lines(ReadFile(ref + "/pairs.csv")).size(), 2000u);
  for (const bool own_db : {false, true}) {
    TempDir work;
    const std::string out = work.File("out");
    const std::string db = own_db ? work.File("db") : "";
    const std::string store = own_db ? db : out + "/store";
    struct KillPoint {
      const char* name;
      std::function<bool()> reached;
    };
    const KillPoint points[] = {
        {"ingest", [&] { return HasFileWithPrefix(store, "probity-bulk-"); }},
        {"linking (model.json written)", [&] { return fs::exists(out + "/model.json"); }},
        {"writing the outputs (clusters.csv)", [&] { return fs::exists(out + "/clusters.csv"); }},
    };
    ASSERT_TRUE(fs::create_directory(out));
    for (const KillPoint& point : points) {
      SCOPED_TRACE(std::string(own_db ? "--db, " : "") + "killed in " + point.name);
      // The last stage is short: on a busy machine the run may finish
      // between seeing the point and the kill. Then try again.
      bool killed = false;
      for (int attempt = 0; attempt < 3 && !killed; ++attempt) {
        // A complete earlier run's outputs: the killed run must not leave
        // them looking current.
        for (const char* file : {"summary.json", "model.json", "clusters.csv"}) {
          fs::remove(out + "/" + file);
          fs::copy_file(ref + "/" + file, out + "/" + file);
        }
        Child child(RunArgs(out, db), work.File("kill.out"), work.File("kill.err"));
        // The run replaces the earlier outputs first (after opening its store).
        ASSERT_TRUE(child.WaitUntil([&] { return !fs::exists(out + "/summary.json"); }))
            << "exit " << child.Wait() << ": " << ReadFile(work.File("kill.err"));
        if (child.WaitUntil(point.reached)) killed = child.Kill();
        if (!killed) {
          ASSERT_EQ(child.Wait(), 0) << ReadFile(work.File("kill.err"));
        }
      }
      ASSERT_TRUE(killed) << "the run ended before the kill point three times";
      EXPECT_FALSE(fs::exists(out + "/summary.json")) << "a killed run left a summary";
      StoreState state;
      EXPECT_TRUE(CheckStore(store, &state));
    }
    Child rerun(RunArgs(out, db), work.File("rerun.out"), work.File("rerun.err"));
    ASSERT_EQ(rerun.Wait(), 0) << ReadFile(work.File("rerun.err"));
    for (const char* file : {"pairs.csv", "clusters.csv", "model.json"}) {
      EXPECT_TRUE(ReadFile(out + "/" + file) == ReadFile(ref + "/" + file)) << file << " differs";
    }
    EXPECT_EQ(Summary(out), Summary(ref));
    EXPECT_FALSE(fs::exists(out + "/rejects.csv"));
    StoreState state;
    EXPECT_TRUE(CheckStore(store, &state));
    EXPECT_EQ(state.clustered, state.Count());
  }
}

}  // namespace
}  // namespace probity

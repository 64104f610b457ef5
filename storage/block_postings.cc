// The blocks column family's merge operator: see block_postings.h.
#include "storage/block_postings.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "storage/store_format.h"

namespace probity::storage {

namespace rdb = ::ROCKSDB_NAMESPACE;

void AppendPageKey(std::string* out, uint8_t rule, uint64_t hash) {
  out->push_back(static_cast<char>(rule));
  PutBE16(out, static_cast<uint16_t>(hash >> 48));
}

void AppendPostingOp(std::string* out, std::string_view member_key, bool remove) {
  PutVarint(out, (uint64_t{member_key.size()} << 1) | (remove ? 1 : 0));
  out->append(member_key);
}

void AppendPageEntry(std::string* out, uint64_t hash, std::string_view ops) {
  PutBE64(out, hash);
  PutVarint(out, ops.size());
  out->append(ops);
}

namespace {

// A block's members while ops apply: insertion order kept, each member once.
// Small blocks search linearly; from kIndexAt members on, a hash map finds
// them (a block of a common surname can hold many thousands).
class MemberSet {
 public:
  void Add(std::string_view member) {
    if (Find(member) != kNone) return;
    if (!indexed_ && members_.size() + 1 >= kIndexAt) {
      for (size_t i = 0; i < members_.size(); ++i) {
        if (members_[i].data() != nullptr) index_.emplace(members_[i], i);
      }
      indexed_ = true;
    }
    if (indexed_) index_.emplace(member, members_.size());
    members_.push_back(member);
    ++live_;
  }
  void Remove(std::string_view member) {
    const size_t i = Find(member);
    if (i == kNone) return;
    members_[i] = std::string_view();  // a member key is never empty
    if (indexed_) index_.erase(member);
    --live_;
  }
  bool empty() const { return live_ == 0; }
  void Clear() {
    members_.clear();
    index_.clear();
    indexed_ = false;
    live_ = 0;
  }
  void AppendTo(std::string* out) const {
    for (std::string_view member : members_) {
      if (member.data() != nullptr) AppendPostingOp(out, member, /*remove=*/false);
    }
  }

 private:
  static constexpr size_t kNone = SIZE_MAX;
  static constexpr size_t kIndexAt = 32;
  size_t Find(std::string_view member) const {
    if (indexed_) {
      const auto it = index_.find(member);
      return it == index_.end() ? kNone : it->second;
    }
    for (size_t i = 0; i < members_.size(); ++i) {
      if (members_[i].data() != nullptr && members_[i] == member) return i;
    }
    return kNone;
  }
  std::vector<std::string_view> members_;  // removed ones: null views
  absl::flat_hash_map<std::string_view, size_t> index_;
  bool indexed_ = false;
  size_t live_ = 0;  // members not removed
};

// A block of a page: its hash and its posting ops.
struct PageBlock {
  uint64_t hash;
  std::string_view ops;
};

// True when `page` can stand as a merged value: blocks in increasing hash
// order, adds only, no empty block. (Writers never add a member twice in one
// block of one operand.) With `blocks`, also appends the page's blocks there.
bool ParseMergedForm(std::string_view page, std::vector<PageBlock>* blocks = nullptr) {
  bool first = true;
  uint64_t last = 0;
  bool ok = true;
  const bool well_formed = ForEachPageEntry(page, [&](uint64_t hash, std::string_view ops) {
    bool removes = false;
    ok = (first || hash > last) && !ops.empty() &&
         ForEachPostingOp(ops, [&removes](std::string_view, bool remove) {
           removes = remove;
           return !remove;
         }) &&
         !removes;
    first = false;
    last = hash;
    if (ok && blocks != nullptr) blocks->push_back(PageBlock{hash, ops});
    return ok;
  });
  return well_formed && ok;
}

class BlockPostingsOperator final : public rdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    // A bulk load leaves each page one operand of adds, in merged form.
    if (in.existing_value == nullptr && in.operand_list.size() == 1 &&
        ParseMergedForm(ToView(in.operand_list[0]))) {
      out->existing_operand = in.operand_list[0];
      return true;
    }
    // The operands' blocks by hash, each hash's in write order.
    std::vector<PageBlock> changes;
    for (const rdb::Slice& operand : in.operand_list) {
      if (!ForEachPageEntry(ToView(operand), [&changes](uint64_t hash, std::string_view ops) {
            changes.push_back(PageBlock{hash, ops});
            return true;
          })) {
        return false;
      }
    }
    std::stable_sort(changes.begin(), changes.end(),
                     [](const PageBlock& a, const PageBlock& b) { return a.hash < b.hash; });
    // The stored blocks, checked to be in merged form: the walk below relies
    // on their order, and copies the blocks no operand touches as they are.
    std::vector<PageBlock> stored;
    if (in.existing_value != nullptr && !ParseMergedForm(ToView(*in.existing_value), &stored)) {
      return false;
    }

    // A merge walk by hash: untouched blocks are copied, a changed block is
    // rebuilt from its stored members and its ops in order.
    std::string& page = out->new_value;
    page.clear();
    MemberSet members;
    std::string ops;
    bool ok = true;
    const auto apply = [&members](std::string_view member, bool remove) {
      if (remove) {
        members.Remove(member);
      } else {
        members.Add(member);
      }
      return true;
    };
    size_t s = 0;
    size_t c = 0;
    while (s < stored.size() || c < changes.size()) {
      const bool stored_first =
          c == changes.size() || (s < stored.size() && stored[s].hash <= changes[c].hash);
      const uint64_t hash = stored_first ? stored[s].hash : changes[c].hash;
      if (c == changes.size() || changes[c].hash != hash) {
        AppendPageEntry(&page, hash, stored[s++].ops);
        continue;
      }
      members.Clear();
      if (s < stored.size() && stored[s].hash == hash) ok = ForEachPostingOp(stored[s++].ops, apply) && ok;
      for (; c < changes.size() && changes[c].hash == hash; ++c) {
        ok = ForEachPostingOp(changes[c].ops, apply) && ok;
      }
      if (!members.empty()) {
        ops.clear();
        members.AppendTo(&ops);
        AppendPageEntry(&page, hash, ops);
      }
    }
    return ok;
  }
  const char* Name() const override { return "probity.BlockPostings"; }
};

}  // namespace

std::shared_ptr<rdb::MergeOperator> NewBlockPostingsOperator() {
  return std::make_shared<BlockPostingsOperator>();
}

}  // namespace probity::storage

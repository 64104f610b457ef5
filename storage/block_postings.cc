// The blocks column family's merge operator: see block_postings.h.
#include "storage/block_postings.h"

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "storage/store_format.h"

namespace probity::storage {

namespace rdb = ::ROCKSDB_NAMESPACE;

void AppendPostingOp(std::string* out, std::string_view member_key, bool remove) {
  PutVarint(out, (uint64_t{member_key.size()} << 1) | (remove ? 1 : 0));
  out->append(member_key);
}

namespace postings_internal {
bool ReadOpHeader(std::string_view* in, size_t* length, bool* remove) {
  uint64_t header = 0;
  if (!GetVarint(in, &header) || (header >> 1) > in->size()) return false;
  *length = static_cast<size_t>(header >> 1);
  *remove = (header & 1) != 0;
  return true;
}
}  // namespace postings_internal

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
  }
  void Remove(std::string_view member) {
    const size_t i = Find(member);
    if (i == kNone) return;
    members_[i] = std::string_view();  // a member key is never empty
    if (indexed_) index_.erase(member);
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
};

class BlockPostingsOperator final : public rdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    // A bulk load leaves each block one operand of adds (each member once):
    // it is the merged value as it stands.
    if (in.existing_value == nullptr && in.operand_list.size() == 1) {
      bool removes = false;
      if (!ForEachPostingOp(ToView(in.operand_list[0]), [&](std::string_view, bool remove) {
            removes = remove;
            return !remove;
          })) {
        return false;
      }
      if (!removes) {
        out->existing_operand = in.operand_list[0];
        return true;
      }
    }
    MemberSet members;
    const auto apply = [&members](std::string_view member, bool remove) {
      if (remove) {
        members.Remove(member);
      } else {
        members.Add(member);
      }
      return true;
    };
    if (in.existing_value != nullptr && !ForEachPostingOp(ToView(*in.existing_value), apply)) {
      return false;
    }
    for (const rdb::Slice& operand : in.operand_list) {
      if (!ForEachPostingOp(ToView(operand), apply)) return false;
    }
    out->new_value.clear();
    members.AppendTo(&out->new_value);
    return true;
  }
  const char* Name() const override { return "probity.BlockPostings"; }
};

}  // namespace

std::shared_ptr<rdb::MergeOperator> NewBlockPostingsOperator() {
  return std::make_shared<BlockPostingsOperator>();
}

}  // namespace probity::storage

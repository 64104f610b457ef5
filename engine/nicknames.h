// Nickname groups: Bill and William, Peggy and Margaret.
#ifndef PROBITY_ENGINE_NICKNAMES_H_
#define PROBITY_ENGINE_NICKNAMES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace probity {

// A table mapping names to the formal names they may stand for. Each formal
// name (the first column of the table) has a group id; a formal name belongs to
// its own group, a nickname to the group of every formal name it shortens.
// Two names are nickname-equivalent when their group lists intersect.
class NicknameTable {
 public:
  // The built-in table: data/nicknames.csv (carltonnorthern/nicknames, Apache
  // 2.0) compiled into the binary, extended with British and Irish diminutives
  // it lacks (Peggy, Jock, Paddy, Taff, Del, Kaz, ...).
  static const NicknameTable& Default();

  // Builds a table from CSV text in the `name1,relationship,name2` form with a
  // header row; rows whose relationship is not has_nickname are ignored. Names
  // are stored upper case with non-alphanumerics dropped. When a pair is listed
  // both ways, only the row whose formal name is longer counts (so "bill,
  // has_nickname,william" does not make William and Robert equivalent via Bill).
  static NicknameTable FromCsv(std::string_view csv);

  // Group ids for a normalised (ASCII upper-case) single-token name, sorted
  // ascending; empty if the name is in no group.
  const std::vector<uint32_t>& GroupsOf(std::string_view name) const;

  // True if the two names share a group.
  bool AreNicknames(std::string_view a, std::string_view b) const;

  size_t size() const { return groups_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  absl::flat_hash_map<std::string, std::vector<uint32_t>, Hash, Eq> groups_;
};

}  // namespace probity

#endif  // PROBITY_ENGINE_NICKNAMES_H_

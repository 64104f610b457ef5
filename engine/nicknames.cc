#include "engine/nicknames.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace probity::internal {
extern const std::string_view kNicknamesCsv;
}  // namespace probity::internal

namespace probity {
namespace {

// British and Irish diminutives missing from data/nicknames.csv (checked
// against it). Same form as the CSV, without a header. Irish or Scottish forms
// that are names in their own right (Sean, Seamus, Hamish, Liam) are left out.
constexpr std::string_view kExtraNicknamesCsv =
    "david,has_nickname,taff\n"
    "david,has_nickname,taffy\n"
    "david,has_nickname,dai\n"
    "david,has_nickname,davy\n"
    "derek,has_nickname,del\n"
    "karen,has_nickname,kaz\n"
    "gary,has_nickname,gaz\n"
    "gary,has_nickname,gazza\n"
    "gareth,has_nickname,gaz\n"
    "barry,has_nickname,baz\n"
    "barry,has_nickname,bazza\n"
    "darren,has_nickname,daz\n"
    "darren,has_nickname,dazza\n"
    "sharon,has_nickname,shaz\n"
    "sharon,has_nickname,shazza\n"
    "terence,has_nickname,tel\n"
    "terence,has_nickname,tez\n"
    "terry,has_nickname,tel\n"
    "terry,has_nickname,tez\n"
    "rebecca,has_nickname,bex\n"
    "alfred,has_nickname,alfie\n"
    "alfred,has_nickname,alf\n"
    "margaret,has_nickname,mags\n"
    "margaret,has_nickname,maisie\n"
    "thomas,has_nickname,tam\n"
    "angus,has_nickname,gus\n"
    "fergus,has_nickname,fergie\n"
    "robert,has_nickname,rab\n"
    "robert,has_nickname,rabbie\n"
    "robert,has_nickname,robbie\n"
    "christine,has_nickname,chrissie\n"
    "christine,has_nickname,kirsty\n"
    "christina,has_nickname,kirsty\n"
    "jonathan,has_nickname,jonno\n"
    "nicola,has_nickname,nicky\n"
    "nicola,has_nickname,nikki\n"
    "victoria,has_nickname,vikki\n"
    "susan,has_nickname,suzy\n"
    "katherine,has_nickname,kath\n"
    "katherine,has_nickname,katie\n"
    "katherine,has_nickname,kitty\n"
    "catherine,has_nickname,kath\n"
    "catherine,has_nickname,cath\n"
    "kathleen,has_nickname,kath\n"
    "kathryn,has_nickname,kath\n"
    "gerard,has_nickname,gerry\n"
    "gerard,has_nickname,ger\n"
    "declan,has_nickname,dec\n"
    "desmond,has_nickname,des\n"
    "desmond,has_nickname,dessie\n"
    "colin,has_nickname,col\n"
    "stanley,has_nickname,stan\n"
    "albert,has_nickname,bertie\n"
    "sydney,has_nickname,syd\n"
    "natalie,has_nickname,nat\n"
    "natasha,has_nickname,tash\n"
    "nathan,has_nickname,nath\n"
    "jason,has_nickname,jase\n"
    "mohammed,has_nickname,mo\n"
    "mohammad,has_nickname,mo\n"
    "mohamed,has_nickname,mo\n"
    "muhammad,has_nickname,mo\n"
    "maureen,has_nickname,mo\n"
    "maurice,has_nickname,mo\n"
    "benjamin,has_nickname,benji\n"
    "finlay,has_nickname,fin\n"
    "lewis,has_nickname,lew\n"
    "isabel,has_nickname,izzy\n"
    "isobel,has_nickname,izzy\n"
    "isobel,has_nickname,izzie\n"
    "michelle,has_nickname,shell\n"
    "helen,has_nickname,nell\n"
    "elizabeth,has_nickname,ellie\n"
    "elizabeth,has_nickname,elsie\n"
    "olivia,has_nickname,liv\n"
    "philippa,has_nickname,pippa\n"
    "deborah,has_nickname,debs\n"
    "charles,has_nickname,chas\n"
    "charles,has_nickname,chaz\n"
    "charlotte,has_nickname,charlie\n"
    "wilfred,has_nickname,wilf\n"
    "jeremy,has_nickname,jez\n"
    "jeremy,has_nickname,jerry\n"
    "nigel,has_nickname,nige\n"
    "trevor,has_nickname,trev\n"
    "adrian,has_nickname,ade\n"
    "rachel,has_nickname,rach\n"
    "sophie,has_nickname,soph\n"
    "sophia,has_nickname,soph\n"
    "gemma,has_nickname,gem\n"
    "melanie,has_nickname,mel\n"
    "stephen,has_nickname,stevie\n"
    "stephanie,has_nickname,stef\n"
    "alexander,has_nickname,sasha\n"
    "alexandra,has_nickname,sasha\n";

// The table's key form: ASCII upper case with anything but letters and digits
// dropped ("k.c." -> "KC"), matching the tokens NormaliseName produces.
std::string CanonicalName(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - ('a' - 'A')));
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

size_t NicknameTable::Hash::operator()(std::string_view s) const {
  return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
}

NicknameTable NicknameTable::FromCsv(std::string_view csv) {
  std::vector<std::pair<std::string, std::string>> rows;  // (formal, nickname)
  bool header = true;
  while (!csv.empty()) {
    size_t eol = csv.find('\n');
    std::string_view line = csv.substr(0, eol);
    csv.remove_prefix(eol == std::string_view::npos ? csv.size() : eol + 1);
    line = Trim(line);
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    size_t c1 = line.find(',');
    if (c1 == std::string_view::npos) continue;
    size_t c2 = line.find(',', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    if (Trim(line.substr(c1 + 1, c2 - c1 - 1)) != "has_nickname") continue;
    std::string formal = CanonicalName(line.substr(0, c1));
    std::string nick = CanonicalName(line.substr(c2 + 1));
    if (formal.empty() || nick.empty() || formal == nick) continue;
    rows.emplace_back(std::move(formal), std::move(nick));
  }

  // The source lists some pairs both ways ("william,bill" and "bill,william").
  // Taking both would make a hub of the nickname: Bill's group would hold both
  // William and Robert and so make them equivalent. Of such a pair only the
  // row whose formal name is longer (on a tie, sorts first) is kept.
  absl::flat_hash_set<std::pair<std::string, std::string>> all(rows.begin(), rows.end());
  auto keep = [&all](const std::pair<std::string, std::string>& r) {
    if (!all.contains(std::make_pair(r.second, r.first))) return true;
    return r.first.size() > r.second.size() ||
           (r.first.size() == r.second.size() && r.first < r.second);
  };

  NicknameTable table;
  absl::flat_hash_map<std::string, uint32_t, Hash, Eq> formal_ids;
  for (const auto& row : rows) {
    if (!keep(row)) continue;
    auto [it, inserted] =
        formal_ids.try_emplace(row.first, static_cast<uint32_t>(formal_ids.size()));
    const uint32_t id = it->second;
    if (inserted) table.groups_[row.first].push_back(id);
    table.groups_[row.second].push_back(id);
  }
  for (auto& [name, ids] : table.groups_) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    ids.shrink_to_fit();
  }
  return table;
}

const NicknameTable& NicknameTable::Default() {
  // Built once, thread-safely (function-local static); never destroyed.
  static const NicknameTable* const table = [] {
    std::string csv(internal::kNicknamesCsv);
    if (!csv.empty() && csv.back() != '\n') csv.push_back('\n');
    csv.append(kExtraNicknamesCsv);
    return new NicknameTable(FromCsv(csv));
  }();
  return *table;
}

const std::vector<uint32_t>& NicknameTable::GroupsOf(std::string_view name) const {
  static const std::vector<uint32_t> kEmpty;
  auto it = groups_.find(name);
  return it == groups_.end() ? kEmpty : it->second;
}

bool NicknameTable::AreNicknames(std::string_view a, std::string_view b) const {
  const std::vector<uint32_t>& ga = GroupsOf(a);
  if (ga.empty()) return false;
  const std::vector<uint32_t>& gb = GroupsOf(b);
  size_t i = 0, j = 0;
  while (i < ga.size() && j < gb.size()) {
    if (ga[i] == gb[j]) return true;
    if (ga[i] < gb[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

}  // namespace probity

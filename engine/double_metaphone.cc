// Double Metaphone, written from the rules of Lawrence Philips' article "The
// Double Metaphone Search Algorithm" (C/C++ Users Journal, June 2000).
//
// The original treats the input as a phrase in which spaces matter ("VAN ",
// "SAN ", "MAC CAFFREY"); our input is one word with non-letters ignored, so
// the rules that test for an inner space can never fire and are left out. The
// word is conceptually padded with spaces at the end, as in the original, so
// that look-ahead tests such as "IER " at the end of a word work.
#include "engine/double_metaphone.h"

#include <cstring>
#include <initializer_list>

#include "absl/container/inlined_vector.h"

namespace probity {
namespace {

constexpr size_t kMaxCode = 4;
constexpr size_t kPad = 8;

// A code under construction; keeps a few characters beyond kMaxCode so the
// loop can stop once both codes are full, then truncates.
class Code {
 public:
  void Add(const char* s) {
    for (; *s != '\0'; ++s) {
      if (len_ < sizeof(buf_)) buf_[len_++] = *s;
    }
  }
  bool Full() const { return len_ >= kMaxCode; }
  std::string Str() const { return std::string(buf_, len_ < kMaxCode ? len_ : kMaxCode); }

 private:
  char buf_[12];
  size_t len_ = 0;
};

class Encoder {
 public:
  explicit Encoder(std::string_view word) {
    for (char c : word) {
      if (c >= 'a' && c <= 'z') {
        w_.push_back(static_cast<char>(c - ('a' - 'A')));
      } else if (c >= 'A' && c <= 'Z') {
        w_.push_back(c);
      }
    }
    n_ = static_cast<int>(w_.size());
    last_ = n_ - 1;
    std::string_view letters(w_.data(), w_.size());
    slavo_germanic_ = letters.find_first_of("WK") != std::string_view::npos ||
                      letters.find("CZ") != std::string_view::npos;  // WITZ contains W
    // The rules look at most 5 letters past the current one; pad with spaces
    // so look-ahead needs no bounds checks.
    w_.insert(w_.end(), kPad, ' ');
  }

  MetaphoneCodes Encode();

 private:
  // The character at i; ' ' past the end (the padding) and '\0' before the start.
  char At(int i) const {
    if (i < 0) return '\0';
    if (i >= n_) return ' ';
    return w_[static_cast<size_t>(i)];
  }
  bool IsVowel(int i) const {
    if (i < 0 || i >= n_) return false;
    switch (w_[static_cast<size_t>(i)]) {
      case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
        return true;
      default:
        return false;
    }
  }
  // True if the text at `start` equals one of `options`.
  bool StringAt(int start, std::initializer_list<std::string_view> options) const {
    if (start < 0) return false;
    const size_t pos = static_cast<size_t>(start);
    for (std::string_view opt : options) {
      if (pos + opt.size() <= w_.size() &&
          std::memcmp(w_.data() + pos, opt.data(), opt.size()) == 0) {
        return true;
      }
    }
    return false;
  }
  void Add(const char* both) {
    primary_.Add(both);
    alternate_.Add(both);
  }
  void Add(const char* main, const char* alt) {
    primary_.Add(main);
    alternate_.Add(alt);
  }
  // Advances past the current letter, and past a doubled copy of it.
  void SkipDouble(int* current, char c) const { *current += (At(*current + 1) == c) ? 2 : 1; }

  int HandleC(int current);
  int HandleG(int current);
  int HandleJ(int current);
  int HandleS(int current);
  int HandleW(int current);

  absl::InlinedVector<char, 32> w_;
  int n_ = 0;
  int last_ = -1;
  bool slavo_germanic_ = false;
  Code primary_;
  Code alternate_;
};

int Encoder::HandleC(int current) {
  // Germanic "ACH" as in "bacher", "macher", but not "bach-i" / "bache".
  if (current > 1 && !IsVowel(current - 2) && StringAt(current - 1, {"ACH"}) &&
      At(current + 2) != 'I' &&
      (At(current + 2) != 'E' || StringAt(current - 2, {"BACHER", "MACHER"}))) {
    Add("K");
    return current + 2;
  }
  if (current == 0 && StringAt(current, {"CAESAR"})) {
    Add("S");
    return current + 2;
  }
  if (StringAt(current, {"CHIA"})) {  // Italian "chianti"
    Add("K");
    return current + 2;
  }
  if (StringAt(current, {"CH"})) {
    if (current > 0 && StringAt(current, {"CHAE"})) {  // "michael"
      Add("K", "X");
      return current + 2;
    }
    // Greek roots at the start: "character", "charisma", "chorus", "chemistry".
    if (current == 0 &&
        (StringAt(current + 1, {"HARAC", "HARIS"}) ||
         StringAt(current + 1, {"HOR", "HYM", "HIA", "HEM"})) &&
        !StringAt(0, {"CHORE"})) {
      Add("K");
      return current + 2;
    }
    // Germanic or Greek "ch" sounding as "k".
    if (StringAt(0, {"SCH"}) || StringAt(current - 2, {"ORCHES", "ARCHIT", "ORCHID"}) ||
        StringAt(current + 2, {"T", "S"}) ||
        ((StringAt(current - 1, {"A", "O", "U", "E"}) || current == 0) &&
         StringAt(current + 2, {"L", "R", "N", "M", "B", "H", "F", "V", "W", " "}))) {
      Add("K");
    } else if (current > 0) {
      if (StringAt(0, {"MC"})) {
        Add("K");
      } else {
        Add("X", "K");
      }
    } else {
      Add("X");
    }
    return current + 2;
  }
  if (StringAt(current, {"CZ"}) && !StringAt(current - 2, {"WICZ"})) {  // "czerny"
    Add("S", "X");
    return current + 2;
  }
  if (StringAt(current + 1, {"CIA"})) {  // "focaccia"
    Add("X");
    return current + 3;
  }
  // Double C, but not as in "McClellan".
  if (StringAt(current, {"CC"}) && !(current == 1 && At(0) == 'M')) {
    // "bellocchio" but not "bacchus".
    if (StringAt(current + 2, {"I", "E", "H"}) && !StringAt(current + 2, {"HU"})) {
      if ((current == 1 && At(current - 1) == 'A') || StringAt(current - 1, {"UCCEE", "UCCES"})) {
        Add("KS");  // "accident", "accede", "succeed"
      } else {
        Add("X");  // "bacci", "bertucci"
      }
      return current + 3;
    }
    Add("K");  // Pierce's rule
    return current + 2;
  }
  if (StringAt(current, {"CK", "CG", "CQ"})) {
    Add("K");
    return current + 2;
  }
  if (StringAt(current, {"CI", "CE", "CY"})) {
    if (StringAt(current, {"CIO", "CIE", "CIA"})) {  // Italian
      Add("S", "X");
    } else {
      Add("S");
    }
    return current + 2;
  }
  Add("K");
  if (StringAt(current + 1, {"C", "K", "Q"}) && !StringAt(current + 1, {"CE", "CI"})) {
    return current + 2;
  }
  return current + 1;
}

int Encoder::HandleG(int current) {
  if (At(current + 1) == 'H') {
    if (current > 0 && !IsVowel(current - 1)) {
      Add("K");
      return current + 2;
    }
    if (current == 0) {  // "ghislane", "ghiradelli", "ghost"
      Add(At(current + 2) == 'I' ? "J" : "K");
      return current + 2;
    }
    // Parker's rule, e.g. "hugh", "bough", "broughton": silent.
    if ((current > 1 && StringAt(current - 2, {"B", "H", "D"})) ||
        (current > 2 && StringAt(current - 3, {"B", "H", "D"})) ||
        (current > 3 && StringAt(current - 4, {"B", "H"}))) {
      return current + 2;
    }
    // "laugh", "McLaughlin", "cough", "gough", "rough", "tough".
    if (current > 2 && At(current - 1) == 'U' &&
        StringAt(current - 3, {"C", "G", "L", "R", "T"})) {
      Add("F");
    } else if (current > 0 && At(current - 1) != 'I') {
      Add("K");
    }
    return current + 2;
  }
  if (At(current + 1) == 'N') {
    if (current == 1 && IsVowel(0) && !slavo_germanic_) {
      Add("KN", "N");
    } else if (!StringAt(current + 2, {"EY"}) && At(current + 1) != 'Y' && !slavo_germanic_) {
      Add("N", "KN");  // not e.g. "cagney"
    } else {
      Add("KN");
    }
    return current + 2;
  }
  if (StringAt(current + 1, {"LI"}) && !slavo_germanic_) {  // "tagliaro"
    Add("KL", "L");
    return current + 2;
  }
  // -ges-, -gep-, -gel-, -gie- at the beginning.
  if (current == 0 &&
      (At(current + 1) == 'Y' || StringAt(current + 1, {"ES", "EP", "EB", "EL", "EY", "IB", "IL",
                                                        "IN", "IE", "EI", "ER"}))) {
    Add("K", "J");
    return current + 2;
  }
  // -ger-, -gy-.
  if ((StringAt(current + 1, {"ER"}) || At(current + 1) == 'Y') &&
      !StringAt(0, {"DANGER", "RANGER", "MANGER"}) && !StringAt(current - 1, {"E", "I"}) &&
      !StringAt(current - 1, {"RGY", "OGY"})) {
    Add("K", "J");
    return current + 2;
  }
  // Italian, e.g. "biaggi".
  if (StringAt(current + 1, {"E", "I", "Y"}) || StringAt(current - 1, {"AGGI", "OGGI"})) {
    if (StringAt(0, {"SCH"}) || StringAt(current + 1, {"ET"})) {
      Add("K");  // obviously Germanic
    } else if (StringAt(current + 1, {"IER "})) {
      Add("J");  // always soft in a French ending
    } else {
      Add("J", "K");
    }
    return current + 2;
  }
  Add("K");
  return current + (At(current + 1) == 'G' ? 2 : 1);
}

int Encoder::HandleJ(int current) {
  // Obvious Spanish: "jose".
  if (StringAt(current, {"JOSE"})) {
    if (current == 0 && At(current + 4) == ' ') {
      Add("H");
    } else {
      Add("J", "H");
    }
    return current + 1;
  }
  if (current == 0) {
    Add("J", "A");  // "Yankelovich" / "Jankelowicz"
  } else if (IsVowel(current - 1) && !slavo_germanic_ &&
             (At(current + 1) == 'A' || At(current + 1) == 'O')) {
    Add("J", "H");  // Spanish, e.g. "bajador"
  } else if (current == last_) {
    Add("J", "");
  } else if (!StringAt(current + 1, {"L", "T", "K", "S", "N", "M", "B", "Z"}) &&
             !StringAt(current - 1, {"S", "K", "L"})) {
    Add("J");
  }
  return current + (At(current + 1) == 'J' ? 2 : 1);
}

int Encoder::HandleS(int current) {
  if (StringAt(current - 1, {"ISL", "YSL"})) {  // "island", "isle", "carlisle"
    return current + 1;
  }
  if (current == 0 && StringAt(current, {"SUGAR"})) {
    Add("X", "S");
    return current + 1;
  }
  if (StringAt(current, {"SH"})) {
    if (StringAt(current + 1, {"HEIM", "HOEK", "HOLM", "HOLZ"})) {
      Add("S");  // Germanic
    } else {
      Add("X");
    }
    return current + 2;
  }
  // Italian and Armenian.
  if (StringAt(current, {"SIO", "SIA"}) || StringAt(current, {"SIAN"})) {
    if (!slavo_germanic_) {
      Add("S", "X");
    } else {
      Add("S");
    }
    return current + 3;
  }
  // German and anglicised forms ("smith" / "schmidt", "snider" / "schneider"),
  // and Slavic -sz- (Hungarian "s").
  if ((current == 0 && StringAt(current + 1, {"M", "N", "L", "W"})) ||
      StringAt(current + 1, {"Z"})) {
    Add("S", "X");
    return current + (StringAt(current + 1, {"Z"}) ? 2 : 1);
  }
  if (StringAt(current, {"SC"})) {
    if (At(current + 2) == 'H') {  // Schlesinger's rule
      // Dutch origin, e.g. "school", "schooner".
      if (StringAt(current + 3, {"OO", "ER", "EN", "UY", "ED", "EM"})) {
        if (StringAt(current + 3, {"ER", "EN"})) {
          Add("X", "SK");  // "schermerhorn", "schenker"
        } else {
          Add("SK");
        }
        return current + 3;
      }
      if (current == 0 && !IsVowel(3) && At(3) != 'W') {
        Add("X", "S");
      } else {
        Add("X");
      }
      return current + 3;
    }
    if (StringAt(current + 2, {"I", "E", "Y"})) {
      Add("S");
    } else {
      Add("SK");
    }
    return current + 3;
  }
  // French endings, e.g. "resnais", "artois".
  if (current == last_ && StringAt(current - 2, {"AI", "OI"})) {
    Add("", "S");
  } else {
    Add("S");
  }
  return current + (StringAt(current + 1, {"S", "Z"}) ? 2 : 1);
}

int Encoder::HandleW(int current) {
  if (StringAt(current, {"WR"})) {
    Add("R");
    return current + 2;
  }
  if (current == 0 && (IsVowel(current + 1) || StringAt(current, {"WH"}))) {
    // "Wasserman" should match "Vasserman"; "Uomo" should match "Womo".
    if (IsVowel(current + 1)) {
      Add("A", "F");
    } else {
      Add("A");
    }
  }
  // "Arnow" should match "Arnoff".
  if ((current == last_ && IsVowel(current - 1)) ||
      StringAt(current - 1, {"EWSKI", "EWSKY", "OWSKI", "OWSKY"}) || StringAt(0, {"SCH"})) {
    Add("", "F");
    return current + 1;
  }
  if (StringAt(current, {"WICZ", "WITZ"})) {  // Polish, e.g. "filipowicz"
    Add("TS", "FX");
    return current + 4;
  }
  return current + 1;
}

MetaphoneCodes Encoder::Encode() {
  int current = 0;
  if (n_ == 0) return {};
  // Silent first letter.
  if (StringAt(0, {"GN", "KN", "PN", "WR", "PS"})) current = 1;
  // Initial X sounds like Z ("Xavier"), encoded S.
  if (At(0) == 'X') {
    Add("S");
    current = 1;
  }

  while ((!primary_.Full() || !alternate_.Full()) && current < n_) {
    const char c = At(current);
    switch (c) {
      case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
        if (current == 0) Add("A");  // every initial vowel maps to A
        ++current;
        break;
      case 'B':
        Add("P");
        SkipDouble(&current, 'B');
        break;
      case 'C':
        current = HandleC(current);
        break;
      case 'D':
        if (StringAt(current, {"DG"})) {
          if (StringAt(current + 2, {"I", "E", "Y"})) {
            Add("J");  // "edge"
            current += 3;
          } else {
            Add("TK");  // "edgar"
            current += 2;
          }
        } else if (StringAt(current, {"DT", "DD"})) {
          Add("T");
          current += 2;
        } else {
          Add("T");
          ++current;
        }
        break;
      case 'F':
        Add("F");
        SkipDouble(&current, 'F');
        break;
      case 'G':
        current = HandleG(current);
        break;
      case 'H':
        // Kept only when first or after a vowel, and before a vowel.
        if ((current == 0 || IsVowel(current - 1)) && IsVowel(current + 1)) {
          Add("H");
          current += 2;
        } else {
          ++current;
        }
        break;
      case 'J':
        current = HandleJ(current);
        break;
      case 'K':
        Add("K");
        SkipDouble(&current, 'K');
        break;
      case 'L':
        if (At(current + 1) == 'L') {
          // Spanish, e.g. "cabrillo", "gallegos": the alternate drops the L.
          if ((current == n_ - 3 && StringAt(current - 1, {"ILLO", "ILLA", "ALLE"})) ||
              ((StringAt(last_ - 1, {"AS", "OS"}) || StringAt(last_, {"A", "O"})) &&
               StringAt(current - 1, {"ALLE"}))) {
            Add("L", "");
            current += 2;
            break;
          }
          current += 2;
        } else {
          ++current;
        }
        Add("L");
        break;
      case 'M':
        // "dumb", "thumb", "numbers": the B is silent.
        if ((StringAt(current - 1, {"UMB"}) &&
             (current + 1 == last_ || StringAt(current + 2, {"ER"}))) ||
            At(current + 1) == 'M') {
          current += 2;
        } else {
          ++current;
        }
        Add("M");
        break;
      case 'N':
        Add("N");
        SkipDouble(&current, 'N');
        break;
      case 'P':
        if (At(current + 1) == 'H') {
          Add("F");
          current += 2;
        } else {
          Add("P");  // also "campbell", "raspberry"
          current += StringAt(current + 1, {"P", "B"}) ? 2 : 1;
        }
        break;
      case 'Q':
        Add("K");
        SkipDouble(&current, 'Q');
        break;
      case 'R':
        // French, e.g. "rogier", but not "hochmeier".
        if (current == last_ && !slavo_germanic_ && StringAt(current - 2, {"IE"}) &&
            !StringAt(current - 4, {"ME", "MA"})) {
          Add("", "R");
        } else {
          Add("R");
        }
        SkipDouble(&current, 'R');
        break;
      case 'S':
        current = HandleS(current);
        break;
      case 'T':
        if (StringAt(current, {"TION"})) {
          Add("X");
          current += 3;
        } else if (StringAt(current, {"TIA", "TCH"})) {
          Add("X");
          current += 3;
        } else if (StringAt(current, {"TH"}) || StringAt(current, {"TTH"})) {
          // "thomas", "thames", or Germanic.
          if (StringAt(current + 2, {"OM", "AM"}) || StringAt(0, {"SCH"})) {
            Add("T");
          } else {
            Add("0", "T");
          }
          current += 2;
        } else {
          Add("T");
          current += StringAt(current + 1, {"T", "D"}) ? 2 : 1;
        }
        break;
      case 'V':
        Add("F");
        SkipDouble(&current, 'V');
        break;
      case 'W':
        current = HandleW(current);
        break;
      case 'X':
        // French, e.g. "breaux": silent.
        if (!(current == last_ &&
              (StringAt(current - 3, {"IAU", "EAU"}) || StringAt(current - 2, {"AU", "OU"})))) {
          Add("KS");
        }
        current += StringAt(current + 1, {"C", "X"}) ? 2 : 1;
        break;
      case 'Z':
        if (At(current + 1) == 'H') {  // Chinese pinyin, e.g. "zhao"
          Add("J");
          current += 2;
          break;
        }
        if (StringAt(current + 1, {"ZO", "ZI", "ZA"}) ||
            (slavo_germanic_ && current > 0 && At(current - 1) != 'T')) {
          Add("S", "TS");
        } else {
          Add("S");
        }
        SkipDouble(&current, 'Z');
        break;
      default:
        ++current;
        break;
    }
  }
  return MetaphoneCodes{primary_.Str(), alternate_.Str()};
}

}  // namespace

MetaphoneCodes DoubleMetaphone(std::string_view word) { return Encoder(word).Encode(); }

}  // namespace probity

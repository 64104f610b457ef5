#include "engine/name_normaliser.h"

#include <utf8proc.h>

#include <cstdint>

namespace probity {
namespace {

constexpr std::string_view kTitles[] = {"MR",  "MRS", "MS",  "MISS", "MX",   "DR",
                                        "PROF", "REV", "SIR", "DAME", "LORD", "LADY"};

// Appends characters to the result, inserting one space between tokens. A
// separator only marks that the next token character must start a new token,
// so runs of separators and leading/trailing separators cost nothing.
class TokenWriter {
 public:
  explicit TokenWriter(std::string* out) : out_(out) {}

  void Char(char upper) {
    if (split_) {
      if (!out_->empty()) out_->push_back(' ');
      split_ = false;
    }
    out_->push_back(upper);
  }
  void Text(const char* s) {
    for (; *s != '\0'; ++s) Char(*s);
  }
  void Split() { split_ = true; }

  // Handles one ASCII character.
  void Ascii(unsigned char c) {
    if (c >= 'a' && c <= 'z') {
      Char(static_cast<char>(c - ('a' - 'A')));
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      Char(static_cast<char>(c));
    } else if (c != '\'' && c != '`') {
      Split();  // apostrophes vanish without splitting; all else splits
    }
  }

 private:
  std::string* out_;
  bool split_ = false;
};

bool IsApostrophe(int32_t cp) {
  switch (cp) {
    case 0x00B4:  // ´ acute accent (NFKD would turn it into a space + mark)
    case 0x02B9:  // ʹ modifier prime
    case 0x02BB:  // ʻ turned comma (okina)
    case 0x02BC:  // ʼ modifier apostrophe
    case 0x02BD:  // ʽ reversed comma
    case 0x02C8:  // ˈ vertical line
    case 0x2018:  // ‘
    case 0x2019:  // ’
    case 0x201B:  // ‛
    case 0x2032:  // ′ prime
    case 0xFF07:  // ＇ full-width apostrophe
    case 0xFF40:  // ｀ full-width grave
      return true;
    default:
      return false;
  }
}

// ASCII spellings of letters that have no Unicode decomposition to ASCII.
// Applied after decomposition, so e.g. ǿ (ø + acute) also reaches here as ø.
const char* Transliterate(int32_t cp) {
  switch (cp) {
    case 0x00C6: case 0x00E6: case 0x01E2: case 0x01E3: case 0x01FC: case 0x01FD:
      return "AE";  // Æ æ
    case 0x00D0: case 0x00F0: case 0x0110: case 0x0111: case 0x0189: case 0x0256:
      return "D";  // Ð ð Đ đ
    case 0x00D8: case 0x00F8: case 0x019F: case 0x0275:
      return "O";  // Ø ø
    case 0x00DE: case 0x00FE:
      return "TH";  // Þ þ
    case 0x00DF: case 0x1E9E:
      return "SS";  // ß ẞ
    case 0x0126: case 0x0127:
      return "H";  // Ħ ħ
    case 0x0131:
      return "I";  // dotless ı
    case 0x0237:
      return "J";  // dotless ȷ
    case 0x0138:
      return "K";  // ĸ
    case 0x013F: case 0x0140: case 0x0141: case 0x0142: case 0x019A: case 0x023D:
      return "L";  // Ŀ ŀ Ł ł ƚ Ƚ
    case 0x014A: case 0x014B:
      return "NG";  // Ŋ ŋ
    case 0x0152: case 0x0153:
      return "OE";  // Œ œ
    case 0x0166: case 0x0167:
      return "T";  // Ŧ ŧ
    case 0x0180: case 0x0181: case 0x0243: case 0x0253:
      return "B";  // ƀ Ɓ Ƀ ɓ
    case 0x0187: case 0x0188: case 0x023B: case 0x023C:
      return "C";  // Ƈ ƈ Ȼ ȼ
    case 0x018A: case 0x0257:
      return "D";  // Ɗ ɗ
    case 0x018E: case 0x01DD: case 0x0246: case 0x0247:
      return "E";  // Ǝ ǝ Ɇ ɇ
    case 0x0191: case 0x0192:
      return "F";  // Ƒ ƒ
    case 0x0193: case 0x01E4: case 0x01E5: case 0x0260:
      return "G";  // Ɠ Ǥ ǥ ɠ
    case 0x0197: case 0x0268:
      return "I";  // Ɨ ɨ
    case 0x0198: case 0x0199:
      return "K";  // Ƙ ƙ
    case 0x019D: case 0x0272:
      return "N";  // Ɲ ɲ
    case 0x01A4: case 0x01A5:
      return "P";  // Ƥ ƥ
    case 0x01AC: case 0x01AD: case 0x01AE: case 0x023E:
      return "T";  // Ƭ ƭ Ʈ Ⱦ
    case 0x01B2: case 0x028B:
      return "V";  // Ʋ ʋ
    case 0x01B3: case 0x01B4: case 0x024E: case 0x024F:
      return "Y";  // Ƴ ƴ Ɏ ɏ
    case 0x01B5: case 0x01B6: case 0x0224: case 0x0225:
      return "Z";  // Ƶ ƶ Ȥ ȥ
    case 0x01B7: case 0x0292:
      return "ZH";  // Ʒ ʒ (ezh)
    case 0x0222: case 0x0223:
      return "OU";  // Ȣ ȣ
    case 0x0248: case 0x0249:
      return "J";  // Ɉ ɉ
    case 0x024C: case 0x024D:
      return "R";  // Ɍ ɍ
    default:
      return nullptr;
  }
}

// True for code points that belong inside a token (letters, marks, digits)
// even though they have no ASCII form: they are dropped without splitting.
bool IsWordCodepoint(int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// Handles one decomposed code point.
void EmitDecomposed(int32_t cp, TokenWriter* w) {
  if (cp < 0x80) {
    w->Ascii(static_cast<unsigned char>(cp));
  } else if (const char* t = Transliterate(cp)) {
    w->Text(t);
  } else if (IsApostrophe(cp)) {
    // e.g. a compatibility form that decomposed to another apostrophe.
  } else if (!IsWordCodepoint(cp)) {
    w->Split();
  }
  // Other letters (non-Latin scripts) are dropped.
}

void EmitCodepoint(int32_t cp, TokenWriter* w) {
  if (IsApostrophe(cp)) return;
  if (const char* t = Transliterate(cp)) {
    w->Text(t);
    return;
  }
  // The longest compatibility decomposition is 18 code points (U+FDFA).
  utf8proc_int32_t buf[32];
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                      UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
  utf8proc_ssize_t n = utf8proc_decompose_char(cp, buf, 32, options, nullptr);
  if (n < 0 || n > 32) {
    EmitDecomposed(cp, w);
    return;
  }
  for (utf8proc_ssize_t i = 0; i < n; ++i) EmitDecomposed(buf[i], w);
}

bool IsTitle(std::string_view token) {
  for (std::string_view t : kTitles) {
    if (token == t) return true;
  }
  return false;
}

// Drops leading titles while another token remains, then joins each lone "O"
// token to the token after it.
void FinishTokens(std::string* s) {
  size_t drop = 0;
  for (;;) {
    size_t space = s->find(' ', drop);
    if (space == std::string::npos) break;
    if (!IsTitle(std::string_view(*s).substr(drop, space - drop))) break;
    drop = space + 1;
  }
  if (drop > 0) s->erase(0, drop);

  // Joining only removes spaces, so compact in place.
  size_t out = 0;
  size_t token_start = 0;
  for (size_t i = 0; i < s->size(); ++i) {
    char c = (*s)[i];
    if (c == ' ') {
      bool lone_o = (out - token_start == 1 && (*s)[token_start] == 'O');
      if (lone_o) continue;  // the next token continues this one
      (*s)[out++] = ' ';
      token_start = out;
      continue;
    }
    (*s)[out++] = c;
  }
  s->resize(out);
}

}  // namespace

std::string NormaliseName(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  TokenWriter w(&out);

  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  const auto* end = p + raw.size();
  while (p < end) {
    if (*p < 0x80) {
      w.Ascii(*p++);
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p, end - p, &cp);
    if (len <= 0) {
      ++p;  // invalid byte: drop it and resynchronise on the next one
      continue;
    }
    p += len;
    EmitCodepoint(cp, &w);
  }
  if (out.find(' ') != std::string::npos) FinishTokens(&out);
  return out;
}

std::vector<std::string_view> NameTokens(std::string_view normalised) {
  std::vector<std::string_view> tokens;
  ForEachNameToken(normalised, [&](std::string_view token) { tokens.push_back(token); });
  return tokens;
}

}  // namespace probity

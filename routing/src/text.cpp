#include "text.h"

#include <libstemmer.h>
#include <utf8proc.h>

#include <array>
#include <cstdlib>

namespace triaged::routing {
namespace {

enum class Script { latin, cyrillic, greek, arabic, armenian, devanagari, tamil, hebrew, other };

struct Language {
  const char* code;
  const char* snowball;
  Script script;
};

// Snowball algorithms shipped in Debian's libstemmer 2.2, keyed by ISO 639-1 code.
constexpr std::array kLanguages = {
    Language{"ru", "russian", Script::cyrillic},    Language{"en", "english", Script::latin},
    Language{"de", "german", Script::latin},        Language{"fr", "french", Script::latin},
    Language{"es", "spanish", Script::latin},       Language{"it", "italian", Script::latin},
    Language{"pt", "portuguese", Script::latin},    Language{"nl", "dutch", Script::latin},
    Language{"sv", "swedish", Script::latin},       Language{"no", "norwegian", Script::latin},
    Language{"da", "danish", Script::latin},        Language{"fi", "finnish", Script::latin},
    Language{"hu", "hungarian", Script::latin},     Language{"ro", "romanian", Script::latin},
    Language{"tr", "turkish", Script::latin},       Language{"ca", "catalan", Script::latin},
    Language{"eu", "basque", Script::latin},        Language{"ga", "irish", Script::latin},
    Language{"id", "indonesian", Script::latin},    Language{"lt", "lithuanian", Script::latin},
    Language{"sr", "serbian", Script::cyrillic},    Language{"el", "greek", Script::greek},
    Language{"ar", "arabic", Script::arabic},       Language{"hy", "armenian", Script::armenian},
    Language{"hi", "hindi", Script::devanagari},    Language{"ne", "nepali", Script::devanagari},
    Language{"ta", "tamil", Script::tamil},         Language{"yi", "yiddish", Script::hebrew},
};

const Language* find_language(const std::string& code) {
  for (const auto& l : kLanguages)
    if (code == l.code) return &l;
  return nullptr;
}

Script script_of(utf8proc_int32_t c) {
  if (c < 0x80 || (c >= 0xC0 && c <= 0x24F) || (c >= 0x1E00 && c <= 0x1EFF)) return Script::latin;
  if (c >= 0x400 && c <= 0x52F) return Script::cyrillic;
  if (c >= 0x370 && c <= 0x3FF) return Script::greek;
  if (c >= 0x600 && c <= 0x6FF) return Script::arabic;
  if (c >= 0x530 && c <= 0x58F) return Script::armenian;
  if (c >= 0x900 && c <= 0x97F) return Script::devanagari;
  if (c >= 0xB80 && c <= 0xBFF) return Script::tamil;
  if (c >= 0x590 && c <= 0x5FF) return Script::hebrew;
  return Script::other;
}

bool is_word_char(utf8proc_int32_t c) {
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return false;
  }
}

bool is_space(utf8proc_int32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
         utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

// Decodes one code point at s[i]; on invalid UTF-8 returns -1 and a length of 1 so callers
// skip the bad byte instead of stopping.
utf8proc_int32_t decode(std::string_view s, std::size_t i, std::size_t* len) {
  utf8proc_int32_t c = -1;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &c);
  *len = n > 0 ? static_cast<std::size_t>(n) : 1;
  return n > 0 ? c : -1;
}

// Decodes one character and says whether it belongs to a word. ASCII and U+0400..U+047F (all
// letters) by table, since nearly all a Russian helpdesk's text is one or the other and
// utf8proc's lookups were a tenth of route(); everything else by its Unicode category.
utf8proc_int32_t next_char(std::string_view s, std::size_t i, std::size_t* len, bool* word) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    *len = 1;
    const unsigned lower = b | 0x20u;
    *word = (b >= '0' && b <= '9') || (lower >= 'a' && lower <= 'z');
    return b;
  }
  if ((b == 0xD0 || b == 0xD1) && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
    *len = 2;
    *word = true;
    return static_cast<utf8proc_int32_t>(((b & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu));
  }
  const utf8proc_int32_t c = decode(s, i, len);
  *word = c >= 0 && is_word_char(c);
  return c;
}

}  // namespace

struct Stemmers::Entry {
  Script script;
  sb_stemmer* stemmer;
};

Stemmers::Stemmers(const std::vector<std::string>& languages) {
  for (const auto& code : languages) {
    const Language* l = find_language(code);
    if (l == nullptr) continue;
    if (sb_stemmer* s = sb_stemmer_new(l->snowball, "UTF_8")) entries_.push_back({l->script, s});
  }
}

Stemmers::~Stemmers() {
  for (auto& e : entries_) sb_stemmer_delete(e.stemmer);
}

// A vocabulary outgrowing this is unusual text (codes, names); starting over keeps memory flat.
constexpr std::size_t kMemoWords = 50'000;

std::string Stemmers::stem(const std::string& folded) {
  if (folded.empty() || entries_.empty()) return folded;
  if (auto it = memo_.find(folded); it != memo_.end()) return it->second;
  if (memo_.size() >= kMemoWords) memo_.clear();
  std::string stem = compute(folded);
  memo_.emplace(folded, stem);
  return stem;
}

const Stemmers::Word& Stemmers::word(std::string_view written) {
  if (auto it = words_.find(written); it != words_.end()) return it->second;
  if (words_.size() >= kMemoWords) words_.clear();
  Word w;
  w.folded = fold(written);
  w.stem = stem(w.folded);
  return words_.emplace(std::string(written), std::move(w)).first->second;
}

std::string Stemmers::compute(const std::string& folded) {
  std::size_t len = 0;
  const Script script = script_of(decode(folded, 0, &len));
  for (auto& e : entries_) {
    if (e.script != script) continue;
    const sb_symbol* out = sb_stemmer_stem(
        e.stemmer, reinterpret_cast<const sb_symbol*>(folded.data()), static_cast<int>(folded.size()));
    if (out == nullptr) return folded;  // out of memory inside Snowball: matching degrades, never fails
    return std::string(reinterpret_cast<const char*>(out),
                       static_cast<std::size_t>(sb_stemmer_length(e.stemmer)));
  }
  return folded;
}

StemmerPool::StemmerPool(std::vector<std::string> languages) : languages_(std::move(languages)) {}
StemmerPool::~StemmerPool() = default;

StemmerPool::Lease::Lease(const StemmerPool& pool, std::unique_ptr<Stemmers> stemmers)
    : pool_(pool), stemmers_(std::move(stemmers)) {}

StemmerPool::Lease::~Lease() {
  if (!stemmers_) return;  // moved from
  std::lock_guard lock(pool_.mutex_);
  pool_.idle_.push_back(std::move(stemmers_));
}

StemmerPool::Lease StemmerPool::lease() const {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto stemmers = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(stemmers));
    }
  }
  return Lease(*this, std::make_unique<Stemmers>(languages_));
}

bool is_supported_language(const std::string& code) { return find_language(code) != nullptr; }

std::vector<std::string> language_codes() {
  std::vector<std::string> out;
  for (const auto& l : kLanguages) out.emplace_back(l.code);
  return out;
}

namespace {

// ASCII and the basic Cyrillic block, nearly all the text a Russian helpdesk sees, fold by
// table: utf8proc's full path costs a fifth of route() otherwise. Anything else (other
// scripts, combining marks that NFC would compose, invalid bytes) returns false and takes it.
bool fold_by_table(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    if ((b != 0xD0 && b != 0xD1) || i + 1 >= text.size()) return false;
    const auto b2 = static_cast<unsigned char>(text[i + 1]);
    if ((b2 & 0xC0) != 0x80) return false;
    unsigned cp = ((b & 0x1Fu) << 6) | (b2 & 0x3Fu);
    if (cp > 0x45F) return false;  // beyond а..я, ѐ..џ: extended Cyrillic, let utf8proc fold it
    if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;  // А..Я
    else if (cp < 0x410) cp += 0x50;             // Ѐ..Џ
    if (cp == 0x451) cp = 0x435;                 // ё as е, as below
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    i += 2;
  }
  return true;
}

}  // namespace

std::string fold(std::string_view text) {
  if (std::string fast; fold_by_table(text, fast)) return fast;
  utf8proc_uint8_t* mapped = nullptr;
  std::string clean;
  // utf8proc_map rejects the whole string on one invalid byte; drop such bytes first.
  clean.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 0;
    if (decode(text, i, &len) >= 0) clean.append(text.substr(i, len));
    i += len;
  }
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
                        static_cast<utf8proc_ssize_t>(clean.size()), &mapped,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                       UTF8PROC_CASEFOLD));
  if (n < 0) return clean;
  std::string out(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
  std::free(mapped);
  // Russian writers use е for ё about as often as not; treat them as one letter.
  for (std::size_t pos = 0; (pos = out.find("ё", pos)) != std::string::npos;) out.replace(pos, 2, "е");
  return out;
}

std::vector<Token> analyze(std::string_view text, Stemmers& stemmers) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 8 + 1);  // about a word per 6-8 bytes of Russian: no regrowth
  std::size_t i = 0;
  bool sentence_break = true;
  bool clause_break = true;
  while (i < text.size()) {
    std::size_t len = 0;
    bool word = false;
    utf8proc_int32_t c = next_char(text, i, &len, &word);
    if (!word) {
      // A phrase must not match across sentences: "не. Привезли" is not "не привезли".
      if (c == '.' || c == '!' || c == '?' || c == ';' || c == '\n' || c == 0x2026 /* … */) sentence_break = true;
      // Nor does a negation reach past a comma: "не ждала, курьер приехал" negates nothing of the courier.
      if (c == ',' || c == ':' || c == '(' || c == ')' || c == 0x2013 || c == 0x2014) clause_break = true;
      i += len;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size()) {
      next_char(text, i, &len, &word);
      if (!word) break;
      i += len;
    }
    Token t;
    t.offset = start;
    t.length = i - start;
    const Stemmers::Word& w = stemmers.word(text.substr(start, t.length));
    t.folded = w.folded;
    t.stem = w.stem;
    t.sentence_start = sentence_break;
    t.clause_start = sentence_break || clause_break;
    sentence_break = false;
    clause_break = false;
    tokens.push_back(std::move(t));
  }
  return tokens;
}

std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e) {
    std::size_t len = 0;
    utf8proc_int32_t c = decode(s, b, &len);
    if (c < 0 || !is_space(c)) break;
    b += len;
  }
  while (e > b) {
    std::size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t len = 0;
    utf8proc_int32_t c = decode(s, start, &len);
    if (c < 0 || !is_space(c)) break;
    e = start;
  }
  return s.substr(b, e - b);
}

}  // namespace triaged::routing

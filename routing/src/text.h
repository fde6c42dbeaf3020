// Text analysis shared by rule compilation and matching: splitting UTF-8 into words,
// Unicode case folding, and Snowball stemming chosen by each word's script. Keywords and
// ticket text go through the same functions, which is what makes `words` matching agree.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sb_stemmer;

namespace triaged::routing {

// One word of a text: its byte span in the original, its case-folded form (NFC, folded,
// ё→е) and its stem in the language matching its script (the folded form if none does).
struct Token {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string folded;
  std::string stem;
  bool sentence_start = false;  // . ! ? ; or a line break since the previous word
};

// Snowball stemmers for a rule set's languages. Not thread-safe (Snowball keeps state per
// stemmer), so route() makes its own; construction is a few small allocations.
class Stemmers {
 public:
  // `languages` must be codes accepted by is_supported_language().
  explicit Stemmers(const std::vector<std::string>& languages);
  ~Stemmers();
  Stemmers(const Stemmers&) = delete;
  Stemmers& operator=(const Stemmers&) = delete;

  // The stem of an already folded word; the word itself when no language fits its script.
  std::string stem(const std::string& folded);

 private:
  struct Entry;
  std::vector<Entry> entries_;
};

bool is_supported_language(const std::string& code);
std::vector<std::string> language_codes();

// Unicode case folding with NFC composition and ё→е; invalid UTF-8 bytes are dropped.
std::string fold(std::string_view text);

// Splits `text` into words (runs of letters, marks and digits) and stems each.
std::vector<Token> analyze(std::string_view text, Stemmers& stemmers);

// Trims ASCII and Unicode whitespace at both ends.
std::string_view trim(std::string_view s);

}  // namespace triaged::routing

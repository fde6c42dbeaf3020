// Text analysis shared by rule compilation and matching: splitting UTF-8 into words,
// Unicode case folding, and Snowball stemming chosen by each word's script. Keywords and
// ticket text go through the same functions, which is what makes `words` matching agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
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
  bool clause_start = false;    // sentence_start, or , : ( ) and dashes since the previous word
  // Set by mark_negations(): a negation word governs this token from before ("не привезли") or
  // from after ("претензий нет").
  bool negated_from_before = false;
  bool negated_from_after = false;
  bool negated() const { return negated_from_before || negated_from_after; }
};

// Snowball stemmers for a rule set's languages. Not thread-safe (Snowball keeps state per
// stemmer): route() leases one from its rule set's StemmerPool. Each remembers the stems it
// computed, since the same words recur ticket after ticket and Snowball costs a quarter of
// route() otherwise; the memo is bounded and only ever returns what Snowball would.
class Stemmers {
 public:
  // `languages` must be codes accepted by is_supported_language().
  explicit Stemmers(const std::vector<std::string>& languages);
  ~Stemmers();
  Stemmers(const Stemmers&) = delete;
  Stemmers& operator=(const Stemmers&) = delete;

  // The stem of an already folded word; the word itself when no language fits its script.
  std::string stem(const std::string& folded);

  // A word as written: its folded form and stem. Remembered by its bytes, so a word seen before
  // costs one hash lookup instead of folding and stemming. The reference lasts until the next call.
  struct Word {
    std::string folded;
    std::string stem;
  };
  const Word& word(std::string_view written);

 private:
  struct Entry;
  // Lookups by string_view without building a std::string key.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::string compute(const std::string& folded);
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::string> memo_;
  std::unordered_map<std::string, Word, Hash, std::equal_to<>> words_;
};

// Idle Stemmers of one rule set, lent to one route() at a time, so concurrent routes neither
// share a Snowball stemmer nor build new ones (and lose their memo) per ticket. The lock is
// held only to take or return one.
class StemmerPool {
 public:
  explicit StemmerPool(std::vector<std::string> languages);
  ~StemmerPool();

  class Lease {
   public:
    Lease(const StemmerPool& pool, std::unique_ptr<Stemmers> stemmers);
    ~Lease();
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    Stemmers& operator*() const { return *stemmers_; }

   private:
    const StemmerPool& pool_;
    std::unique_ptr<Stemmers> stemmers_;
  };

  Lease lease() const;

 private:
  std::vector<std::string> languages_;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<Stemmers>> idle_;
};

bool is_supported_language(const std::string& code);
std::vector<std::string> language_codes();

// Unicode case folding with NFC composition and ё→е; invalid UTF-8 bytes are dropped.
std::string fold(std::string_view text);

// Splits `text` into words (runs of letters, marks and digits) and stems each.
std::vector<Token> analyze(std::string_view text, Stemmers& stemmers);

// The words that negate a keyword near them (negation.cpp): built-in ones of a rule set's
// languages plus the rule set's own, each a sequence of term stems (as a Phrase would be).
struct NegationWords {
  struct Negator {
    std::vector<std::string> stems;
    bool after = false;  // "нет", "не нужно": negates the words before it; else the words after
  };
  std::vector<Negator> negators;
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_first_stem;  // into negators
  std::vector<std::string> clause_breaks;  // sorted stems that start a new clause: "но", "а", "but"
  bool empty() const { return negators.empty(); }
};

// The built-in negation words of `languages`, plus `extra_before`/`extra_after`, stemmed.
NegationWords negation_words(const std::vector<std::string>& languages, Stemmers& stemmers,
                             const std::vector<std::string>& extra_before,
                             const std::vector<std::string>& extra_after);

// Marks each token that a negation word governs: one of `before` up to three words ahead of it,
// or one of `after` starting up to three words behind it, within the same clause. Tokens that
// are themselves negation words are not marked.
void mark_negations(std::vector<Token>& tokens, const NegationWords& words);

// Trims ASCII and Unicode whitespace at both ends.
std::string_view trim(std::string_view s);

}  // namespace triaged::routing

// Negation scope: which words a negation governs. Deliberately simple, as a careful reader
// skims: a negation word negates the next few words of its clause ("не про доставку",
// "no refund needed"), and a few fixed phrases negate the words just before them ("к оплате
// претензий нет", "деньги возвращать не нужно"). A clause ends at punctuation or at a
// contrasting conjunction ("курьер не опоздал, а вот сборка..."), and so does the scope.
#include <algorithm>

#include "text.h"

namespace triaged::routing {
namespace {

constexpr std::size_t kScope = 3;  // words a negation reaches

struct BuiltIn {
  const char* language;
  std::vector<const char*> before;
  std::vector<const char*> after;
  std::vector<const char*> clause_breaks;
};

const std::vector<BuiltIn>& built_ins() {
  static const std::vector<BuiltIn> kBuiltIns = {
      {"ru",
       {"не", "нет", "без", "ни", "нету", "ne", "net", "bez"},
       {"нет", "не нужно", "не нужна", "не нужен", "не нужны", "не надо", "не требуется", "не хочу",
        "не хочет", "не хотим", "не будем", "не буду", "не связано", "не связан", "не связаны",
        "не интересует", "не актуально", "не прошу", "не просим", "не просит", "не имею", "не имеем",
        "не было", "не беспокоит", "не волнует", "в порядке", "все в порядке", "ne nuzhno", "ne nado"},
       {"но", "а", "однако", "зато", "хотя"}},
      {"en",
       {"not", "no", "never", "without", "none", "nor", "neither", "dont", "doesnt", "didnt", "cant",
        "wont", "isnt", "wasnt", "don t", "doesn t", "didn t", "isn t", "wasn t", "aren t", "weren t",
        "haven t", "hasn t", "hadn t", "won t", "can t", "couldn t", "wouldn t", "shouldn t"},
       {"not needed", "no longer needed", "not required", "not the issue", "not the problem",
        "not an issue", "is fine", "was fine", "are fine", "were fine"},
       {"but", "however", "although", "though"}},
  };
  return kBuiltIns;
}

std::vector<std::string> stems_of(std::string_view phrase, Stemmers& stemmers) {
  std::vector<std::string> out;
  for (const Token& t : analyze(phrase, stemmers)) out.push_back(t.stem);
  return out;
}

bool occurs_at(const std::vector<std::string>& phrase, const std::vector<Token>& tokens, std::size_t i) {
  if (phrase.empty() || i + phrase.size() > tokens.size()) return false;
  for (std::size_t k = 0; k < phrase.size(); ++k) {
    if (k > 0 && tokens[i + k].clause_start) return false;
    if (tokens[i + k].stem != phrase[k]) return false;
  }
  return true;
}

}  // namespace

NegationWords negation_words(const std::vector<std::string>& languages, Stemmers& stemmers,
                             const std::vector<std::string>& extra_before,
                             const std::vector<std::string>& extra_after) {
  NegationWords out;
  auto add = [&](std::string_view phrase, bool after) {
    auto stems = stems_of(phrase, stemmers);
    if (stems.empty()) return;
    for (const auto& n : out.negators)
      if (n.after == after && n.stems == stems) return;
    out.by_first_stem[stems.front()].push_back(static_cast<std::uint32_t>(out.negators.size()));
    out.negators.push_back({std::move(stems), after});
  };
  for (const BuiltIn& b : built_ins()) {
    if (std::find(languages.begin(), languages.end(), b.language) == languages.end()) continue;
    for (const char* w : b.before) add(w, false);
    for (const char* w : b.after) add(w, true);
    for (const char* w : b.clause_breaks) {
      auto stems = stems_of(w, stemmers);
      if (stems.size() == 1) out.clause_breaks.push_back(stems.front());
    }
  }
  for (const auto& w : extra_before) add(w, false);
  for (const auto& w : extra_after) add(w, true);
  std::sort(out.clause_breaks.begin(), out.clause_breaks.end());
  return out;
}

void mark_negations(std::vector<Token>& tokens, const NegationWords& words) {
  const auto breaks_clause = [&](const Token& t) {
    return std::binary_search(words.clause_breaks.begin(), words.clause_breaks.end(), t.stem);
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto found = words.by_first_stem.find(tokens[i].stem);
    if (found == words.by_first_stem.end()) continue;
    for (std::uint32_t n : found->second) {
      const auto& negator = words.negators[n];
      if (!occurs_at(negator.stems, tokens, i)) continue;
      if (!negator.after) {
        const std::size_t end = i + negator.stems.size();
        for (std::size_t k = end; k < tokens.size() && k < end + kScope; ++k) {
          if (tokens[k].clause_start || breaks_clause(tokens[k])) break;
          tokens[k].negated_from_before = true;
        }
        continue;
      }
      // Back from the word before the negation to the start of its clause, at most kScope words.
      for (std::size_t k = i, steps = 0; k > 0 && steps < kScope; --k, ++steps) {
        if (tokens[k].clause_start || breaks_clause(tokens[k - 1])) break;
        tokens[k - 1].negated_from_after = true;
      }
    }
  }
}

}  // namespace triaged::routing

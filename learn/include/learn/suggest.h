// learn/suggest: rule changes proposed from misroutes, each checked by replay before it is
// shown. For every labeled ticket the rules alone route wrong (expected T, routed U), the
// words it says (not negated) become candidates for two edits: a keyword that lets T match
// (added to T's `when` as one more alternative) and a keyword that rules U out (added to U's
// `unless`). Each candidate is applied to a copy of the rule set, every labeled ticket is
// routed again, and the edit is kept only if it fixes more tickets than it breaks. No I/O.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <vector>

#include "learn/learn.h"
#include "routing/rule_spec.h"

namespace triaged::learn {

struct Suggestion {
  enum class Kind { add_keyword, rule_out };
  Kind kind = Kind::add_keyword;
  std::string topic;                  // whose `when` (add_keyword) or `unless` (rule_out) gains it
  std::string word;                   // as written in `words:`; it matches the word's inflections
  std::vector<std::string> fixes;     // origins of tickets routed right only with the change
  std::vector<std::string> breaks;    // origins of tickets routed right only without it
  int gain() const { return static_cast<int>(fixes.size()) - static_cast<int>(breaks.size()); }
};

struct SuggestOptions {
  std::size_t candidates = 12;   // words replayed per topic and kind, the likeliest first
  std::size_t shown = 5;         // suggestions kept per topic and kind, best gain first
  std::size_t min_fixes = 2;     // a word must be said by, and fix, at least this many tickets
  std::size_t common_percent = 10;  // words said by more of all tickets, across half the topics, are not candidates
  // Called after each replay with (done, total), for progress output.
  std::function<void(std::size_t, std::size_t)> progress;
};

// The rules alone (their model set aside) measured on `examples`, then candidates replayed as
// above. Suggestions come best gain first; topics with no misroutes get none. Fails only when
// the rule set itself cannot be rebuilt.
std::expected<std::vector<Suggestion>, std::string> suggest(const routing::RuleSetSpec& spec,
                                                            const std::vector<Example>& examples,
                                                            const SuggestOptions& options = {});

// The condition a suggestion adds, as the YAML line an admin would paste.
std::string condition_yaml(const Suggestion& s);

}  // namespace triaged::learn

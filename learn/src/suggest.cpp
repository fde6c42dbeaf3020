// Rule suggestions from misroutes: candidate words ranked by how often the misrouted tickets
// say them against how often the tickets they could break do, then replayed one by one.
#include "learn/suggest.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "routing/model.h"

namespace triaged::learn {
namespace {

using Kind = Suggestion::Kind;
const auto kEpoch = std::chrono::system_clock::time_point{};

// Words of a text as written: runs of ASCII letters and digits and of letters of the Latin
// and Cyrillic blocks (lead bytes 0xC3-0xC9 and 0xD0-0xD4). Good enough to offer a readable
// form for a stem; whether the form really has that stem is checked with keyword_key().
std::vector<std::string> written_words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    len = std::min(len, text.size() - i);
    const bool letter = (b < 0x80 && std::isalnum(b)) || (len == 2 && ((b >= 0xC3 && b <= 0xC9) || (b >= 0xD0 && b <= 0xD4)));
    if (letter) word.append(text.substr(i, len));
    if (!letter && !word.empty()) out.push_back(std::move(word)), word.clear();
    i += len;
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// The stems a ticket says without negating them ("w:" features; "~w:" are negated, "w:#n"
// are numbers), the same ones `words` with `negated: false` matches.
std::set<std::string> said_stems(const routing::RuleSet& rules, const routing::Ticket& ticket) {
  std::set<std::string> out;
  for (const auto& [feature, weight] : routing::ticket_features(rules, routing::FeatureOptions{}, ticket))
    if (feature.rfind("w:", 0) == 0 && feature.rfind("w:#", 0) != 0) out.insert(feature.substr(2));
  return out;
}

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

routing::ConditionSpec keyword_leaf(const std::string& word) {
  routing::ConditionSpec leaf;
  leaf.selector = "text";
  leaf.op = routing::ConditionSpec::Op::words;
  leaf.values = {word};
  leaf.negation = routing::Negation::exclude;
  leaf.where = "suggestion";
  return leaf;
}

routing::ConditionSpec either(routing::ConditionSpec a, routing::ConditionSpec b) {
  routing::ConditionSpec any;
  any.kind = routing::ConditionSpec::Kind::any;
  any.where = b.where;
  any.children = {std::move(a), std::move(b)};
  return any;
}

// `spec` with the suggestion applied; false when it cannot be (the default topic has no `when`).
bool apply(routing::RuleSetSpec& spec, Kind kind, const std::string& topic, const std::string& word) {
  for (auto& t : spec.topics) {
    if (t.id != topic) continue;
    if (kind == Kind::add_keyword) {
      if (!t.when) return false;
      t.when = either(std::move(*t.when), keyword_leaf(word));
    } else {
      if (t.is_default) return false;
      t.unless = t.unless ? either(std::move(*t.unless), keyword_leaf(word)) : keyword_leaf(word);
    }
    return true;
  }
  return false;
}

struct Candidate {
  Kind kind;
  std::string topic;
  std::string word;
  double likelihood;
};

// The candidate applied to a copy of `spec`, every example routed again and compared with
// `routed` (where the unchanged rules sent them); nothing when it cannot be applied.
std::optional<Suggestion> replay(const routing::RuleSetSpec& spec, const Candidate& cand,
                                 const std::vector<Example>& examples, const std::vector<std::string>& routed) {
  routing::RuleSetSpec changed = spec;
  if (!apply(changed, cand.kind, cand.topic, cand.word)) return std::nullopt;
  auto variant = routing::build_rule_set(std::move(changed));
  if (!variant) return std::nullopt;
  Suggestion s{cand.kind, cand.topic, cand.word, {}, {}};
  for (std::size_t i = 0; i < examples.size(); ++i) {
    routing::Ticket t = examples[i].ticket;
    t.topic.clear();
    const bool right_now = routing::route(**variant, t, kEpoch).topic == examples[i].topic;
    const bool right_before = routed[i] == examples[i].topic;
    if (right_now && !right_before) s.fixes.push_back(examples[i].origin);
    if (!right_now && right_before) s.breaks.push_back(examples[i].origin);
  }
  return s;
}

}  // namespace

std::expected<std::vector<Suggestion>, std::string> suggest(const routing::RuleSetSpec& original,
                                                            const std::vector<Example>& examples,
                                                            const SuggestOptions& options) {
  routing::RuleSetSpec spec = original;
  spec.model.reset();  // the rules are what an admin edits; the model is measured by eval
  auto built = routing::build_rule_set(spec);
  if (!built) return std::unexpected(built.error().front().to_string());
  const routing::RuleSet& rules = **built;

  std::vector<std::string> routed;
  std::vector<std::set<std::string>> stems;
  std::map<std::string, std::map<std::string, std::size_t>> tickets_saying;  // label -> stem -> count
  std::map<std::string, std::map<std::string, std::size_t>> forms;           // stem -> form -> count
  for (const Example& e : examples) {
    routing::Ticket t = e.ticket;
    t.topic.clear();
    routed.push_back(routing::route(rules, t, kEpoch).topic);
    stems.push_back(said_stems(rules, t));
    for (const auto& s : stems.back()) ++tickets_saying[e.topic][s];
    for (const auto* text : {&t.subject, &t.body})
      for (const std::string& w : written_words(*text)) {
        std::string folded = routing::keyword_key(spec.languages, w + "*");
        if (folded.size() > 1 && folded.find(' ') == std::string::npos) folded.pop_back();
        else continue;
        const std::string stem = routing::keyword_key(spec.languages, folded);
        if (stems.back().count(stem)) ++forms[stem][folded];
      }
  }

  std::set<std::string> common;
  {
    std::map<std::string, std::size_t> saying;
    for (const auto& said : stems)
      for (const auto& s : said) ++saying[s];
    // Common: said often, and by tickets of at least half the topics ("у", "меня"), unlike a
    // word as frequent as its one topic is ("деньги" in a set of mostly refunds).
    for (const auto& [stem, n] : saying) {
      std::size_t labels = 0;
      for (const auto& [label, counts] : tickets_saying) labels += counts.count(stem);
      if (n * 100 > examples.size() * options.common_percent && labels * 2 >= tickets_saying.size()) common.insert(stem);
    }
  }

  // Misroutes grouped by the edit that could fix them.
  // (edit, topic) -> stem -> misrouted tickets that edit could fix saying it
  std::map<std::pair<Kind, std::string>, std::map<std::string, std::size_t>> groups;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (routed[i] == examples[i].topic) continue;
    for (const auto& s : stems[i]) {
      ++groups[{Kind::add_keyword, examples[i].topic}][s];
      ++groups[{Kind::rule_out, routed[i]}][s];
    }
  }
  std::vector<Candidate> candidates;
  for (const auto& [key, group] : groups) {
    const auto& [kind, topic] = key;
    std::vector<Candidate> mine;
    for (const auto& [stem, count] : group) {
      // A word one misrouted ticket says is as likely its own detail as a sign of its topic; a
      // word most tickets say ("у", "меня") is a sign of nothing.
      if (count < options.min_fixes || common.count(stem)) continue;
      // What the edit could break: tickets of other topics saying the word (a new keyword for
      // `topic`), or tickets of `topic` itself saying it (ruling `topic` out).
      std::size_t risk = 0;
      for (const auto& [label, counts] : tickets_saying)
        if ((kind == Kind::add_keyword) == (label != topic))
          if (auto it = counts.find(stem); it != counts.end()) risk += it->second;
      auto form = forms.find(stem);
      if (form == forms.end()) continue;  // no written form has this stem on its own
      if (utf8_length(stem) < 3) continue;  // "р", "т.е": abbreviations match far too much
      const auto best = std::max_element(form->second.begin(), form->second.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
      mine.push_back({kind, topic, best->first, static_cast<double>(count) / static_cast<double>(1 + risk)});
    }
    std::stable_sort(mine.begin(), mine.end(), [](const Candidate& a, const Candidate& b) { return a.likelihood > b.likelihood; });
    if (mine.size() > options.candidates) mine.resize(options.candidates);
    candidates.insert(candidates.end(), mine.begin(), mine.end());
  }

  // Each replay rebuilds the rule set and routes every ticket; they share nothing but the
  // examples, so two threads take turns through the candidates.
  std::vector<std::optional<Suggestion>> replayed(candidates.size());
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex progress_mutex;
  auto work = [&] {
    for (std::size_t c; (c = next++) < candidates.size();) {
      replayed[c] = replay(spec, candidates[c], examples, routed);
      std::lock_guard lock(progress_mutex);
      if (options.progress) options.progress(++done, candidates.size());
    }
  };
  std::thread helper(work);
  work();
  helper.join();
  std::vector<Suggestion> out;
  for (auto& r : replayed)
    if (r && r->gain() > 0 && r->fixes.size() >= options.min_fixes) out.push_back(std::move(*r));
  std::stable_sort(out.begin(), out.end(), [](const Suggestion& a, const Suggestion& b) { return a.gain() > b.gain(); });
  std::map<std::pair<Kind, std::string>, std::size_t> kept;
  std::erase_if(out, [&](const Suggestion& s) { return ++kept[{s.kind, s.topic}] > options.shown; });
  return out;
}

std::string condition_yaml(const Suggestion& s) {
  return "text: { words: [\"" + s.word + "\"], negated: false }";
}

}  // namespace triaged::learn

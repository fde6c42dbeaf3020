#include "match_index.h"

#include <algorithm>

namespace triaged::routing {
namespace {

// The pieces a selector reads, each as a selector of its own. `text` is subject and body.
std::vector<Selector> piece_selectors(const Selector& s) {
  switch (s.kind) {
    case SelectorKind::text:
      return {{SelectorKind::subject, "", "subject"}, {SelectorKind::body, "", "body"}};
    case SelectorKind::subject: return {{SelectorKind::subject, "", "subject"}};
    case SelectorKind::body: return {{SelectorKind::body, "", "body"}};
    case SelectorKind::from: return {{SelectorKind::from, "", "from"}};
    case SelectorKind::from_domain: return {{SelectorKind::from_domain, "", "from_domain"}};
    case SelectorKind::channel: return {{SelectorKind::channel, "", "channel"}};
    case SelectorKind::field: return {{SelectorKind::field, s.name, "field." + s.name}};
    case SelectorKind::header: return {{SelectorKind::header, s.name, "header." + s.name}};
  }
  return {};
}

struct Atom {
  bool regex = false;
  std::uint32_t id = 0;
};

class IndexBuilder {
 public:
  explicit IndexBuilder(const RuleSet::Impl& impl) : impl_(impl) {
    index_.phrases.resize(impl.phrase_count, nullptr);
    index_.phrase_topic.assign(impl.phrase_count, kNoTopic);
    index_.regex_topic.assign(impl.regex_count, kNoTopic);
    // Subject before body, so hits sort in the order a `text` leaf reads its pieces.
    piece_for({SelectorKind::subject, "", "subject"});
    piece_for({SelectorKind::body, "", "body"});
  }

  std::shared_ptr<const MatchIndex> run() {
    for (std::uint32_t t = 0; t < impl_.topics.size(); ++t) {
      const CompiledTopic& topic = impl_.topics[t];
      if (!topic.when) continue;
      add_leaves(*topic.when);
      if (topic.unless) add_leaves(*topic.unless);
      for (const auto& signal : topic.signals) add_leaves(signal.condition);
      std::vector<Atom> atoms;
      if (!trigger(*topic.when, atoms)) {
        index_.untriggered_topics.push_back(t);
        continue;
      }
      for (const Atom& a : atoms) (a.regex ? index_.regex_topic : index_.phrase_topic)[a.id] = t;
    }
    index_.regex_in_sets.assign(impl_.regex_count, false);
    for (std::size_t p = 0; p < index_.pieces.size(); ++p) {
      std::vector<std::pair<std::string, std::uint32_t>> triggers;
      for (auto& [pattern, id] : regex_patterns_[p])
        if (index_.regex_topic[id] != kNoTopic) triggers.push_back({std::move(pattern), id});
      compile_regexes(index_.pieces[p], triggers);
      for (std::uint32_t id : index_.pieces[p].regex_ids) index_.regex_in_sets[id] = true;
      for (std::uint32_t id : index_.pieces[p].unindexed_regexes) index_.regex_in_sets[id] = true;
    }
    return std::make_shared<const MatchIndex>(std::move(index_));
  }

 private:
  std::uint32_t piece_for(const Selector& s) {
    for (std::uint32_t i = 0; i < index_.pieces.size(); ++i)
      if (index_.pieces[i].key == s.label) return i;
    PieceIndex piece;
    piece.key = s.label;
    piece.selector = s;
    index_.pieces.push_back(std::move(piece));
    regex_patterns_.emplace_back();
    return static_cast<std::uint32_t>(index_.pieces.size() - 1);
  }

  void add_leaves(const CompiledCondition& c) {
    for (const auto& child : c.children) add_leaves(child);
    if (c.kind != ConditionSpec::Kind::match) return;
    using Op = ConditionSpec::Op;
    if (c.op == Op::words || c.op == Op::all_words || c.op == Op::near) {
      for (const Selector& s : piece_selectors(c.selector)) {
        PieceIndex& piece = index_.pieces[piece_for(s)];
        for (std::uint32_t i = 0; i < c.phrases.size(); ++i) {
          const Phrase& phrase = c.phrases[i];
          const Term& first = phrase.terms.front();
          if (first.prefix) piece.by_first_prefix.insert(first.text, c.first_phrase + i);
          else piece.by_first_stem[first.text].push_back(c.first_phrase + i);
          index_.phrases[c.first_phrase + i] = &phrase;
        }
      }
    } else if (c.op == Op::regex && c.regex) {
      for (const Selector& s : piece_selectors(c.selector))
        regex_patterns_[piece_for(s)].push_back({c.regex->pattern(), c.regex_id});
    }
  }

  // Atoms of which one must occur for `c` to hold; false when `c` can hold without any.
  static bool trigger(const CompiledCondition& c, std::vector<Atom>& out) {
    using Kind = ConditionSpec::Kind;
    using Op = ConditionSpec::Op;
    switch (c.kind) {
      case Kind::match:
        if (c.op == Op::words) {
          for (std::uint32_t i = 0; i < c.phrases.size(); ++i) out.push_back({false, c.first_phrase + i});
          return true;
        }
        if (c.op == Op::near) {  // one of the first list must occur
          for (std::uint32_t i = 0; i < c.near_split; ++i) out.push_back({false, c.first_phrase + i});
          return true;
        }
        if (c.op == Op::all_words) {  // every phrase must occur, so the first one alone is a trigger
          out.push_back({false, c.first_phrase});
          return true;
        }
        if (c.op == Op::regex && c.regex) {
          out.push_back({true, c.regex_id});
          return true;
        }
        return false;
      case Kind::not_:
      case Kind::use:  // compiled in place; never in a compiled tree
        return false;
      case Kind::any:
        for (const auto& child : c.children)
          if (!trigger(child, out)) return false;
        return true;
      case Kind::all: {
        // Any one child's trigger will do; the smallest fires on the fewest tickets.
        std::vector<Atom> best;
        bool found = false;
        for (const auto& child : c.children) {
          std::vector<Atom> atoms;
          if (trigger(child, atoms) && (!found || atoms.size() < best.size())) {
            best = std::move(atoms);
            found = true;
          }
        }
        out.insert(out.end(), best.begin(), best.end());
        return found;
      }
    }
    return false;
  }

  static void compile_regexes(PieceIndex& piece, const std::vector<std::pair<std::string, std::uint32_t>>& patterns) {
    if (patterns.empty()) return;
    // The same options build_rule_set() compiles each regex with, so the set agrees with them.
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kSetMemory);
    auto set = std::make_unique<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
    std::vector<std::uint32_t> added;
    for (const auto& [pattern, id] : patterns) {
      if (set->Add(pattern, nullptr) >= 0) added.push_back(id);
      else piece.unindexed_regexes.push_back(id);
    }
    if (added.empty() || !set->Compile()) {
      for (std::uint32_t id : added) piece.unindexed_regexes.push_back(id);
      return;
    }
    piece.regexes = std::move(set);
    piece.regex_ids = std::move(added);
  }

  // Thousands of topics' regexes in one automaton need more than RE2's 8 MB default; the
  // DFA's states are built lazily, so this is a ceiling, not an allocation.
  static constexpr std::int64_t kSetMemory = 256 << 20;

  const RuleSet::Impl& impl_;
  MatchIndex index_;
  std::vector<std::vector<std::pair<std::string, std::uint32_t>>> regex_patterns_;  // by piece
};

bool term_matches(const Term& term, const Token& token) {
  if (term.prefix) return token.folded.compare(0, term.text.size(), term.text) == 0;
  return token.stem == term.text;
}

// True when phrase, whose first term matched tokens[i], continues in the same sentence.
bool rest_matches(const Phrase& phrase, const std::vector<Token>& tokens, std::size_t i) {
  const std::size_t n = phrase.terms.size();
  if (i + n > tokens.size()) return false;
  for (std::size_t k = 1; k < n; ++k)
    if (tokens[i + k].sentence_start || !term_matches(phrase.terms[k], tokens[i + k])) return false;
  return true;
}

}  // namespace

void PrefixTrie::insert(std::string_view prefix, std::uint32_t phrase) {
  std::uint32_t node = 0;
  for (char c : prefix) {
    std::uint32_t next = child(node, static_cast<unsigned char>(c));
    if (next == 0) {
      next = static_cast<std::uint32_t>(nodes_.size());
      nodes_[node].children.push_back({static_cast<unsigned char>(c), next});
      nodes_.emplace_back();
    }
    node = next;
  }
  nodes_[node].phrases.push_back(phrase);
}

void build_match_index(RuleSet::Impl& impl) { impl.index = IndexBuilder(impl).run(); }

void scan_tokens(const MatchIndex& index, std::uint32_t piece_no, const std::vector<Token>& tokens,
                 std::vector<PhraseHit>& out) {
  const PieceIndex& piece = index.pieces[piece_no];
  std::uint32_t sentence = 0;
  const auto record = [&](const std::vector<std::uint32_t>& ids, std::size_t i) {
    for (std::uint32_t id : ids) {
      const Phrase& phrase = *index.phrases[id];
      if (!rest_matches(phrase, tokens, i)) continue;
      const Token& last = tokens[i + phrase.terms.size() - 1];
      const std::size_t begin = tokens[i].offset;
      PhraseHit hit{id, piece_no, static_cast<std::uint32_t>(begin),
                    static_cast<std::uint32_t>(last.offset + last.length - begin)};
      hit.token = static_cast<std::uint32_t>(i);
      hit.words = static_cast<std::uint32_t>(phrase.terms.size());
      hit.sentence = sentence;
      // A phrase's own words do not negate it ("не положили"): only what stands outside does.
      hit.negated = tokens[i].negated_from_before || last.negated_from_after;
      out.push_back(hit);
    }
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (i > 0 && token.sentence_start) ++sentence;
    if (auto it = piece.by_first_stem.find(token.stem); it != piece.by_first_stem.end()) record(it->second, i);
    piece.by_first_prefix.walk(token.folded, [&](const std::vector<std::uint32_t>& ids) { record(ids, i); });
  }
}

void scan_regexes(const PieceIndex& piece, std::string_view text, std::vector<std::uint32_t>& out) {
  out.insert(out.end(), piece.unindexed_regexes.begin(), piece.unindexed_regexes.end());
  if (!piece.regexes) return;
  std::vector<int> matched;
  re2::RE2::Set::ErrorInfo error;
  if (piece.regexes->Match(re2::StringPiece(text.data(), text.size()), &matched, &error)) {
    for (int m : matched) out.push_back(piece.regex_ids[static_cast<std::size_t>(m)]);
  } else if (error.kind != re2::RE2::Set::kNoError) {
    // The automaton ran out of memory on this text: run every regex of the piece on its own.
    out.insert(out.end(), piece.regex_ids.begin(), piece.regex_ids.end());
  }
}

}  // namespace triaged::routing

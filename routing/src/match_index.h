// One index over every keyword and regex of a rule set, so route() reads a ticket once instead
// of once per topic. Built after the topics compile; immutable and shared across threads.
//
// Keywords are indexed by their first word (its stem, or its folded prefix for `word*`), per
// piece of ticket text they read (subject, body, field.NAME, ...). Scanning a piece's tokens
// looks each token up once and verifies only the phrases starting with it. Regexes go into one
// RE2::Set per piece, matched in a single pass. What comes out for a ticket is the exact set
// of keyword occurrences and the regexes that may match, which is everything a `words`,
// `all_words` or `regex` leaf needs.
//
// Each topic also gets a trigger: atoms (phrases, regexes) of which at least one must occur
// for its `when` to hold. route() evaluates only topics whose trigger fired, plus the topics
// that have none (a `not`, `equals`, `exists` can hold on any text), so time per ticket grows
// with what the ticket mentions, not with the number of topics.
#pragma once

#include <re2/set.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiled.h"
#include "text.h"

namespace triaged::routing {

// Phrases by the prefix their first word is written with (`достав*`): walking a token's
// folded bytes down the trie meets every prefix it starts with, in one pass.
class PrefixTrie {
 public:
  void insert(std::string_view prefix, std::uint32_t phrase);
  bool empty() const { return nodes_.size() == 1; }
  // Calls found(ids) for each indexed prefix `word` starts with, shortest first.
  template <typename Found>
  void walk(std::string_view word, Found&& found) const {
    std::uint32_t node = 0;
    for (char c : word) {
      node = child(node, static_cast<unsigned char>(c));
      if (node == 0) return;
      if (!nodes_[node].phrases.empty()) found(nodes_[node].phrases);
    }
  }

 private:
  struct Node {
    std::vector<std::pair<unsigned char, std::uint32_t>> children;  // few: a linear scan wins
    std::vector<std::uint32_t> phrases;
  };
  std::uint32_t child(std::uint32_t node, unsigned char c) const {
    for (const auto& [byte, next] : nodes_[node].children)
      if (byte == c) return next;
    return 0;
  }
  std::vector<Node> nodes_{1};  // nodes_[0] is the root; 0 as a child means none
};

// The keywords and regexes that read one piece of ticket text.
struct PieceIndex {
  std::string key;                              // "subject", "body", "field.order_id", "header.x-spam"
  Selector selector;                            // reads exactly this piece
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_first_stem;  // phrase ids
  PrefixTrie by_first_prefix;
  std::unique_ptr<re2::RE2::Set> regexes;       // null: no trigger regex reads this piece
  std::vector<std::uint32_t> regex_ids;         // RE2::Set index -> regex id
  std::vector<std::uint32_t> unindexed_regexes; // regexes RE2::Set refused: always run
};

inline constexpr std::uint32_t kNoTopic = UINT32_MAX;

struct MatchIndex {
  std::vector<PieceIndex> pieces;               // "subject" and "body" first, in that order
  std::vector<const Phrase*> phrases;           // by phrase id
  std::vector<std::uint32_t> phrase_topic;      // phrase id -> topic index it triggers, or kNoTopic
  std::vector<std::uint32_t> regex_topic;       // regex id -> topic index it triggers, or kNoTopic
  // Only regexes that trigger a topic go into the RE2::Sets; the rest (e.g. a regex beside a
  // keyword in an `all`) run on their own, and only when their topic is tried.
  std::vector<bool> regex_in_sets;              // by regex id
  std::vector<std::uint32_t> untriggered_topics;// topic indices evaluated for every ticket, ascending
};

// Fills impl.index from impl.topics, whose leaves already carry their phrase and regex ids.
void build_match_index(RuleSet::Impl& impl);

// An occurrence of phrase `phrase` in piece `piece` (index into MatchIndex::pieces).
struct PhraseHit {
  std::uint32_t phrase = 0;
  std::uint32_t piece = 0;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  std::uint32_t token = 0;     // index of its first word in the piece's tokens
  std::uint32_t words = 0;     // how many words it spans
  std::uint32_t sentence = 0;  // the sentence it is in, counted from 0 in its piece
  bool negated = false;        // a negation governs it (mark_negations); false if none were marked
  friend bool operator<(const PhraseHit& a, const PhraseHit& b) {
    if (a.phrase != b.phrase) return a.phrase < b.phrase;
    if (a.piece != b.piece) return a.piece < b.piece;
    return a.offset < b.offset;
  }
};

// What one ticket's text contains, by the index: every phrase occurrence, sorted, and the
// regexes worth running (sorted ids). Pieces the ticket lacks contribute nothing.
struct TextHits {
  std::vector<PhraseHit> phrases;
  std::vector<std::uint32_t> regexes;
};

// Appends every occurrence, in `tokens` of piece `piece_no`, of a phrase indexed for that piece.
void scan_tokens(const MatchIndex& index, std::uint32_t piece_no, const std::vector<Token>& tokens,
                 std::vector<PhraseHit>& out);
// Appends the ids of the piece's regexes that may match `text`: those RE2::Set found, and any
// it could not decide.
void scan_regexes(const PieceIndex& piece, std::string_view text, std::vector<std::uint32_t>& out);

}  // namespace triaged::routing

// Evaluates compiled conditions against one ticket, recording each evaluated leaf. A
// TicketView reads the ticket once through the rule set's MatchIndex; leaves then only look
// up what it found.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "compiled.h"
#include "match_index.h"
#include "text.h"

namespace triaged::routing {

class TicketView {
 public:
  TicketView(const Ticket& ticket, const RuleSet::Impl& rules);

  struct Piece {
    std::string field;       // "subject", "body", "field.order_id", ...
    std::string_view value;
  };
  // The texts a selector reads: `text` is subject and body, others are one piece or none.
  std::vector<Piece> pieces(const Selector& s) const;
  const MatchIndex& index() const { return index_; }
  const TextHits& hits() const { return hits_; }
  std::string_view piece_text(std::uint32_t piece) const { return piece_text_[piece]; }
  // The words of the subject (0) and body (1), negations marked, when a model reads them.
  const std::vector<Token>& tokens(std::size_t piece) const { return tokens_[piece]; }
  bool regex_may_match(std::uint32_t regex_id) const {
    return !index_.regex_in_sets[regex_id] || std::binary_search(hits_.regexes.begin(), hits_.regexes.end(), regex_id);
  }

 private:
  const Ticket& ticket_;
  const MatchIndex& index_;
  std::string from_domain_;
  std::vector<std::string_view> piece_text_;  // by MatchIndex piece; empty when absent
  TextHits hits_;
  std::vector<Token> tokens_[2];
};

// True when `c` holds for the ticket. Appends one ConditionTrace per evaluated leaf.
bool evaluate(const CompiledCondition& c, TicketView& view, std::vector<ConditionTrace>& trace);

}  // namespace triaged::routing

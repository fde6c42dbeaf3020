// Evaluates compiled conditions against one ticket, recording each evaluated leaf. A
// TicketView analyzes each piece of text once, however many conditions read it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiled.h"
#include "text.h"

namespace triaged::routing {

class TicketView {
 public:
  TicketView(const Ticket& ticket, const std::vector<std::string>& languages);

  struct Piece {
    std::string field;       // "subject", "body", "field.order_id", ...
    std::string_view value;
  };
  // The texts a selector reads: `text` is subject and body, others are one piece or none.
  std::vector<Piece> pieces(const Selector& s) const;
  const std::vector<Token>& tokens(const Piece& piece);

 private:
  const Ticket& ticket_;
  std::string from_domain_;
  Stemmers stemmers_;
  std::map<std::string, std::vector<Token>> tokens_;  // by piece field name
};

// True when `c` holds for the ticket. Appends one ConditionTrace per evaluated leaf.
bool evaluate(const CompiledCondition& c, TicketView& view, std::vector<ConditionTrace>& trace);

}  // namespace triaged::routing

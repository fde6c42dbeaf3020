#include "matcher.h"

#include <algorithm>

namespace triaged::routing {
namespace {

// Enough to show an admin why a leaf matched without letting a long text bloat the trace.
constexpr std::size_t kMaxMatchesPerLeaf = 8;

bool term_matches(const Term& term, const Token& token) {
  if (term.prefix) return token.folded.compare(0, term.text.size(), term.text) == 0;
  return token.stem == term.text;
}

// Appends every occurrence of `phrase` in `tokens` (up to the cap); true if any.
bool find_phrase(const Phrase& phrase, const std::vector<Token>& tokens, const TicketView::Piece& piece,
                 std::vector<TextMatch>& out) {
  const std::size_t n = phrase.terms.size();
  bool found = false;
  for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
    bool all = true;
    for (std::size_t k = 0; k < n && all; ++k)
      all = term_matches(phrase.terms[k], tokens[i + k]) && (k == 0 || !tokens[i + k].sentence_start);
    if (!all) continue;
    found = true;
    if (out.size() >= kMaxMatchesPerLeaf) break;
    const std::size_t begin = tokens[i].offset;
    const std::size_t end = tokens[i + n - 1].offset + tokens[i + n - 1].length;
    // Two keywords of one condition can share a stem ("теплым", "теплый"): one span, one match.
    const bool seen = std::any_of(out.begin(), out.end(), [&](const TextMatch& m) {
      return m.field == piece.field && m.offset == begin && m.length == end - begin;
    });
    if (!seen) out.push_back({piece.field, begin, end - begin, std::string(piece.value.substr(begin, end - begin))});
  }
  return found;
}

bool evaluate_leaf(const CompiledCondition& c, TicketView& view, std::vector<TextMatch>& matches) {
  using Op = ConditionSpec::Op;
  const auto pieces = view.pieces(c.selector);
  switch (c.op) {
    case Op::words:
    case Op::all_words: {
      std::size_t phrases_found = 0;
      for (const auto& phrase : c.phrases) {
        bool found = false;
        for (const auto& piece : pieces) found = find_phrase(phrase, view.tokens(piece), piece, matches) || found;
        if (found) ++phrases_found;
        else if (c.op == Op::all_words) return false;
      }
      return phrases_found > 0;
    }
    case Op::regex:
      for (const auto& piece : pieces) {
        re2::StringPiece whole(piece.value.data(), piece.value.size()), m;
        if (c.regex->Match(whole, 0, whole.size(), re2::RE2::UNANCHORED, &m, 1)) {
          const auto offset = static_cast<std::size_t>(m.data() - piece.value.data());
          matches.push_back({piece.field, offset, m.size(), std::string(m.data(), m.size())});
          return true;
        }
      }
      return false;
    case Op::equals:
    case Op::in:
      for (const auto& piece : pieces) {
        const std::string value = fold(trim(piece.value));
        if (std::find(c.folded_values.begin(), c.folded_values.end(), value) != c.folded_values.end()) {
          matches.push_back({piece.field, 0, piece.value.size(), std::string(piece.value)});
          return true;
        }
      }
      return false;
    case Op::exists: {
      const bool present = std::any_of(pieces.begin(), pieces.end(),
                                       [](const auto& p) { return !trim(p.value).empty(); });
      return present == c.exists;
    }
  }
  return false;
}

}  // namespace

TicketView::TicketView(const Ticket& ticket, const std::vector<std::string>& languages)
    : ticket_(ticket), stemmers_(languages) {
  const auto at = ticket.requester.email.rfind('@');
  if (at != std::string::npos) from_domain_ = std::string(trim(ticket.requester.email.substr(at + 1)));
}

std::vector<TicketView::Piece> TicketView::pieces(const Selector& s) const {
  switch (s.kind) {
    case SelectorKind::subject: return {{"subject", ticket_.subject}};
    case SelectorKind::body: return {{"body", ticket_.body}};
    case SelectorKind::text: return {{"subject", ticket_.subject}, {"body", ticket_.body}};
    case SelectorKind::from: return {{"from", ticket_.requester.email}};
    case SelectorKind::from_domain: return {{"from_domain", from_domain_}};
    case SelectorKind::channel: return {{"channel", ticket_.channel}};
    case SelectorKind::field: {
      auto it = ticket_.fields.find(s.name);
      if (it == ticket_.fields.end()) return {};
      return {{s.label, it->second}};
    }
    case SelectorKind::header: {
      auto it = ticket_.headers.find(s.name);
      if (it == ticket_.headers.end()) return {};
      return {{s.label, it->second}};
    }
  }
  return {};
}

const std::vector<Token>& TicketView::tokens(const Piece& piece) {
  auto it = tokens_.find(piece.field);
  if (it == tokens_.end()) it = tokens_.emplace(piece.field, analyze(piece.value, stemmers_)).first;
  return it->second;
}

bool evaluate(const CompiledCondition& c, TicketView& view, std::vector<ConditionTrace>& trace) {
  using Kind = ConditionSpec::Kind;
  switch (c.kind) {
    case Kind::all:
      for (const auto& child : c.children)
        if (!evaluate(child, view, trace)) return false;
      return true;
    case Kind::any:
      for (const auto& child : c.children)
        if (evaluate(child, view, trace)) return true;
      return false;
    case Kind::not_:
      return !evaluate(c.children.front(), view, trace);
    case Kind::match: {
      ConditionTrace leaf{c.path, c.description, false, {}};
      leaf.matched = evaluate_leaf(c, view, leaf.matches);
      if (!leaf.matched) leaf.matches.clear();
      const bool matched = leaf.matched;
      trace.push_back(std::move(leaf));
      return matched;
    }
  }
  return false;
}

}  // namespace triaged::routing

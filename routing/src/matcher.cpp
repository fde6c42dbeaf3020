#include "matcher.h"

#include <algorithm>
#include <optional>

namespace triaged::routing {
namespace {

// Enough to show an admin why a leaf matched without letting a long text bloat the trace.
constexpr std::size_t kMaxMatchesPerLeaf = 8;

bool evaluate_leaf(const CompiledCondition& c, TicketView& view, std::vector<TextMatch>& matches) {
  using Op = ConditionSpec::Op;
  switch (c.op) {
    case Op::words:
    case Op::all_words: {
      // This leaf's phrases have consecutive ids, so their hits are one run of the sorted list.
      const auto& hits = view.hits().phrases;
      const std::uint32_t end = c.first_phrase + static_cast<std::uint32_t>(c.phrases.size());
      auto it = std::lower_bound(hits.begin(), hits.end(), c.first_phrase,
                                 [](const PhraseHit& h, std::uint32_t id) { return h.phrase < id; });
      const bool named_piece = c.selector.kind == SelectorKind::field || c.selector.kind == SelectorKind::header;
      std::size_t phrases_found = 0;
      for (std::uint32_t last = UINT32_MAX; it != hits.end() && it->phrase < end; ++it) {
        if (it->phrase != last) ++phrases_found;
        last = it->phrase;
        if (matches.size() >= kMaxMatchesPerLeaf) continue;
        const std::string& field = named_piece ? c.selector.label : view.index().pieces[it->piece].key;
        // Two keywords of one condition can share a stem ("теплым", "теплый"): one span, one match.
        const bool seen = std::any_of(matches.begin(), matches.end(), [&](const TextMatch& m) {
          return m.field == field && m.offset == it->offset && m.length == it->length;
        });
        if (!seen)
          matches.push_back({field, it->offset, it->length,
                             std::string(view.piece_text(it->piece).substr(it->offset, it->length))});
      }
      return c.op == Op::all_words ? phrases_found == c.phrases.size() : phrases_found > 0;
    }
    case Op::regex:
      if (!view.regex_may_match(c.regex_id)) return false;
      for (const auto& piece : view.pieces(c.selector)) {
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
      for (const auto& piece : view.pieces(c.selector)) {
        const std::string value = fold(trim(piece.value));
        if (std::find(c.folded_values.begin(), c.folded_values.end(), value) != c.folded_values.end()) {
          matches.push_back({piece.field, 0, piece.value.size(), std::string(piece.value)});
          return true;
        }
      }
      return false;
    case Op::exists: {
      const auto pieces = view.pieces(c.selector);
      const bool present = std::any_of(pieces.begin(), pieces.end(),
                                       [](const auto& p) { return !trim(p.value).empty(); });
      return present == c.exists;
    }
  }
  return false;
}

}  // namespace

TicketView::TicketView(const Ticket& ticket, const RuleSet::Impl& rules)
    : ticket_(ticket), index_(*rules.index) {
  const auto at = ticket.requester.email.rfind('@');
  if (at != std::string::npos) from_domain_ = std::string(trim(ticket.requester.email.substr(at + 1)));
  std::optional<Stemmers> stemmers;  // Snowball's are not free to make; only when a keyword reads text
  piece_text_.resize(index_.pieces.size());
  for (std::uint32_t p = 0; p < index_.pieces.size(); ++p) {
    const PieceIndex& piece = index_.pieces[p];
    const auto found = pieces(piece.selector);
    if (found.empty()) continue;
    piece_text_[p] = found.front().value;
    if (!piece.by_first_stem.empty() || !piece.by_first_prefix.empty()) {
      if (!stemmers) stemmers.emplace(rules.spec.languages);
      scan_tokens(index_, p, analyze(piece_text_[p], *stemmers), hits_.phrases);
    }
    scan_regexes(piece, piece_text_[p], hits_.regexes);
  }
  std::sort(hits_.phrases.begin(), hits_.phrases.end());
  std::sort(hits_.regexes.begin(), hits_.regexes.end());
  hits_.regexes.erase(std::unique(hits_.regexes.begin(), hits_.regexes.end()), hits_.regexes.end());
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

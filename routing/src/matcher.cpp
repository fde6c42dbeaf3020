#include "matcher.h"

#include <algorithm>
#include <optional>

namespace triaged::routing {
namespace {

// Enough to show an admin why a leaf matched without letting a long text bloat the trace.
constexpr std::size_t kMaxMatchesPerLeaf = 8;

bool counts(const CompiledCondition& c, const PhraseHit& hit) {
  switch (c.negation) {
    case Negation::any: return true;
    case Negation::exclude: return !hit.negated;
    case Negation::only: return hit.negated;
  }
  return true;
}

// The hits of phrases [first, end) of this leaf that count under its negation setting. A
// leaf's phrases have consecutive ids, so their hits are one run of the sorted list.
template <typename Visit>
void for_each_hit(const CompiledCondition& c, const TicketView& view, std::uint32_t first, std::uint32_t end,
                  Visit&& visit) {
  const auto& hits = view.hits().phrases;
  auto it = std::lower_bound(hits.begin(), hits.end(), first,
                             [](const PhraseHit& h, std::uint32_t id) { return h.phrase < id; });
  for (; it != hits.end() && it->phrase < end; ++it)
    if (counts(c, *it)) visit(*it);
}

void add_match(const CompiledCondition& c, const TicketView& view, const PhraseHit& hit,
               std::vector<TextMatch>& matches) {
  if (matches.size() >= kMaxMatchesPerLeaf) return;
  const bool named_piece = c.selector.kind == SelectorKind::field || c.selector.kind == SelectorKind::header;
  const std::string& field = named_piece ? c.selector.label : view.index().pieces[hit.piece].key;
  // Two keywords of one condition can share a stem ("теплым", "теплый"): one span, one match.
  const bool seen = std::any_of(matches.begin(), matches.end(), [&](const TextMatch& m) {
    return m.field == field && m.offset == hit.offset && m.length == hit.length;
  });
  if (!seen)
    matches.push_back({field, hit.offset, hit.length,
                       std::string(view.piece_text(hit.piece).substr(hit.offset, hit.length))});
}

// Words between two hits of one piece, 0 when they touch or overlap.
std::uint32_t gap(const PhraseHit& a, const PhraseHit& b) {
  const PhraseHit& first = a.token <= b.token ? a : b;
  const PhraseHit& second = a.token <= b.token ? b : a;
  const std::uint32_t first_end = first.token + first.words;
  return second.token > first_end ? second.token - first_end : 0;
}

bool evaluate_leaf(const CompiledCondition& c, TicketView& view, std::vector<TextMatch>& matches) {
  using Op = ConditionSpec::Op;
  switch (c.op) {
    case Op::words:
    case Op::all_words: {
      const std::uint32_t end = c.first_phrase + static_cast<std::uint32_t>(c.phrases.size());
      std::size_t phrases_found = 0;
      std::uint32_t last = UINT32_MAX;
      for_each_hit(c, view, c.first_phrase, end, [&](const PhraseHit& hit) {
        if (hit.phrase != last) ++phrases_found;
        last = hit.phrase;
        add_match(c, view, hit, matches);
      });
      return c.op == Op::all_words ? phrases_found == c.phrases.size() : phrases_found > 0;
    }
    case Op::near: {
      const std::uint32_t split = c.first_phrase + static_cast<std::uint32_t>(c.near_split);
      const std::uint32_t end = c.first_phrase + static_cast<std::uint32_t>(c.phrases.size());
      std::vector<PhraseHit> firsts;
      for_each_hit(c, view, c.first_phrase, split, [&](const PhraseHit& hit) { firsts.push_back(hit); });
      if (firsts.empty()) return false;
      bool found = false;
      for_each_hit(c, view, split, end, [&](const PhraseHit& hit) {
        for (const PhraseHit& a : firsts) {
          if (a.piece != hit.piece || a.sentence != hit.sentence) continue;
          if (c.within > 0 && gap(a, hit) > static_cast<std::uint32_t>(c.within)) continue;
          found = true;
          add_match(c, view, a, matches);
          add_match(c, view, hit, matches);
        }
      });
      return found;
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
  std::optional<StemmerPool::Lease> stemmers;  // only when a keyword or the model reads text
  piece_text_.resize(index_.pieces.size());
  for (std::uint32_t p = 0; p < index_.pieces.size(); ++p) {
    const PieceIndex& piece = index_.pieces[p];
    const auto found = pieces(piece.selector);
    if (found.empty()) continue;
    piece_text_[p] = found.front().value;
    // Subject and body are pieces 0 and 1; the model reads their words too.
    const bool for_model = p < 2 && rules.model != nullptr;
    if (!piece.by_first_stem.empty() || !piece.by_first_prefix.empty() || for_model) {
      if (!stemmers) stemmers.emplace(rules.stemmers->lease());
      std::vector<Token> tokens = analyze(piece_text_[p], **stemmers);
      if (rules.reads_negation) mark_negations(tokens, rules.negation);
      scan_tokens(index_, p, tokens, hits_.phrases);
      if (for_model) tokens_[p] = std::move(tokens);
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
    case Kind::use:  // compiled in place by build_rule_set(); never reaches a compiled tree
      return false;
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

// The `duplicates:` setting: when a new ticket repeats an open ticket of the same requester.
// Shape only; build_rule_set() checks that match fields exist.
#include "spec_parser.h"

namespace triaged::rules {
namespace {

constexpr std::string_view kDuplicatesKeys[] = {"window", "match", "action"};

}  // namespace

std::optional<routing::DuplicateAction> parse_duplicate_action(const Entry& entry, std::string_view context,
                                                               Reader& r) {
  using routing::DuplicateAction;
  auto name = r.string(entry, context);
  if (!name) return std::nullopt;
  for (DuplicateAction a : {DuplicateAction::merge, DuplicateAction::link, DuplicateAction::off})
    if (*name == routing::to_string(a)) return a;
  r.error(r.where(entry), "unknown duplicate action " + quote(*name) + " for " + entry_name(entry, context) +
                              " (expected merge, link or off)");
  return std::nullopt;
}

void parse_duplicates(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  const std::string context = "in \"duplicates\"";
  auto body = r.mapping(entry, "at top level");
  if (!body) return;
  r.check_keys(*body, context, kDuplicatesKeys);
  routing::DuplicateSpec& out = spec.duplicates;
  out.where = r.where(entry.key_node);
  if (const Entry* e = body->find("window")) out.window = duration_entry(*e, context, r).value_or(out.window);
  if (const Entry* e = body->find("match"))
    out.match_fields = r.strings(*e, context, /*single_ok=*/true).value_or(std::vector<std::string>{});
  if (const Entry* e = body->find("action")) out.action = parse_duplicate_action(*e, context, r).value_or(out.action);
}

}  // namespace triaged::rules

// The parts of a rule set that make routing generalise beyond first-match keyword lists:
// named conditions, scored decisions, negation words and the learned model. Shape only;
// build_rule_set() resolves names and checks meaning.
#include "spec_parser.h"

namespace triaged::rules {
namespace {

constexpr std::string_view kModelKeys[] = {"file", "use", "min_confidence", "unsure_below", "override_above"};
constexpr std::string_view kNegationKeys[] = {"before", "after"};
constexpr std::string_view kSignalKeys[] = {"weight", "when"};

std::optional<double> share(const Entry& e, std::string_view context, Reader& r) {
  auto v = r.number(e, context);
  if (!v) return std::nullopt;
  if (*v < 0 || *v > 1) {
    r.error(r.where(e), entry_name(e, context) + " must be between 0 and 1");
    return std::nullopt;
  }
  return v;
}

}  // namespace

void parse_named_conditions(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  auto m = r.mapping(entry, "at top level");
  if (!m) return;
  r.check_duplicates(*m, "in \"conditions\"");
  for (const Entry& e : m->entries) {
    auto c = parse_condition(e, "in \"conditions\"", "conditions/" + e.key, r);
    if (c) spec.conditions.push_back({e.key, std::move(*c), r.where(e.key_node)});
  }
}

void parse_decide(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  auto name = r.string(entry, "at top level");
  if (!name) return;
  if (*name == "first_match") spec.decide = routing::DecideBy::first_match;
  else if (*name == "score") spec.decide = routing::DecideBy::score;
  else r.error(r.where(entry), "unknown decide " + quote(*name) + " (expected first_match or score)");
}

void parse_model(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  const std::string context = "in \"model\"";
  auto body = r.mapping(entry, "at top level");
  if (!body) return;
  r.check_keys(*body, context, kModelKeys);
  routing::ModelSpec out;
  out.where = r.where(entry.key_node);
  if (const Entry* e = body->find("file")) out.file = r.non_empty_string(*e, context).value_or("");
  else r.missing_key(*body, "file", context);
  if (const Entry* e = body->find("use")) {
    if (auto name = r.string(*e, context)) {
      bool known = false;
      for (auto u : {routing::ModelUse::off, routing::ModelUse::shadow, routing::ModelUse::fallback})
        if (*name == routing::to_string(u)) out.use = u, known = true;
      if (!known) r.error(r.where(*e), "unknown model use " + quote(*name) + " (expected off, shadow or fallback)");
    }
  }
  if (const Entry* e = body->find("min_confidence")) out.min_confidence = share(*e, context, r).value_or(out.min_confidence);
  if (const Entry* e = body->find("unsure_below")) out.unsure_below = share(*e, context, r).value_or(out.unsure_below);
  if (const Entry* e = body->find("override_above")) out.override_above = share(*e, context, r).value_or(out.override_above);
  spec.model = std::move(out);
}

void parse_negation(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  const std::string context = "in \"negation\"";
  auto body = r.mapping(entry, "at top level");
  if (!body) return;
  r.check_keys(*body, context, kNegationKeys);
  spec.negation.where = r.where(entry.key_node);
  if (const Entry* e = body->find("before"))
    spec.negation.before = r.strings(*e, context, /*single_ok=*/true).value_or(std::vector<std::string>{});
  if (const Entry* e = body->find("after"))
    spec.negation.after = r.strings(*e, context, /*single_ok=*/true).value_or(std::vector<std::string>{});
}

void parse_topic_scoring(const Mapping& body, const std::string& context, const std::string& path,
                         routing::TopicSpec& topic, Reader& r) {
  if (const Entry* e = body.find("unless")) topic.unless = parse_condition(*e, context, path + "/unless", r);
  if (const Entry* e = body.find("weight")) topic.weight = r.number(*e, context).value_or(topic.weight);
  if (const Entry* e = body.find("decisive")) topic.decisive = r.boolean(*e, context).value_or(false);
  if (const Entry* e = body.find("signals")) {
    // signals: [ { weight: 2, when: { text: { words: [...] } } }, ... ]
    std::size_t index = 0;
    for (const YAML::Node& item : r.sequence(*e, context).value_or(std::vector<YAML::Node>{})) {
      const std::string what = "signal " + std::to_string(++index) + " " + context;
      auto m = r.mapping(item, item.IsNull() ? r.where(*e) : r.where(item), what);
      if (!m) continue;
      r.check_keys(*m, "in " + what, kSignalKeys);
      routing::SignalSpec signal;
      signal.where = r.where(item);
      if (const Entry* w = m->find("weight")) signal.weight = r.number(*w, "in " + what).value_or(1.0);
      else r.missing_key(*m, "weight", "in " + what);
      const Entry* when = m->find("when");
      if (!when) {
        r.missing_key(*m, "when", "in " + what);
        continue;
      }
      auto c = parse_condition(*when, "in " + what, path + "/signals[" + std::to_string(index - 1) + "]", r);
      if (!c) continue;
      signal.condition = std::move(*c);
      topic.signals.push_back(std::move(signal));
    }
  }
}

}  // namespace triaged::rules

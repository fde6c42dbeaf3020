// For the ticket targets: route a ticket the adapters accepted through the example rule set
// and render the decision as the API would, which must give valid JSON.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "app/daemon.h"
#include "fuzz_check.h"
#include "common/json_output.h"
#include "routing/routing.h"
#include "rules/rules.h"

namespace triaged::fuzz {

inline const routing::RuleSet& example_rules() {
  static const std::shared_ptr<const routing::RuleSet> rules = [] {
    auto loaded = rules::load_rules_text(daemon::embedded_rules_text(), daemon::embedded_rules_source());
    if (!loaded) fail("the built-in example rules do not load");
    return loaded->rules;
  }();
  return *rules;
}

// As Api does: an explicit topic the rules do not know is refused before routing.
inline void route_and_render(const routing::Ticket& ticket) {
  const routing::RuleSet& rules = example_rules();
  if (!ticket.topic.empty() && !rules.has_topic(ticket.topic)) return;
  using namespace std::chrono;
  const routing::Decision d = routing::route(rules, ticket, sys_days{year{2026} / March / 2} + hours{9});
  check(!d.topic.empty() && rules.has_topic(d.topic), "route() decided on a topic of the rule set", d.topic);
  check(!d.department.empty(), "route() named a department");
  const std::string text = boost::json::serialize(daemon::decision_to_json(d));
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  check(!ec, "the decision renders as valid JSON (UTF-8 included)", text);
}

}  // namespace triaged::fuzz

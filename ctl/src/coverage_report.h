// Coverage: how well a period's real traffic was covered by the rules. Per routed topic its
// share of tickets, how many staff rerouted (the misroute signal) and where to; the share
// that fell to the default topic; and, given a rule set, its topics that never matched.
// Shared by `triagectl coverage` and any later admin endpoint; only reads the store.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "storage/traffic.h"

namespace triaged::cli {

// The seed target: the named topics should take at least this share of all tickets.
inline constexpr double kCoverageTarget = 0.9;

struct CoverageReport {
  std::optional<std::chrono::system_clock::time_point> since;
  // Per routed topic (the stored decision's topic), most tickets first; with a rule set,
  // its topics without tickets follow with zeros.
  storage::Coverage coverage;
  // "Fell to the default topic" is a decision whose source is "default": nothing matched.
  // A ticket an operator put on the default topic on purpose is not counted.
  double default_share = 0;
  double covered_share = 0;            // 1 - default_share; 0 when there are no tickets
  bool below_target = false;           // tickets > 0 and covered_share < kCoverageTarget

  bool with_rules = false;
  std::string rules_name;
  std::string rules_version;
  std::string default_topic;
  // Topics of the rule set whose conditions matched no ticket of the period (operator
  // choices do not count), in rule order; the default topic is never listed. This is at
  // topic granularity: a topic can match while one of its `any` branches never does.
  std::vector<std::string> never_matched;
};

// `rules` may be null. Fails only when the store does.
std::expected<CoverageReport, storage::StoreError> coverage_report(
    storage::TrafficStore& store, std::optional<std::chrono::system_clock::time_point> since,
    const routing::RuleSet* rules);

// {since, tickets, by_rules, by_operator, by_default, default_share, covered_share, target,
//  below_target, rerouted, rerouted_share, topics: [{topic, tickets, share, by_rules,
//  by_operator, by_default, rerouted, rerouted_share, destinations: [{topic, department,
//  tickets}]}], rules: {name, version, default_topic} | null, never_matched: [...] | null}
boost::json::object coverage_to_json(const CoverageReport& report);

std::string coverage_to_text(const CoverageReport& report);

}  // namespace triaged::cli

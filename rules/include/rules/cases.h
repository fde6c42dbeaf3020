// Test cases for rule sets: a ticket and what routing must decide for it. The same cases are
// written inline in a rule set's `tests:` (run at every load) and in separate case files
// (run by `triagectl test`), and both run through run_case(), i.e. routing::route() on the
// rules as loaded. Pure functions; thread-safe.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/rule_spec.h"
#include "routing/routing.h"

namespace triaged::rules {

// What a case expects; an absent key is not compared. missing and invalid are compared as
// sets of field ids (an at-least-one-of group reads "phone|email"), so `missing: []` asserts
// that nothing is missing.
struct Expectation {
  std::optional<std::string> topic;
  std::optional<std::string> department;
  std::optional<routing::Priority> priority;
  std::optional<std::vector<std::string>> missing;
  std::optional<std::vector<std::string>> invalid;
};

struct TestCase {
  std::string name;   // as written in `name:`; "#3" for the third case when it has none
  std::string label;  // `test "courier never came"` or `test #3`, as load errors name it
  std::string where;  // "file:line:column" of the case
  routing::Ticket ticket;
  Expectation expect;
};

struct CaseResult {
  routing::Decision decision;
  // "expected topic \"delivery\", got \"other\"", one per expectation not met; a case that
  // names a topic or department the rules do not define fails with that instead.
  std::vector<std::string> mismatches;
  bool passed() const { return mismatches.empty(); }
};

// Routes the case's ticket (at a fixed `now`, since cases never compare due times) and
// compares the decision with the expectation.
CaseResult run_case(const routing::RuleSet& rules, const TestCase& test);

// The part of a decision's trace that chose its topic, on one line: "decided by
// delivery/when.any[0]: text words [курьер] matched \"курьер\" in body at 12".
std::string decided_by(const routing::Decision& d);

// The inline `tests:` of the rule set in `text` (named `source` in their `where`); empty if
// the text does not parse.
std::vector<TestCase> inline_cases(std::string_view text, const std::string& source);

// `topic`'s conditions evaluated on `ticket` as if it were the only topic: whether they hold
// whatever the topics before it do, and the trace of each evaluated condition. nullopt for
// the default topic or an id the rules do not define.
std::optional<routing::TopicTrace> evaluate_topic_alone(const routing::RuleSet& rules,
                                                        const std::string& topic,
                                                        const routing::Ticket& ticket);

// A case file: a YAML sequence of cases written exactly like inline tests
// (name, ticket: {subject, body, requester, fields, channel, topic, headers},
// expect: {topic, department, priority, missing, invalid}), parsed as strictly. Returns
// every problem, located as "source:line:column", if there is any.
std::expected<std::vector<TestCase>, routing::Diagnostics> parse_cases_text(
    std::string_view text, const std::string& source);

}  // namespace triaged::rules

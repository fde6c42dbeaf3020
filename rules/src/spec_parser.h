// The rule-set schema: YAML nodes in, routing::RuleSetSpec plus the inline tests out. This is
// the structural half of validation (keys, node kinds, enumerations, durations); references,
// duplicate ids and regexes are checked by routing::build_rule_set().
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "routing/rule_spec.h"
#include "rules/cases.h"
#include "yaml_reader.h"

namespace triaged::rules {

struct ParsedRules {
  routing::RuleSetSpec spec;
  std::vector<TestCase> tests;
};

// Reads the whole document, reporting every structural problem through `reader`. The result
// is meaningful only if nothing was reported.
ParsedRules parse_rules(const YAML::Node& root, Reader& reader);

// `when` of a topic; `path` ("delivery/when") names it in messages the way routing's trace
// names conditions.
std::optional<routing::ConditionSpec> parse_condition(const Entry& entry, std::string_view context,
                                                      const std::string& path, Reader& reader);

// A sequence of test cases (a rule set's `tests:`, or a whole case file); `entry.value` is
// the sequence.
std::vector<TestCase> parse_tests(const Entry& entry, Reader& reader);

// The whole document in `text`: YAML syntax errors and every structural problem go to
// `diagnostics` (the one place yaml-cpp's exceptions are caught for rule sets). nullopt if
// anything was reported.
std::optional<ParsedRules> parse_document(std::string_view text, const std::string& source,
                                          routing::Diagnostics& diagnostics);

std::optional<routing::Priority> parse_priority(const Entry& entry, std::string_view context,
                                                Reader& reader);

// "24h", "90m", "1d12h": whole numbers with units d, h, m, s, largest first, each at most
// once. nullopt if `text` is not one.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);
// The entry's value as a duration, reporting a string that is not one.
std::optional<std::chrono::seconds> duration_entry(const Entry& entry, std::string_view context,
                                                   Reader& reader);

// The SLA parts of a rule set (sla_parser.cpp): `calendar`, `priorities`, `escalations`.
void parse_calendar(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);
void parse_priority_slas(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);
void parse_escalations(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);

// `duplicates:` at top level (window, match, action) and a topic's `duplicates:` action
// (duplicates_parser.cpp).
void parse_duplicates(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);
std::optional<routing::DuplicateAction> parse_duplicate_action(const Entry& entry, std::string_view context,
                                                               Reader& reader);

// Scoring, named conditions, negation words and the model (scoring_parser.cpp): the top-level
// `conditions`, `decide`, `model` and `negation`, and a topic's `unless`, `weight`, `signals`
// and `decisive`.
void parse_named_conditions(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);
void parse_decide(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);
void parse_model(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);
void parse_negation(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);
void parse_topic_scoring(const Mapping& body, const std::string& context, const std::string& path,
                         routing::TopicSpec& topic, Reader& reader);

// A topic's `canned` answers and `answers` (answers_parser.cpp).
void parse_topic_texts(const Mapping& body, const std::string& context, routing::TopicSpec& topic, Reader& reader);
// The customer's acknowledgement of a new ticket (acknowledgement_parser.cpp).
void parse_acknowledgement(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);
// The survey asked once when a ticket is first resolved (acknowledgement_parser.cpp).
void parse_satisfaction(const Entry& entry, routing::RuleSetSpec& spec, Reader& reader);

}  // namespace triaged::rules

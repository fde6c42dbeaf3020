// The rule-set schema: YAML nodes in, routing::RuleSetSpec plus the inline tests out. This is
// the structural half of validation (keys, node kinds, enumerations, durations); references,
// duplicate ids and regexes are checked by routing::build_rule_set().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "routing/rule_spec.h"
#include "yaml_reader.h"

namespace triaged::rules {

// What an inline test expects; an absent key is not compared.
struct Expectation {
  std::optional<std::string> topic;
  std::optional<std::string> department;
  std::optional<routing::Priority> priority;
  std::optional<std::vector<std::string>> missing;  // compared as sets
  std::optional<std::vector<std::string>> invalid;
};

struct InlineTest {
  std::string label;  // `test "courier never came"` or `test #3`
  std::string where;
  routing::Ticket ticket;
  Expectation expect;
};

struct ParsedRules {
  routing::RuleSetSpec spec;
  std::vector<InlineTest> tests;
};

// Reads the whole document, reporting every structural problem through `reader`. The result
// is meaningful only if nothing was reported.
ParsedRules parse_rules(const YAML::Node& root, Reader& reader);

// `when` of a topic; `path` ("delivery/when") names it in messages the way routing's trace
// names conditions.
std::optional<routing::ConditionSpec> parse_condition(const Entry& entry, std::string_view context,
                                                      const std::string& path, Reader& reader);

std::vector<InlineTest> parse_tests(const Entry& entry, Reader& reader);

std::optional<routing::Priority> parse_priority(const Entry& entry, std::string_view context,
                                                Reader& reader);

}  // namespace triaged::rules

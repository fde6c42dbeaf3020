#include "inline_tests.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

#include "yaml_reader.h"

namespace triaged::rules {
namespace {

// Inline tests never compare due times, but route() needs a `now`; a fixed one keeps every
// run of the same rules identical.
constexpr std::chrono::sys_days kTestNow{std::chrono::year{2025} / 1 / 1};

std::string sorted_list(const std::vector<std::string>& items) {
  std::vector<std::string> sorted = items;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return "[" + join(sorted) + "]";
}

std::vector<std::string> problem_fields(const routing::Decision& d, std::string_view code) {
  std::vector<std::string> out;
  for (const auto& p : d.problems)
    if (p.code == code) out.push_back(p.field);
  return out;
}

void compare_fields(std::string_view code, const std::optional<std::vector<std::string>>& expected,
                    const routing::Decision& d, std::vector<std::string>& mismatches) {
  if (!expected) return;
  const std::vector<std::string> actual = problem_fields(d, code);
  const std::set<std::string> a(actual.begin(), actual.end());
  const std::set<std::string> e(expected->begin(), expected->end());
  if (a != e)
    mismatches.push_back("expected " + std::string(code) + " " + sorted_list(*expected) + ", got " +
                         sorted_list(actual));
}

std::string describe_leaf(const routing::ConditionTrace& leaf) {
  std::string out = leaf.path + ": " + leaf.description;
  if (leaf.matches.empty()) return out;
  const routing::TextMatch& m = leaf.matches.front();
  out += " matched " + quote(m.text);
  // `text` conditions search subject and body; say which one the offset is in.
  if (!leaf.description.starts_with(m.field + " ")) out += " in " + m.field;
  return out + " at " + std::to_string(m.offset);
}

bool has_department(const routing::RuleSet& rules, const std::string& id) {
  const auto& departments = rules.spec().departments;
  return std::any_of(departments.begin(), departments.end(),
                     [&](const auto& d) { return d.id == id; });
}

// Names in a test that the rule set does not define: such a test could never pass, and
// saying so beats "expected topic "delivry", got ...".
std::vector<std::string> unknown_names(const routing::RuleSet& rules, const TestCase& test) {
  std::vector<std::string> out;
  if (!test.ticket.topic.empty() && !rules.has_topic(test.ticket.topic))
    out.push_back("ticket names unknown topic " + quote(test.ticket.topic));
  if (test.expect.topic && !rules.has_topic(*test.expect.topic))
    out.push_back("expects unknown topic " + quote(*test.expect.topic));
  if (test.expect.department && !has_department(rules, *test.expect.department))
    out.push_back("expects unknown department " + quote(*test.expect.department));
  return out;
}

}  // namespace

std::string decided_by(const routing::Decision& d) {
  switch (d.source) {
    case routing::TopicSource::operator_choice:
      return "decided by the ticket's explicit topic " + quote(d.topic);
    case routing::TopicSource::default_topic:
      return "decided by default: no topic's conditions matched";
    case routing::TopicSource::model:
      return "decided by the model (" + std::to_string(static_cast<int>(d.confidence * 100 + 0.5)) +
             "% sure" + (d.runner_up.empty() ? std::string() : "; the rules said " + quote(d.runner_up)) + ")";
    case routing::TopicSource::rules:
      break;
  }
  std::string leaves;
  for (const auto& tried : d.trace) {
    if (!tried.matched || tried.topic != d.topic) continue;
    for (const auto& leaf : tried.conditions) {
      if (!leaf.matched) continue;
      if (!leaves.empty()) leaves += " and ";
      leaves += describe_leaf(leaf);
    }
  }
  return "decided by " + (leaves.empty() ? d.topic + "/when" : leaves);
}

CaseResult run_case(const routing::RuleSet& rules, const TestCase& test) {
  CaseResult result;
  result.decision = route(rules, test.ticket, kTestNow);
  if (auto unknown = unknown_names(rules, test); !unknown.empty()) {
    result.mismatches = std::move(unknown);
    return result;
  }
  const routing::Decision& d = result.decision;
  const Expectation& x = test.expect;
  std::vector<std::string>& mismatches = result.mismatches;
  if (x.topic && *x.topic != d.topic)
    mismatches.push_back("expected topic " + quote(*x.topic) + ", got " + quote(d.topic));
  if (x.department && *x.department != d.department)
    mismatches.push_back("expected department " + quote(*x.department) + ", got " +
                         quote(d.department));
  if (x.priority && *x.priority != d.priority)
    mismatches.push_back(std::string("expected priority ") + routing::to_string(*x.priority) +
                         ", got " + routing::to_string(d.priority));
  compare_fields("missing", x.missing, d, mismatches);
  compare_fields("invalid", x.invalid, d, mismatches);
  return result;
}

InlineTestResults run_inline_tests(const routing::RuleSet& rules,
                                   const std::vector<TestCase>& tests) {
  InlineTestResults results;
  for (const TestCase& test : tests) {
    if (auto unknown = unknown_names(rules, test); !unknown.empty()) {
      results.failures.push_back({test.where, test.label + " " + join(unknown)});
      continue;
    }
    const CaseResult result = run_case(rules, test);
    if (result.passed()) {
      ++results.passed;
      continue;
    }
    std::string message = test.label + " failed: ";
    for (std::size_t i = 0; i < result.mismatches.size(); ++i)
      message += (i ? "; " : "") + result.mismatches[i];
    results.failures.push_back({test.where, message + " (" + decided_by(result.decision) + ")"});
  }
  return results;
}

}  // namespace triaged::rules

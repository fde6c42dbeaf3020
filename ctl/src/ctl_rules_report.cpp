#include "ctl_rules_report.h"

#include <cstdio>
#include <fstream>

namespace triaged::cli {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// "file:line:column" -> "file:line": a case is found by its line.
std::string file_and_line(const std::string& where) {
  const std::size_t last = where.rfind(':');
  if (last == std::string::npos || last == 0) return where;
  const std::size_t before = where.rfind(':', last - 1);
  return before == std::string::npos ? where : where.substr(0, last);
}

// Matches as routing lists them, without repeats (two keywords of one leaf may match the
// same words) and capped so that a keyword found all over a long body stays one line.
std::vector<const routing::TextMatch*> distinct_matches(const routing::ConditionTrace& leaf) {
  constexpr std::size_t kShown = 3;
  std::vector<const routing::TextMatch*> out;
  for (const auto& m : leaf.matches) {
    bool seen = false;
    for (const auto* o : out) seen = seen || (o->field == m.field && o->offset == m.offset && o->length == m.length);
    if (!seen && out.size() < kShown) out.push_back(&m);
  }
  return out;
}

std::string describe(const routing::ConditionTrace& leaf) {
  std::string out = leaf.path + ": " + leaf.description;
  const auto matches = distinct_matches(leaf);
  for (const auto* m : matches)
    out += (m == matches.front() ? " matched " : ", ") + quoted(m->text) + " in " + m->field + " at " +
           std::to_string(m->offset);
  return out;
}

// Why a topic did not match, from its trace alone. Evaluation stops at the condition that
// settles the outcome, so: a leaf that matched last sat under a `not` and blocked the topic;
// a failed leaf after others matched is the part of an `all` that failed; when every leaf
// failed, nothing matched at all and the first is shown.
std::string why_not(const routing::TopicTrace& tried) {
  if (tried.conditions.empty()) return tried.topic + "/when";
  const auto& last = tried.conditions.back();
  if (last.matched) return describe(last) + " (inside not)";
  for (const auto& leaf : tried.conditions)
    if (leaf.matched) return describe(last) + " failed";
  if (tried.conditions.size() == 1) return describe(last) + " failed";
  return "none of its " + std::to_string(tried.conditions.size()) + " conditions matched, first " +
         describe(tried.conditions.front());
}

void explain_expected(const routing::RuleSet& rules, const routing::Ticket& ticket, const std::string& expected,
                      const routing::Decision& d, std::vector<std::string>& out) {
  for (const auto& tried : d.trace)
    if (tried.topic == expected) {
      out.push_back("expected " + quoted(expected) + " did not match: " + why_not(tried));
      return;
    }
  for (const auto& t : rules.spec().topics)
    if (t.id == expected && t.is_default) {
      out.push_back("expected " + quoted(expected) + " is the default topic: it gets only what no topic matches");
      return;
    }
  auto alone = rules::evaluate_topic_alone(rules, expected, ticket);
  if (!alone) return;
  if (alone->matched)
    out.push_back("expected " + quoted(expected) + " matches too, but " + quoted(d.topic) + " is tried first");
  else
    out.push_back("expected " + quoted(expected) + " does not match: " + why_not(*alone));
}

std::string xml_escaped(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 has no way to write other control characters, even as references.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "?";
        else out += c;
    }
  }
  return out;
}

}  // namespace

CaseReport report_case(const routing::RuleSet& rules, const rules::TestCase& test, const rules::CaseResult& result) {
  CaseReport r{test.name, file_and_line(test.where), result.passed(), {}, {}};
  if (r.passed) return r;
  for (const auto& m : result.mismatches) r.message += (r.message.empty() ? "" : "; ") + m;
  const routing::Decision& d = result.decision;
  switch (d.source) {
    case routing::TopicSource::operator_choice:
      r.details.push_back("got " + quoted(d.topic) + ": the ticket names it as its topic");
      break;
    case routing::TopicSource::default_topic:
      r.details.push_back("got " + quoted(d.topic) + ": the default topic, no topic's conditions matched");
      break;
    case routing::TopicSource::model:
      r.details.push_back(rules::decided_by(d));
      break;
    case routing::TopicSource::rules:
      r.details.push_back("got " + quoted(d.topic) + " by:");
      for (const auto& tried : d.trace)
        if (tried.topic == d.topic)
          for (const auto& leaf : tried.conditions)
            if (leaf.matched) r.details.push_back("  " + describe(leaf));
      break;
  }
  if (test.expect.topic && *test.expect.topic != d.topic && rules.has_topic(*test.expect.topic))
    explain_expected(rules, test.ticket, *test.expect.topic, d, r.details);
  for (const auto& p : d.problems) r.details.push_back(p.code + " " + p.field + ": " + p.message);
  return r;
}

Totals print_report(const std::vector<SuiteReport>& suites) {
  Totals t;
  for (const auto& suite : suites) {
    for (const auto& e : suite.errors) std::fprintf(stderr, "%s\n", e.c_str());
    t.errors += suite.errors.size();
    for (const auto& c : suite.cases) {
      ++t.cases;
      if (c.passed) {
        ++t.passed;
        continue;
      }
      ++t.failed;
      std::printf("FAIL %s %s: %s\n", c.where.c_str(), c.name.c_str(), c.message.c_str());
      for (const auto& line : c.details) std::printf("  %s\n", line.c_str());
    }
  }
  std::printf("%zu cases, %zu passed, %zu failed\n", t.cases, t.passed, t.failed);
  std::fflush(stdout);
  return t;
}

std::expected<void, std::string> write_junit(const std::string& path, const std::vector<SuiteReport>& suites) {
  std::size_t tests = 0, failures = 0, errors = 0;
  std::string body;
  for (const auto& suite : suites) {
    std::size_t suite_failures = 0;
    std::string cases;
    for (const auto& c : suite.cases) {
      cases += "    <testcase name=\"" + xml_escaped(c.name) + "\" classname=\"" + xml_escaped(suite.file) + "\"";
      if (c.passed) {
        cases += "/>\n";
        continue;
      }
      ++suite_failures;
      std::string text = c.where + " " + c.name + ": " + c.message;
      for (const auto& line : c.details) text += "\n  " + line;
      cases += ">\n      <failure message=\"" + xml_escaped(c.message) + "\">" + xml_escaped(text) +
               "</failure>\n    </testcase>\n";
    }
    for (const auto& e : suite.errors)
      cases += "    <testcase name=\"(load)\" classname=\"" + xml_escaped(suite.file) + "\">\n      <error message=\"" +
               xml_escaped(e) + "\"/>\n    </testcase>\n";
    const std::size_t suite_tests = suite.cases.size() + suite.errors.size();
    body += "  <testsuite name=\"" + xml_escaped(suite.file) + "\" tests=\"" + std::to_string(suite_tests) +
            "\" failures=\"" + std::to_string(suite_failures) + "\" errors=\"" + std::to_string(suite.errors.size()) +
            "\">\n" + cases + "  </testsuite>\n";
    tests += suite_tests;
    failures += suite_failures;
    errors += suite.errors.size();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"triagectl test\" tests=\"" << tests
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\">\n"
      << body << "</testsuites>\n";
  out.close();
  if (!out) return std::unexpected(path + ": cannot write the JUnit report");
  return {};
}

}  // namespace triaged::cli

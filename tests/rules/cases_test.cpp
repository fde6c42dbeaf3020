// Case files and run_case(): the inline-test parser and checker, used for separate files.
#include "rules/cases.h"

#include "test_support.h"

using namespace triaged;
using rules::testing::kPreamble;
using rules::testing::load_ok;
using rules::testing::messages;
using Messages = std::vector<std::string>;

namespace {

const std::string kRules = std::string(kPreamble) + R"(topics:
  - id: courier
    department: logistics
    template: order_problem
    priority: high
    when: { text: { words: [курьер] } }
  - id: late
    department: logistics
    when: { text: { words: [опоздал] } }
  - id: other
    default: true
    department: support
tests:
  - name: rude courier
    ticket: { subject: "Курьер нагрубил" }
    expect: { topic: courier }
)";

std::vector<rules::TestCase> parse_ok(const std::string& yaml) {
  auto cases = rules::parse_cases_text(yaml, "cases.yaml");
  if (!cases) FAIL(Catch::Detail::stringify(messages(cases.error())));
  return std::move(*cases);
}

}  // namespace

TEST_CASE("a case file is a list of cases written like inline tests", "[rules][cases]") {
  const auto cases = parse_ok(R"(- name: late courier
  ticket: { subject: "Курьер опоздал", requester: { email: a@b.ru }, fields: { order_id: "12345678" } }
  expect: { topic: courier, priority: high, missing: [] }
- ticket: { body: "Опоздал" }
  expect: { topic: late }
)");
  REQUIRE(cases.size() == 2);
  CHECK(cases[0].name == "late courier");
  CHECK(cases[0].where == "cases.yaml:1:3");
  CHECK(cases[0].ticket.fields.at("order_id") == "12345678");
  CHECK(cases[0].expect.missing == std::vector<std::string>{});
  CHECK(cases[1].name == "#2");
  CHECK(cases[1].where == "cases.yaml:4:3");
}

TEST_CASE("a case file is parsed as strictly as inline tests", "[rules][cases]") {
  auto cases = rules::parse_cases_text("- name: x\n  ticket: { subjet: a }\n  expect: { topc: b }\n", "cases.yaml");
  REQUIRE_FALSE(cases.has_value());
  const Messages got = messages(cases.error());
  REQUIRE(got.size() == 2);
  CHECK_THAT(got[0], Catch::StartsWith("cases.yaml:2:13: unknown key \"subjet\""));
  CHECK_THAT(got[1], Catch::StartsWith("cases.yaml:3:13: unknown key \"topc\""));
}

TEST_CASE("a case file that is not a list or not YAML is an error", "[rules][cases]") {
  CHECK_FALSE(rules::parse_cases_text("", "cases.yaml").has_value());
  CHECK_FALSE(rules::parse_cases_text("name: x\n", "cases.yaml").has_value());
  auto broken = rules::parse_cases_text("- [unclosed\n", "cases.yaml");
  REQUIRE_FALSE(broken.has_value());
  CHECK_THAT(broken.error()[0].to_string(), Catch::Contains("invalid YAML"));
}

TEST_CASE("run_case reports every expectation the decision does not meet", "[rules][cases]") {
  const auto loaded = load_ok(kRules);
  const auto cases = parse_ok(R"(- ticket: { subject: "Курьер опоздал" }
  expect: { topic: late, department: support, priority: low, missing: [] }
)");
  const auto result = rules::run_case(*loaded.rules, cases[0]);
  CHECK_FALSE(result.passed());
  CHECK(result.decision.topic == "courier");
  CHECK(result.mismatches == Messages{"expected topic \"late\", got \"courier\"",
                                      "expected department \"support\", got \"logistics\"",
                                      "expected priority low, got high",
                                      "expected missing [], got [order_id]"});
}

TEST_CASE("run_case passes when the decision meets the expectation", "[rules][cases]") {
  const auto loaded = load_ok(kRules);
  const auto cases = parse_ok("- ticket: { subject: \"Курьер\" }\n  expect: { topic: courier, missing: [order_id] }\n");
  CHECK(rules::run_case(*loaded.rules, cases[0]).passed());
}

TEST_CASE("a case expecting a topic the rules lack fails naming it", "[rules][cases]") {
  const auto loaded = load_ok(kRules);
  const auto cases = parse_ok("- ticket: { subject: \"Курьер\" }\n  expect: { topic: curier }\n");
  CHECK(rules::run_case(*loaded.rules, cases[0]).mismatches == Messages{"expects unknown topic \"curier\""});
}

TEST_CASE("the inline tests of a rule set are its cases", "[rules][cases]") {
  const auto cases = rules::inline_cases(kRules, "rules.yaml");
  REQUIRE(cases.size() == 1);
  CHECK(cases[0].name == "rude courier");
  CHECK(cases[0].label == "test \"rude courier\"");
}

TEST_CASE("a topic evaluated alone holds even when an earlier topic takes the ticket", "[rules][cases]") {
  const auto loaded = load_ok(kRules);
  routing::Ticket ticket;
  ticket.subject = "Курьер опоздал";
  const auto late = rules::evaluate_topic_alone(*loaded.rules, "late", ticket);
  REQUIRE(late.has_value());
  CHECK(late->matched);
  REQUIRE(late->conditions.size() == 1);
  CHECK(late->conditions[0].path == "late/when");
  CHECK_FALSE(rules::evaluate_topic_alone(*loaded.rules, "other", ticket).has_value());
  CHECK_FALSE(rules::evaluate_topic_alone(*loaded.rules, "nope", ticket).has_value());
}

TEST_CASE("a case file with a stray top-level comma is an error and not a hang", "[rules][cases]") {
  // yaml-cpp's LoadAll never returns on this; the case reader must not use it.
  const auto cases = rules::parse_cases_text("\"\",", "cases.yaml");
  CHECK_FALSE(cases.has_value());
}

TEST_CASE("a case file with a second document names where it starts", "[rules][cases]") {
  const auto cases = rules::parse_cases_text("- name: x\n  ticket: { subject: a }\n  expect: { topic: b }\n---\n- 1\n",
                                             "cases.yaml");
  REQUIRE_FALSE(cases.has_value());
  CHECK_THAT(messages(cases.error()).back(), Catch::StartsWith("cases.yaml:5:1: a second YAML document"));
}

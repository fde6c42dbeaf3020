#include <catch2/catch.hpp>

#include "spec_builder.h"

using namespace triaged::routing;
using namespace triaged::routing::testing;

namespace {

std::vector<std::string> errors_of(RuleSetSpec spec) {
  auto built = build_rule_set(std::move(spec));
  std::vector<std::string> out;
  if (!built)
    for (const auto& d : built.error()) out.push_back(d.to_string());
  return out;
}

RuleSetSpec with_default() {
  RuleSetSpec s = base_spec();
  s.topics.push_back(default_topic("other", "support"));
  return s;
}

}  // namespace

TEST_CASE("a topic naming an unknown department is rejected", "[routing][build]") {
  RuleSetSpec s = with_default();
  s.topics.push_back(topic("t", "nowhere", words("text", {"x"})));
  CHECK(errors_of(s) == std::vector<std::string>{"test:t: topic \"t\": unknown department \"nowhere\""});
}

TEST_CASE("a topic naming an unknown template is rejected", "[routing][build]") {
  RuleSetSpec s = with_default();
  TopicSpec t = topic("t", "support", words("text", {"x"}));
  t.template_id = "nope";
  s.topics.push_back(t);
  CHECK(errors_of(s) == std::vector<std::string>{"test:t: topic \"t\": unknown template \"nope\""});
}

TEST_CASE("two topics with one id are rejected", "[routing][build]") {
  RuleSetSpec s = with_default();
  s.topics.push_back(topic("t", "support", words("text", {"x"})));
  s.topics.push_back(topic("t", "support", words("text", {"y"})));
  CHECK(errors_of(s) == std::vector<std::string>{"test:t: duplicate topic \"t\""});
}

TEST_CASE("an invalid regex is rejected with RE2's reason", "[routing][build]") {
  RuleSetSpec s = with_default();
  s.topics.push_back(topic("t", "support", leaf("text", ConditionSpec::Op::regex, {"(unclosed"})));
  CHECK(errors_of(s) ==
        std::vector<std::string>{"test: text regex: invalid regex \"(unclosed\": missing ): (unclosed"});
}

TEST_CASE("a rule set without a default topic is rejected", "[routing][build]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("t", "support", words("text", {"x"})));
  CHECK(errors_of(s) == std::vector<std::string>{"no default topic: mark one topic with default: true"});
}

TEST_CASE("a second default topic is rejected", "[routing][build]") {
  RuleSetSpec s = with_default();
  s.topics.push_back(default_topic("other2", "support"));
  CHECK(errors_of(s) == std::vector<std::string>{
                            "test:other2: topic \"other2\": a second default topic (only one may set default: true)"});
}

TEST_CASE("an unknown language is rejected listing the supported ones", "[routing][build]") {
  RuleSetSpec s = with_default();
  s.languages = {"xx"};
  auto errors = errors_of(s);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("unknown language \"xx\" (supported: ru, en, ", 0) == 0);
}

TEST_CASE("an unknown selector and a condition on an undeclared field are rejected", "[routing][build]") {
  RuleSetSpec s = with_default();
  s.topics.push_back(topic("a", "support", words("subjekt", {"x"})));
  s.topics.push_back(topic("b", "support", words("field.order_id", {"x"})));
  auto errors = errors_of(s);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "test: unknown selector \"subjekt\" (expected subject, body, text, from, from_domain, "
                     "channel, field.NAME or header.NAME)");
  CHECK(errors[1] == "test: selector \"field.order_id\": unknown field \"order_id\"");
}

TEST_CASE("a template listing an undeclared field is rejected", "[routing][build]") {
  RuleSetSpec s = with_default();
  s.templates.push_back({"tpl", {"order_id"}, {}, {}, "test:tpl"});
  CHECK(errors_of(s) == std::vector<std::string>{"test:tpl: template \"tpl\": unknown field \"order_id\""});
}

TEST_CASE("a keyword without letters or digits is rejected", "[routing][build]") {
  RuleSetSpec s = with_default();
  s.topics.push_back(topic("t", "support", words("text", {"!!"})));
  CHECK(errors_of(s) == std::vector<std::string>{"test: keyword \"!!\" has no letters or digits"});
}

TEST_CASE("every error is reported and not only the first", "[routing][build]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("a", "nowhere", words("text", {"x"})));
  s.topics.push_back(topic("b", "elsewhere", words("text", {"y"})));
  CHECK(errors_of(s).size() == 3);  // two departments and the missing default
}

// The learned model as route() uses it: the file format, a model that does not fit, and where
// the rule set lets it decide (fallback), only speak (shadow), or break the rules' ties.
#include <catch2/catch.hpp>

#include "routing/model.h"
#include "routing/routing.h"
#include "spec_builder.h"

using namespace triaged::routing;
using namespace triaged::routing::testing;

namespace {

// Words only, no negation or n-grams, so the weights below are all that counts.
ModelData tiny_model() {
  ModelData m;
  m.rule_set = "test";
  m.topics = {"delivery", "refund", "other"};
  m.features = {false, 0, 0};
  m.examples = 3;
  m.note = "hand-written";
  m.bias = {-1, -1, -1};
  m.weights = {{"w:courier", {6, -2, -2}}, {"w:money", {-2, 6, -2}}, {"w:hello", {-2, -2, 6}}};
  return m;
}

std::shared_ptr<const RuleSet> with_model(RuleSetSpec s, ModelSpec use, ModelData data = tiny_model()) {
  s.model = use;
  s.topics.push_back(default_topic("other", "support"));
  auto built = build_rule_set(std::move(s), {compile_model(std::move(data), "sha256:tiny"), ""});
  REQUIRE(built);
  return *built;
}

RuleSetSpec two_topics() {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("delivery", "logistics", words("text", {"late"})));
  s.topics.push_back(topic("refund", "finance", words("text", {"late", "refund"})));
  return s;
}

}  // namespace

TEST_CASE("a model file round-trips through write and parse", "[routing][model]") {
  const ModelData m = tiny_model();
  auto parsed = parse_model(write_model(m));
  REQUIRE(parsed);
  CHECK(parsed->topics == m.topics);
  CHECK(parsed->bias == m.bias);
  CHECK(parsed->note == "hand-written");
  REQUIRE(parsed->weights.size() == 3);
  CHECK(parsed->weights[1].first == "w:money");
  CHECK(parsed->weights[1].second == std::vector<float>{-2, 6, -2});
}

TEST_CASE("a damaged model file is refused with the line that is wrong", "[routing][model]") {
  CHECK(parse_model("hello").error() == "line 1: not a triaged model (expected \"triaged-model 1\")");
  std::string text = write_model(tiny_model());
  text.replace(text.find("w:money -2"), 10, "w:money x");
  CHECK(parse_model(text).error().find("line 10: ") == 0);
  std::string truncated = write_model(tiny_model());
  truncated.resize(truncated.rfind("w:hello"));
  CHECK(parse_model(truncated).error().find("expected 3 weights, found 2") != std::string::npos);
}

TEST_CASE("a model trained for other topics is set aside and the rules route alone", "[routing][model]") {
  ModelData m = tiny_model();
  m.topics = {"delivery", "warehouse", "other"};
  RuleSetSpec s = two_topics();
  s.model = ModelSpec{};
  s.topics.push_back(default_topic("other", "support"));
  auto built = build_rule_set(std::move(s), {compile_model(std::move(m), "v"), ""});
  REQUIRE(built);
  CHECK((*built)->model() == nullptr);
  CHECK((*built)->model_problem().find("warehouse not in this rule set") != std::string::npos);
  const Decision d = route(**built, ticket("", "my courier"), kNow);
  CHECK(d.topic == "other");
  CHECK_FALSE(d.model);
}

TEST_CASE("in fallback the model decides a ticket no rule matched and says why", "[routing][model]") {
  auto rules = with_model(two_topics(), ModelSpec{"m", ModelUse::fallback, 0.5});
  const Decision d = route(*rules, ticket("", "where is my courier"), kNow);
  CHECK(d.topic == "delivery");
  CHECK(d.source == TopicSource::model);
  REQUIRE(d.model);
  CHECK(d.model->decided);
  CHECK(d.model->version == "sha256:tiny");
  CHECK(d.confidence > 0.75);
  REQUIRE_FALSE(d.model->top_words.empty());
  CHECK(d.model->top_words.front().feature == "w:courier");
}

TEST_CASE("in fallback an unsure model leaves the ticket to the default topic", "[routing][model]") {
  auto rules = with_model(two_topics(), ModelSpec{"m", ModelUse::fallback, 0.99});
  const Decision d = route(*rules, ticket("", "courier money"), kNow);
  CHECK(d.topic == "other");
  CHECK(d.source == TopicSource::default_topic);
  REQUIRE(d.model);
  CHECK_FALSE(d.model->decided);
}

TEST_CASE("a matched rule keeps its topic unless the rule set lets the model break ties", "[routing][model]") {
  // "late" matches both topics; rule order says delivery, the model says refund.
  const Ticket t = ticket("", "late, I want my money");
  auto plain = with_model(two_topics(), ModelSpec{"m", ModelUse::fallback, 0.5});
  const Decision rules_only = route(*plain, t, kNow);
  CHECK(rules_only.topic == "delivery");
  CHECK(rules_only.source == TopicSource::rules);
  CHECK(rules_only.runner_up == "refund");
  REQUIRE(rules_only.model);
  CHECK_FALSE(rules_only.model->agrees);

  ModelSpec tie_break{"m", ModelUse::fallback, 0.5};
  tie_break.unsure_below = 0.5;
  auto breaking = with_model(two_topics(), tie_break);
  const Decision d = route(*breaking, t, kNow);
  CHECK(d.topic == "refund");
  CHECK(d.source == TopicSource::model);
  CHECK(d.runner_up == "delivery");
}

TEST_CASE("the model may override a matched rule only above override_above", "[routing][model]") {
  ModelSpec spec{"m", ModelUse::fallback, 0.5};
  spec.override_above = 0.8;
  auto rules = with_model(two_topics(), spec);
  // delivery matched by "late"; the model is sure it is small talk.
  const Decision d = route(*rules, ticket("", "hello hello, not late"), kNow);
  CHECK(d.topic == "other");
  CHECK(d.source == TopicSource::model);
  spec.override_above = 0;
  CHECK(route(*with_model(two_topics(), spec), ticket("", "hello hello, not late"), kNow).topic == "delivery");
}

TEST_CASE("in shadow the model is recorded and never decides", "[routing][model]") {
  ModelSpec shadow{"m", ModelUse::shadow, 0.1};
  shadow.unsure_below = 1;
  auto rules = with_model(two_topics(), shadow);
  const Decision d = route(*rules, ticket("", "where is my courier"), kNow);
  CHECK(d.topic == "other");
  REQUIRE(d.model);
  CHECK(d.model->topic == "delivery");
  CHECK_FALSE(d.model->decided);
}

TEST_CASE("the model's features are the same for training and routing", "[routing][model]") {
  RuleSetSpec s = two_topics();
  s.topics.push_back(default_topic("other", "support"));
  auto rules = build_rule_set(s);
  REQUIRE(rules);
  const auto features = ticket_features(**rules, FeatureOptions{true, 3, 4}, ticket("Courier", "not 12345678"));
  std::vector<std::string> names;
  double norm = 0;
  for (const auto& [f, v] : features) names.push_back(f), norm += v * v;
  CHECK(norm == Approx(1.0));
  CHECK(std::find(names.begin(), names.end(), "w:courier") != names.end());
  CHECK(std::find(names.begin(), names.end(), "c:<co") != names.end());
  CHECK(std::find(names.begin(), names.end(), "c:ier>") != names.end());
  CHECK(std::find(names.begin(), names.end(), "w:#8") != names.end());     // a number by its length
  CHECK(std::find(names.begin(), names.end(), "w:not") != names.end());
}

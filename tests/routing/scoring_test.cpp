// Scored decisions: weights, signals, unless, decisive topics, confidence and the runner-up;
// proximity and named conditions.
#include <catch2/catch.hpp>

#include "routing/routing.h"
#include "spec_builder.h"

using namespace triaged::routing;
using namespace triaged::routing::testing;
using Op = ConditionSpec::Op;

namespace {

SignalSpec signal(double weight, ConditionSpec c) { return {weight, std::move(c), "test"}; }

ConditionSpec near(std::vector<std::string> a, std::vector<std::string> b, int within) {
  ConditionSpec c = leaf("text", Op::near, std::move(a));
  c.near_values = std::move(b);
  c.within = within;
  return c;
}

}  // namespace

TEST_CASE("with decide score the best-scoring topic wins whatever its place", "[routing][scoring]") {
  RuleSetSpec s = base_spec();
  s.decide = DecideBy::score;
  TopicSpec delivery = topic("delivery", "logistics", words("text", {"курьер*"}));
  TopicSpec refund = topic("refund", "finance", words("text", {"деньги"}));
  refund.signals.push_back(signal(2, words("text", {"верните"})));
  s.topics.push_back(delivery);
  s.topics.push_back(refund);
  auto rules = build(s);
  const Decision d = route(*rules, ticket("", "Курьер не приехал, верните деньги"), kNow);
  CHECK(d.topic == "refund");
  CHECK(d.runner_up == "delivery");
  // refund 3, delivery 1: a margin of two thirds of the best score.
  CHECK(d.confidence == Approx(2.0 / 3.0));
  const Decision tie = route(*rules, ticket("", "Курьер привёз, деньги взял"), kNow);
  CHECK(tie.topic == "delivery");  // equal scores: rule order
  CHECK(tie.confidence == 0);
}

TEST_CASE("the trace shows each matched topic's score", "[routing][scoring]") {
  RuleSetSpec s = base_spec();
  s.decide = DecideBy::score;
  TopicSpec refund = topic("refund", "finance", words("text", {"деньги"}));
  refund.weight = 1.5;
  refund.signals.push_back(signal(-1, words("text", {"не нужно"})));
  s.topics.push_back(refund);
  auto rules = build(s);
  const Decision d = route(*rules, ticket("", "Деньги возвращать не нужно"), kNow);
  REQUIRE(d.trace.size() == 1);
  CHECK(d.trace[0].matched);
  CHECK(d.trace[0].score == Approx(0.5));
  CHECK(d.trace[0].conditions.size() == 2);
}

TEST_CASE("a decisive topic wins over a better score", "[routing][scoring]") {
  RuleSetSpec s = base_spec();
  s.decide = DecideBy::score;
  TopicSpec delivery = topic("delivery", "logistics", words("text", {"курьер*"}));
  delivery.weight = 5;
  TopicSpec quality = topic("quality", "support", words("text", {"просрочен*"}));
  quality.decisive = true;
  s.topics.push_back(delivery);
  s.topics.push_back(quality);
  auto rules = build(s);
  const Decision d = route(*rules, ticket("", "Курьер привёз просроченный сироп"), kNow);
  CHECK(d.topic == "quality");
  CHECK(d.confidence == 1);
}

TEST_CASE("unless rules a topic out and the trace says so", "[routing][scoring]") {
  RuleSetSpec s = base_spec();
  TopicSpec delivery = topic("delivery", "logistics", words("text", {"доставк*"}));
  delivery.unless = words("text", {"доставляете ли", "можно ли"});
  s.topics.push_back(delivery);
  auto rules = build(s);
  const Decision question = route(*rules, ticket("", "Можно ли оформить доставку в Казахстан?"), kNow);
  CHECK(question.topic == "other");
  REQUIRE(question.trace.size() == 1);
  CHECK(question.trace[0].ruled_out);
  CHECK_FALSE(question.trace[0].matched);
  CHECK(route(*rules, ticket("", "Доставка опоздала на день"), kNow).topic == "delivery");
}

TEST_CASE("near matches two keywords within so many words of one sentence", "[routing][scoring]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("rude", "logistics", near({"курьер*"}, {"хам*", "груб*"}, 2)));
  s.topics.push_back(topic("same_sentence", "support", near({"аптек*"}, {"закрыт*"}, 0)));
  auto rules = build(s);
  CHECK(route(*rules, ticket("", "Курьер очень грубо разговаривал"), kNow).topic == "rude");
  CHECK(route(*rules, ticket("", "Грубо, но курьер"), kNow).topic == "rude");
  CHECK(route(*rules, ticket("", "Курьер приехал вовремя и вежливо со мной, а вот оператор хамил"), kNow).topic == "other");
  CHECK(route(*rules, ticket("", "Курьер приехал. Оператор хамил."), kNow).topic == "other");
  CHECK(route(*rules, ticket("", "Аптека на Мира почему-то была закрыта весь день"), kNow).topic == "same_sentence");
  CHECK(route(*rules, ticket("", "Пришла в аптеку. Закрыто."), kNow).topic == "other");
}

TEST_CASE("a named condition is used by several topics and its trace path names it", "[routing][scoring]") {
  RuleSetSpec s = base_spec();
  s.conditions.push_back({"thanks", words("text", {"спасибо", "благодар*"}), "test:thanks"});
  ConditionSpec use;
  use.kind = ConditionSpec::Kind::use;
  use.ref = "thanks";
  use.where = "test";
  s.topics.push_back(topic("delivery", "logistics",
                           combine(ConditionSpec::Kind::all, {words("text", {"курьер*"}),
                                                              combine(ConditionSpec::Kind::not_, {use})})));
  s.topics.push_back(topic("praise", "support", use));
  auto rules = build(s);
  const Decision d = route(*rules, ticket("", "Спасибо курьеру!"), kNow);
  CHECK(d.topic == "praise");
  bool path_names_it = false;
  for (const auto& t : d.trace)
    for (const auto& c : t.conditions) path_names_it = path_names_it || c.path.find("(thanks)") != std::string::npos;
  CHECK(path_names_it);
}

TEST_CASE("an unknown or self-using named condition is an error at its use", "[routing][scoring]") {
  RuleSetSpec s = base_spec();
  ConditionSpec use;
  use.kind = ConditionSpec::Kind::use;
  use.ref = "loop";
  use.where = "rules.yaml:9:7";
  s.conditions.push_back({"loop", use, "rules.yaml:3:3"});
  ConditionSpec missing = use;
  missing.ref = "nowhere";
  missing.where = "rules.yaml:12:7";
  s.topics.push_back(topic("a", "support", use));
  s.topics.push_back(topic("b", "support", missing));
  s.topics.push_back(default_topic("other", "support"));
  auto built = build_rule_set(s);
  REQUIRE_FALSE(built);
  std::vector<std::string> messages;
  for (const auto& e : built.error()) messages.push_back(e.to_string());
  CHECK(messages == std::vector<std::string>{
                        "rules.yaml:9:7: named condition \"loop\" uses itself (loop -> loop)",
                        "rules.yaml:12:7: unknown named condition \"nowhere\""});
}

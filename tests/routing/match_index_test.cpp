#include <algorithm>
// The match index: route() reads a ticket once and tries only topics that can match it. These
// cases pin which topics are tried (the trace) and that skipping never changes the decision.
#include <catch2/catch.hpp>

#include "spec_builder.h"

using namespace triaged::routing;
using namespace triaged::routing::testing;
using Kind = ConditionSpec::Kind;
using Op = ConditionSpec::Op;

namespace {

std::vector<std::string> tried(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& t : d.trace) out.push_back(t.topic);
  return out;
}

}  // namespace

TEST_CASE("a topic whose keywords the ticket never mentions is not tried", "[routing][index]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("refund", "finance", words("text", {"возврат"})));
  s.topics.push_back(topic("delivery", "logistics", words("text", {"курьер*"})));
  auto rules = build(s);
  const Decision d = route(*rules, ticket("Курьеру не дозвониться"), kNow);
  CHECK(d.topic == "delivery");
  CHECK(tried(d) == std::vector<std::string>{"delivery"});
  const Decision full = route(*rules, ticket("Курьеру не дозвониться"), kNow, Trace::every_topic);
  CHECK(full.topic == "delivery");
  CHECK(tried(full) == std::vector<std::string>{"refund", "delivery"});
}

TEST_CASE("a topic that can hold without any keyword is tried for every ticket", "[routing][index]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("refund", "finance", words("text", {"возврат"})));
  s.topics.push_back(topic("not_spam", "support", combine(Kind::not_, {words("subject", {"реклама"})})));
  s.topics.push_back(topic("phone", "support", leaf("channel", Op::equals, {"phone"})));
  auto rules = build(s);
  const Decision d = route(*rules, ticket("Вопрос", "Когда откроется аптека?"), kNow);
  CHECK(d.topic == "not_spam");
  CHECK(tried(d) == std::vector<std::string>{"not_spam", "phone"});
  const Decision spam = route(*rules, ticket("Реклама", "Купите"), kNow);
  CHECK(spam.topic == "other");
  CHECK(tried(spam) == std::vector<std::string>{"not_spam", "phone"});
}

TEST_CASE("an all of a keyword and a regex is tried on the keyword and still needs the regex", "[routing][index]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("double_charge", "finance",
                           combine(Kind::all, {words("text", {"списали"}), leaf("text", Op::regex, {R"(дважды|2\s*раза)"})})));
  auto rules = build(s);
  CHECK(route(*rules, ticket("Списали деньги дважды"), kNow).topic == "double_charge");
  const Decision once = route(*rules, ticket("Списали деньги", "один раз"), kNow);
  CHECK(once.topic == "other");
  CHECK(tried(once) == std::vector<std::string>{"double_charge"});
  CHECK(tried(route(*rules, ticket("Дважды пришло смс"), kNow)).empty());
}

TEST_CASE("a regex alone makes its topic a candidate only when it matches", "[routing][index]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("order", "logistics", leaf("subject", Op::regex, {R"((?i)заказ\s*№?\d{8})"})));
  s.topics.push_back(topic("refund", "finance", words("body", {"возврат"})));
  auto rules = build(s);
  const Decision d = route(*rules, ticket("Заказ №12345678", "Прошу возврат"), kNow);
  CHECK(d.topic == "order");
  CHECK(d.runner_up == "refund");
  REQUIRE(d.trace.size() == 2);
  CHECK(d.trace[0].conditions.at(0).matches.at(0).text == "Заказ №12345678");
  const Decision body_only = route(*rules, ticket("Вопрос", "заказ 12345678, прошу возврат"), kNow);
  CHECK(body_only.topic == "refund");
  CHECK(tried(body_only) == std::vector<std::string>{"refund"});
}

TEST_CASE("keywords on a field or header selector read only that field or header", "[routing][index]") {
  RuleSetSpec s = base_spec();
  FieldSpec product;
  product.id = "product";
  product.where = "test";
  s.fields.push_back(product);
  s.topics.push_back(topic("tonometer", "support", words("field.product", {"тонометр*"})));
  s.topics.push_back(topic("spam", "support", words("header.X-Spam-Flag", {"yes"})));
  auto rules = build(s);
  Ticket by_field = ticket("Вопрос", "про тонометр");
  CHECK(route(*rules, by_field, kNow).topic == "other");
  by_field.fields["product"] = "Тонометр Omron M2";
  const Decision d = route(*rules, by_field, kNow);
  CHECK(d.topic == "tonometer");
  CHECK(d.trace.at(0).conditions.at(0).matches.at(0).field == "field.product");
  Ticket flagged = ticket("Hi");
  flagged.headers["x-spam-flag"] = "YES";
  const Decision spam = route(*rules, flagged, kNow);
  CHECK(spam.topic == "spam");
  CHECK(spam.trace.at(0).conditions.at(0).matches.at(0).field == "header.X-Spam-Flag");
}

TEST_CASE("prefixes of different lengths sharing a start all find their words", "[routing][index]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("short", "support", words("text", {"дост*"})));
  s.topics.push_back(topic("long", "logistics", words("text", {"доставк*"})));
  s.topics.push_back(topic("phrase", "logistics", words("text", {"достав* не привез*"})));
  auto rules = build(s);
  const Decision d = route(*rules, ticket("Доставка не привезла"), kNow, Trace::every_topic);
  CHECK(d.topic == "short");
  const Decision reordered = route(*rules, ticket("достать лекарство"), kNow);
  CHECK(reordered.topic == "short");
  CHECK(tried(reordered) == std::vector<std::string>{"short"});
  RuleSetSpec only_long = base_spec();
  only_long.topics.push_back(topic("phrase", "logistics", words("text", {"достав* не привез*"})));
  only_long.topics.push_back(topic("long", "logistics", words("text", {"доставк*"})));
  auto rules2 = build(only_long);
  CHECK(route(*rules2, ticket("Доставка не привезла"), kNow).topic == "phrase");
  CHECK(route(*rules2, ticket("Доставка. Не привезла"), kNow).topic == "long");
}

TEST_CASE("candidate and full traces choose the same topic with the same matches", "[routing][index]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("quality", "support",
                           combine(Kind::all, {words("text", {"просроч*", "брак*"}),
                                               combine(Kind::not_, {words("text", {"промокод*"})})})));
  s.topics.push_back(topic("refund", "finance",
                           combine(Kind::any, {words("text", {"верните деньги"}), leaf("text", Op::regex, {R"((?i)возврат\S*)"})})));
  s.topics.push_back(topic("delivery", "logistics", combine(Kind::all, {words("text", {"курьер*"}), words("text", {"опоздал*"})})));
  s.topics.push_back(topic("both", "logistics", leaf("text", Op::all_words, {"курьер", "деньги"})));
  auto rules = build(s);
  const std::vector<Ticket> tickets = {
      ticket("Просроченный товар", "верните деньги"), ticket("Промокод просрочен", "верните деньги"),
      ticket("Курьер опоздал", ""),                   ticket("Курьер", "деньги не вернули"),
      ticket("Возврат", "курьер опоздал на час"),     ticket("", ""),
      ticket("брак", "промокод"),                     ticket("Курьер. Опоздал.", "деньги")};
  for (const Ticket& t : tickets) {
    INFO(t.subject << " / " << t.body);
    const Decision fast = route(*rules, t, kNow);
    const Decision full = route(*rules, t, kNow, Trace::every_topic);
    CHECK(fast.topic == full.topic);
    CHECK(fast.source == full.source);
    if (fast.source != TopicSource::rules) continue;
    REQUIRE_FALSE(fast.trace.empty());
    REQUIRE_FALSE(full.trace.empty());
    const auto winner = [](const Decision& d) {
      return std::find_if(d.trace.begin(), d.trace.end(), [&](const TopicTrace& t) { return t.topic == d.topic; });
    };
    REQUIRE(winner(fast) != fast.trace.end());
    REQUIRE(winner(full) != full.trace.end());
    CHECK(fast.runner_up == full.runner_up);
    const auto& a = winner(fast)->conditions;
    const auto& b = winner(full)->conditions;
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].matched == b[i].matched);
      CHECK(a[i].matches.size() == b[i].matches.size());
    }
  }
}

TEST_CASE("regexes that make backtracking engines explode route a long ticket like any other", "[routing][index]") {
  // (a+)+$ and (a|aa)*b take exponential time in backtracking engines on a run of a's without
  // the expected end; RE2 is linear. A hang here would hit ctest's timeout.
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("nested", "support", leaf("body", Op::regex, {"(a+)+$"})));
  s.topics.push_back(topic("alternation", "support", leaf("body", Op::regex, {"(a|aa)*b"})));
  auto rules = build(s);
  const Ticket t = ticket("aaaa", std::string(100000, 'a') + "!");
  const Decision d = route(*rules, t, kNow, Trace::every_topic);
  CHECK(d.topic == "other");
  CHECK(d.trace.size() == 2);
}

// Negation scope: `negated: false` keywords count only where no negation governs them.
#include <catch2/catch.hpp>

#include "routing/routing.h"
#include "spec_builder.h"

using namespace triaged::routing;
using namespace triaged::routing::testing;

namespace {

ConditionSpec unnegated(std::vector<std::string> values) {
  ConditionSpec c = words("text", std::move(values));
  c.negation = Negation::exclude;
  return c;
}

std::shared_ptr<const RuleSet> payment_rules() {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("payment", "finance", unnegated({"оплат*", "карт*", "payment", "card"})));
  s.topics.push_back(topic("delivery", "logistics", unnegated({"доставк*", "курьер*", "delivery"})));
  return build(s);
}

}  // namespace

TEST_CASE("a keyword right after a negation word does not count when the condition excludes negated words",
          "[routing][negation]") {
  auto rules = payment_rules();
  CHECK(route(*rules, ticket("Вопрос", "Это не про доставку, а про срок годности"), kNow).topic == "other");
  CHECK(route(*rules, ticket("Вопрос", "Без доставки, заберу сам"), kNow).topic == "other");
  CHECK(route(*rules, ticket("Question", "This is not about the delivery at all"), kNow).topic == "other");
  CHECK(route(*rules, ticket("Question", "I didn't pay by card"), kNow).topic == "other");
}

TEST_CASE("a keyword before a trailing negation phrase does not count", "[routing][negation]") {
  auto rules = payment_rules();
  CHECK(route(*rules, ticket("", "К оплате претензий нет"), kNow).topic == "other");
  CHECK(route(*rules, ticket("", "С картой это не связано"), kNow).topic == "other");
}

TEST_CASE("a negation does not reach past a comma or a contrasting conjunction", "[routing][negation]") {
  auto rules = payment_rules();
  CHECK(route(*rules, ticket("", "Не ждала так долго, курьер приехал через 5 часов"), kNow).topic == "delivery");
  CHECK(route(*rules, ticket("", "Претензий к сборке нет, а вот доставка опоздала"), kNow).topic == "delivery");
  CHECK(route(*rules, ticket("", "Not the pharmacist's fault but the delivery was late"), kNow).topic == "delivery");
}

TEST_CASE("a negation phrase that is itself the keyword still matches", "[routing][negation]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("incomplete", "logistics", unnegated({"не положили"})));
  auto rules = build(s);
  CHECK(route(*rules, ticket("", "В пакет не положили тонометр"), kNow).topic == "incomplete");
}

TEST_CASE("a condition can ask for negated mentions only", "[routing][negation]") {
  RuleSetSpec s = base_spec();
  ConditionSpec declined = words("text", {"возвра*", "верн*"});
  declined.negation = Negation::only;
  s.topics.push_back(topic("keep_order", "logistics", declined));
  auto rules = build(s);
  CHECK(route(*rules, ticket("", "Деньги возвращать не нужно, привезите заказ"), kNow).topic == "keep_order");
  CHECK(route(*rules, ticket("", "Верните деньги"), kNow).topic == "other");
}

TEST_CASE("without a negation setting negated mentions match as before", "[routing][negation]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("delivery", "logistics", words("text", {"доставк*"})));
  auto rules = build(s);
  CHECK(route(*rules, ticket("", "Это не про доставку"), kNow).topic == "delivery");
}

TEST_CASE("a rule set can add its own negation words", "[routing][negation]") {
  RuleSetSpec s = base_spec();
  s.negation.after = {"не беда"};
  s.negation.before = {"кроме"};
  s.topics.push_back(topic("delivery", "logistics", unnegated({"доставк*"})));
  auto rules = build(s);
  CHECK(route(*rules, ticket("", "С доставкой не беда"), kNow).topic == "other");
  CHECK(route(*rules, ticket("", "Всё хорошо кроме доставки"), kNow).topic == "other");
  CHECK(route(*rules, ticket("", "Доставка опоздала"), kNow).topic == "delivery");
}

TEST_CASE("negated is refused on operators other than words all_words and near", "[routing][negation]") {
  RuleSetSpec s = base_spec();
  ConditionSpec c = leaf("text", ConditionSpec::Op::regex, {"доставк"});
  c.negation = Negation::exclude;
  s.topics.push_back(topic("delivery", "logistics", c));
  s.topics.push_back(default_topic("other", "support"));
  auto built = build_rule_set(s);
  REQUIRE_FALSE(built);
  CHECK(built.error().front().message.find("`negated` applies to words, all_words and near only") != std::string::npos);
}

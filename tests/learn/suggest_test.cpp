// Rule suggestions: candidate keywords from misroutes, kept only when replay shows they fix
// more labeled tickets than they break.
#include <catch2/catch.hpp>

#include <algorithm>

#include "learn/suggest.h"

using namespace triaged;
using Kind = learn::Suggestion::Kind;

namespace {

routing::ConditionSpec words(std::vector<std::string> values) {
  routing::ConditionSpec c;
  c.selector = "text";
  c.values = std::move(values);
  return c;
}

// Delivery knows couriers, refund knows "возврат"; neither knows "деньги" nor rules anything out.
routing::RuleSetSpec spec() {
  routing::RuleSetSpec s;
  s.name = "suggest";
  s.languages = {"ru", "en"};
  s.departments = {{"logistics", "", "t"}, {"finance", "", "t"}, {"support", "", "t"}};
  routing::TopicSpec delivery{"delivery", "", "logistics"};
  delivery.when = words({"курьер", "доставка"});
  routing::TopicSpec refund{"refund", "", "finance"};
  refund.when = words({"возврат"});
  routing::TopicSpec other{"other", "", "support"};
  other.is_default = true;
  s.topics = {delivery, refund, other};
  return s;
}

learn::Example example(std::string body, std::string topic, std::string origin) {
  learn::Example e;
  e.ticket.body = std::move(body);
  e.topic = std::move(topic);
  e.origin = std::move(origin);
  return e;
}

std::vector<learn::Example> examples() {
  return {
      example("курьер не приехал", "delivery", "d1"),
      example("доставка сорвалась", "delivery", "d2"),
      example("оформите возврат", "refund", "r1"),
      example("верните деньги за таблетки", "refund", "r2"),
      example("деньги так и не вернули", "refund", "r3"),
      example("где мои деньги за отменённый заказ", "refund", "r4"),
      example("можно ли оформить доставку в Казань заранее", "other", "o1"),
      example("подскажите заранее есть ли доставка в Тверь", "other", "o2"),
      example("спасибо за работу аптеки", "other", "o3"),
      example("до скольки работает аптека", "other", "o4"),
      example("когда работает аптека на Мира", "other", "o5"),
  };
}

const learn::Suggestion* find(const std::vector<learn::Suggestion>& found, Kind kind, const std::string& topic,
                              const std::string& word) {
  auto it = std::find_if(found.begin(), found.end(), [&](const learn::Suggestion& s) {
    return s.kind == kind && s.topic == topic && s.word == word;
  });
  return it == found.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("a word that misrouted tickets of a topic share is suggested as its keyword with the tickets it fixes", "[learn][suggest]") {
  learn::SuggestOptions options;
  options.common_percent = 50;
  auto found = learn::suggest(spec(), examples(), options);
  REQUIRE(found);
  const learn::Suggestion* money = find(*found, Kind::add_keyword, "refund", "деньги");
  REQUIRE(money != nullptr);
  CHECK(money->fixes == std::vector<std::string>{"r2", "r3", "r4"});
  CHECK(money->breaks.empty());
  CHECK(learn::condition_yaml(*money) == "text: { words: [\"деньги\"], negated: false }");
}

TEST_CASE("a word that misrouted tickets share can rule out the topic they were wrongly sent to", "[learn][suggest]") {
  learn::SuggestOptions options;
  options.common_percent = 50;
  auto found = learn::suggest(spec(), examples(), options);
  REQUIRE(found);
  const learn::Suggestion* early = find(*found, Kind::rule_out, "delivery", "заранее");
  REQUIRE(early != nullptr);
  CHECK(early->fixes == std::vector<std::string>{"o1", "o2"});
  CHECK(early->breaks.empty());
}

TEST_CASE("a word that would break as many tickets as it fixes is not suggested", "[learn][suggest]") {
  auto cases = examples();
  // Two delivery tickets that say "заранее" too: ruling delivery out by it breaks both.
  cases.push_back(example("курьер приехал заранее и уехал", "delivery", "d3"));
  cases.push_back(example("доставка пришла заранее без звонка", "delivery", "d4"));
  learn::SuggestOptions options;
  options.common_percent = 50;
  auto found = learn::suggest(spec(), cases, options);
  REQUIRE(found);
  CHECK(find(*found, Kind::rule_out, "delivery", "заранее") == nullptr);
}

TEST_CASE("a word only one misrouted ticket says is not suggested by default", "[learn][suggest]") {
  auto found = learn::suggest(spec(), {example("курьер не приехал", "delivery", "d1"),
                                       example("верните деньги", "refund", "r1"),
                                       example("оформите возврат", "refund", "r2")});
  REQUIRE(found);
  CHECK(found->empty());
}

#include <catch2/catch.hpp>

#include <thread>

#include "spec_builder.h"

using namespace triaged::routing;
using namespace triaged::routing::testing;
using Kind = ConditionSpec::Kind;
using Op = ConditionSpec::Op;

namespace {

std::string topic_of(const RuleSet& rules, const Ticket& t) { return route(rules, t, kNow).topic; }

}  // namespace

TEST_CASE("words match inflected and upper-case Russian forms of a keyword", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("orders", "logistics", words("text", {"заказ"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("Проблема с заказами")) == "orders");
  CHECK(topic_of(*rules, ticket("НОМЕР ЗАКАЗА")) == "orders");
  CHECK(topic_of(*rules, ticket("заказ")) == "orders");
  CHECK(topic_of(*rules, ticket("закат солнца")) == "other");
}

TEST_CASE("words match whole words only and not a word that merely starts the same", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("courier", "logistics", words("text", {"курьер"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("курьера не было")) == "courier");
  CHECK(topic_of(*rules, ticket("курьерская служба")) == "other");
}

TEST_CASE("a keyword ending in a star matches any word with that prefix", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("delivery", "logistics", words("text", {"достав*"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("доставили не туда")) == "delivery");
  CHECK(topic_of(*rules, ticket("Доставка опоздала")) == "delivery");
  CHECK(topic_of(*rules, ticket("поставили не туда")) == "other");
}

TEST_CASE("a phrase matches only its words in sequence", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("late", "logistics", words("body", {"не привезли"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("", "Заказ так и не привезли!")) == "late");
  CHECK(topic_of(*rules, ticket("", "не знаю, когда привезли")) == "other");
}

TEST_CASE("ё and е are the same letter for words", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("came", "logistics", words("text", {"пришел"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("не пришёл курьер")) == "came");
}

TEST_CASE("English keywords are stemmed with the English stemmer", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("refund", "finance", words("text", {"refund"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("Refunds please")) == "refund");
  CHECK(topic_of(*rules, ticket("I was refunded twice")) == "refund");
}

TEST_CASE("all_words needs every phrase somewhere in the text", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("double", "finance", leaf("text", Op::all_words, {"списали", "дважды"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("Списали деньги", "дважды за один заказ")) == "double");
  CHECK(topic_of(*rules, ticket("Списали деньги")) == "other");
}

TEST_CASE("topics are tried top to bottom and the first match wins with the next match as runner-up", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("refund", "finance", words("text", {"вернуть деньги"})));
  s.topics.push_back(topic("delivery", "logistics", words("text", {"курьер"})));
  s.topics.push_back(topic("courier_again", "logistics", words("text", {"курьер"})));
  auto rules = build(s);
  Decision d = route(*rules, ticket("Курьер не приехал, хочу вернуть деньги"), kNow);
  CHECK(d.topic == "refund");
  CHECK(d.department == "finance");
  CHECK(d.source == TopicSource::rules);
  CHECK(d.runner_up == "delivery");
  // Order decided between two matching topics: no margin.
  CHECK(d.confidence == 0);
  // The search stops at the runner-up.
  REQUIRE(d.trace.size() == 2);
  CHECK(d.trace[0].topic == "refund");
  CHECK(d.trace[0].matched);
  CHECK(d.trace[1].topic == "delivery");
  const Decision alone = route(*rules, ticket("Хочу вернуть деньги"), kNow);
  CHECK(alone.runner_up.empty());
  CHECK(alone.confidence == 1);
}

TEST_CASE("a ticket nothing matches goes to the default topic and the full trace lists every topic tried", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("refund", "finance", words("text", {"возврат"})));
  s.topics.push_back(topic("delivery", "logistics", words("text", {"курьер"})));
  auto rules = build(s);
  Decision d = route(*rules, ticket("Есть ли в наличии аспирин?"), kNow, Trace::every_topic);
  CHECK(d.topic == "other");
  CHECK(d.department == "support");
  CHECK(d.source == TopicSource::default_topic);
  REQUIRE(d.trace.size() == 2);
  CHECK_FALSE(d.trace[0].matched);
  CHECK_FALSE(d.trace[1].matched);
  CHECK(d.trace[1].conditions.at(0).description == "text words [курьер]");
}

TEST_CASE("an operator's explicit topic wins over classification", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("delivery", "logistics", words("text", {"курьер"})));
  s.topics.push_back(topic("refund", "finance", words("text", {"возврат"})));
  auto rules = build(s);
  Ticket t = ticket("курьер");
  t.topic = "refund";
  Decision d = route(*rules, t, kNow);
  CHECK(d.topic == "refund");
  CHECK(d.source == TopicSource::operator_choice);
  CHECK(d.trace.empty());
}

TEST_CASE("an unknown explicit topic is ignored by routing and the rules decide", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("delivery", "logistics", words("text", {"курьер"})));
  auto rules = build(s);
  Ticket t = ticket("курьер");
  t.topic = "nonsense";
  CHECK_FALSE(rules->has_topic("nonsense"));
  CHECK(route(*rules, t, kNow).topic == "delivery");
}

TEST_CASE("the trace records the matched words with their byte offsets in the field", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("delivery", "logistics", words("text", {"курьер", "не привезли"})));
  auto rules = build(s);
  Ticket t = ticket("Срочно", "Заказ не привезли, курьер молчит");
  Decision d = route(*rules, t, kNow);
  REQUIRE(d.trace.size() == 1);
  const auto& leaf = d.trace[0].conditions.at(0);
  CHECK(leaf.path == "delivery/when");
  REQUIRE(leaf.matches.size() == 2);
  CHECK(leaf.matches[0].field == "body");
  CHECK(leaf.matches[0].text == "курьер");
  CHECK(t.body.substr(leaf.matches[0].offset, leaf.matches[0].length) == "курьер");
  CHECK(leaf.matches[1].text == "не привезли");
  CHECK(leaf.matches[1].offset == std::string("Заказ ").size());
}

TEST_CASE("regex conditions use RE2 on the raw text and record the match", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("delivery", "logistics", leaf("subject", Op::regex, {"(?i)доставк"})));
  auto rules = build(s);
  Decision d = route(*rules, ticket("Плохая ДОСТАВКА"), kNow);
  CHECK(d.topic == "delivery");
  const auto& m = d.trace[0].conditions[0].matches.at(0);
  CHECK(m.field == "subject");
  CHECK(m.text == "ДОСТАВК");
  CHECK(m.offset == std::string("Плохая ").size());
}

TEST_CASE("not inverts a condition and any/all combine them", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic(
      "delivery", "logistics",
      combine(Kind::all, {words("text", {"курьер"}),
                          combine(Kind::not_, {words("text", {"спасибо"})})})));
  s.topics.push_back(topic("money", "finance",
                           combine(Kind::any, {words("text", {"возврат"}), words("text", {"refund"})})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("курьер опоздал")) == "delivery");
  CHECK(topic_of(*rules, ticket("спасибо курьеру")) == "other");
  CHECK(topic_of(*rules, ticket("need a refund")) == "money");
  CHECK(topic_of(*rules, ticket("оформите возврат")) == "money");
}

TEST_CASE("channel and from_domain and field and header selectors compare case-insensitively", "[routing]") {
  RuleSetSpec s = base_spec();
  s.fields.push_back({"order_id", "Order", FieldType::string, {}, {}, {}, {}, {}, false, "test"});
  s.topics.push_back(topic("partner", "finance", leaf("from_domain", Op::equals, {"Partner.example"})));
  s.topics.push_back(topic("phone", "support", leaf("channel", Op::in, {"phone", "fax"})));
  s.topics.push_back(topic("vip", "support", leaf("header.X-Priority", Op::exists, {})));
  s.topics.push_back(topic("known", "logistics", leaf("field.order_id", Op::equals, {"12345678"})));
  auto rules = build(s);
  Ticket a = ticket("hi");
  a.requester.email = "Bob@PARTNER.example";
  CHECK(topic_of(*rules, a) == "partner");
  Ticket b = ticket("hi");
  b.channel = "PHONE";
  CHECK(topic_of(*rules, b) == "phone");
  Ticket c = ticket("hi");
  c.headers["x-priority"] = "1";
  CHECK(topic_of(*rules, c) == "vip");
  Ticket d = ticket("hi");
  d.fields["order_id"] = "12345678";
  CHECK(topic_of(*rules, d) == "known");
  CHECK(topic_of(*rules, ticket("hi")) == "other");
}

TEST_CASE("the due time is now plus the topic's SLA and the priority comes from the topic", "[routing]") {
  RuleSetSpec s = base_spec();
  TopicSpec t = topic("delivery", "logistics", words("text", {"курьер"}));
  t.sla = std::chrono::hours(24);
  t.priority = Priority::high;
  s.topics.push_back(t);
  auto rules = build(s);
  Decision d = route(*rules, ticket("курьер"), kNow);
  CHECK(d.has_due());
  CHECK(d.due_at == kNow + std::chrono::hours(24));
  CHECK(d.priority == Priority::high);
  CHECK_FALSE(route(*rules, ticket("x"), kNow).has_due());
}

TEST_CASE("many threads routing against one rule set get the same decisions", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("delivery", "logistics", words("text", {"курьер*", "не привезли"})));
  s.topics.push_back(topic("refund", "finance", words("text", {"возврат", "refund"})));
  auto rules = build(s);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Курьеры опаздывают", "delivery"}, {"Оформите возврат", "refund"}, {"Привет", "other"}};
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int n = 0; n < 500; ++n)
        for (const auto& [text, expected] : cases)
          if (route(*rules, ticket(text), kNow).topic != expected) ++wrong;
    });
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("inflected keywords still match once the remembered stems have overflowed and restarted", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("orders", "logistics", words("text", {"заказ"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("Проблема с заказами")) == "orders");
  // More distinct words than one Stemmers remembers (50,000), in one ticket on this thread.
  std::string many;
  for (int i = 0; i < 60'000; ++i) many += "слово" + std::to_string(i) + "ы ";
  CHECK(topic_of(*rules, ticket(many)) == "other");
  CHECK(topic_of(*rules, ticket("Проблема с заказами")) == "orders");
  CHECK(topic_of(*rules, ticket("ЗАКАЗОМ недоволен")) == "orders");
}

TEST_CASE("the trace names long keyword lists by their first words and a count", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("many", "logistics", words("text", {"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"})));
  auto rules = build(s);
  Decision d = route(*rules, ticket("a9"), kNow);
  REQUIRE(d.topic == "many");
  CHECK(d.trace[0].conditions[0].description == "text words [a1, a2, a3, a4, a5, a6, ... 3 more]");
  CHECK(d.trace[0].conditions[0].matches.at(0).text == "a9");
}

TEST_CASE("a phrase does not match across the end of a sentence but does across a comma", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("late", "logistics", words("body", {"не привезли", "всё кроме"})));
  auto rules = build(s);
  CHECK(topic_of(*rules, ticket("", "Я тоже не. Привезли вчера")) == "other");
  CHECK(topic_of(*rules, ticket("", "Курьер не\nпривезли вчера")) == "other");
  CHECK(topic_of(*rules, ticket("", "Привезли всё, кроме сиропа")) == "late");
}

TEST_CASE("keywords of one condition that share a stem report each matched span once", "[routing]") {
  RuleSetSpec s = base_spec();
  s.topics.push_back(topic("cold_chain", "logistics", words("text", {"теплым", "теплый"})));
  auto rules = build(s);
  const Decision d = route(*rules, ticket("Привезли теплым", "лекарство теплое"), kNow);
  REQUIRE(d.topic == "cold_chain");
  const auto& leaf = d.trace.front().conditions.front();
  REQUIRE(leaf.matches.size() == 2);
  CHECK(leaf.matches[0].text == "теплым");
  CHECK(leaf.matches[1].text == "теплое");
}

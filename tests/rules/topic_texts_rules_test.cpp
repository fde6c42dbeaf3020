// A topic's texts for people in YAML: `canned` answers for staff replies and `answers` shown
// before a ticket, read into the spec, with mistakes reported at their line and column.
#include "test_support.h"

using namespace triaged::rules::testing;
using Messages = std::vector<std::string>;

namespace {

// Line 1..: a full rule set; `topic_extra` goes into topic delivery (from line 10).
std::string rules_with(const std::string& topic_extra) {
  return R"(version: 1
name: "Test shop"
departments:
  logistics: { title: "Логистика" }
  support: { title: "Поддержка" }
topics:
  - id: delivery
    department: logistics
    when: { text: { words: ["курьер"] } }
)" + topic_extra + R"(  - id: other
    default: true
    department: support
)";
}

}  // namespace

TEST_CASE("canned answers and answers of a topic are read into the spec in order", "[rules][texts]") {
  const auto spec = parse_ok(rules_with(R"(    canned:
      - title: "Заказ передан курьеру"
        text: "{name}, ваш заказ по обращению {ref} передан курьеру."
      - { title: "Уточнить адрес", text: "Уточните, пожалуйста, адрес доставки." }
    answers:
      - id: track
        title: "Где мой заказ?"
        text: "Статус заказа виден в личном кабинете."
        url: "https://shop.example/track"
      - { id: hours, title: "Часы доставки", text: "Курьеры работают с 9 до 21." }
)"));
  REQUIRE(spec.topics[0].canned.size() == 2);
  CHECK(spec.topics[0].canned[0].title == "Заказ передан курьеру");
  CHECK(spec.topics[0].canned[0].text == "{name}, ваш заказ по обращению {ref} передан курьеру.");
  CHECK(spec.topics[0].canned[1].where == "rules.yaml:13:9");
  REQUIRE(spec.topics[0].answers.size() == 2);
  CHECK(spec.topics[0].answers[0].id == "track");
  CHECK(spec.topics[0].answers[0].url == "https://shop.example/track");
  CHECK(spec.topics[0].answers[1].id == "hours");
  CHECK(spec.topics[0].answers[1].url.empty());
  CHECK(spec.topics[1].canned.empty());
  CHECK(spec.topics[1].answers.empty());
}

TEST_CASE("a rule set with canned answers and answers loads and builds", "[rules][texts]") {
  const auto loaded = load_ok(rules_with(R"(    canned:
      - { title: "Спасибо", text: "Спасибо, {name}!" }
    answers:
      - { id: track, title: "Где мой заказ?", text: "В личном кабинете." }
)"));
  const auto& topics = loaded.rules->spec().topics;
  REQUIRE(topics[0].answers.size() == 1);
  CHECK(topics[0].canned.size() == 1);
}

TEST_CASE("an unknown placeholder in a canned answer is reported at its line and column", "[rules][texts]") {
  CHECK(parse_errors(rules_with(R"(    canned:
      - title: "Спасибо"
        text: "Спасибо, {имя}! Номер {ticket}."
)")) == Messages{"rules.yaml:12:15: unknown placeholder \"{ticket}\" in \"text\" in canned answer #1 in topic "
                 "\"delivery\" (expected {ref}, {name}, {topic} or {department})"});
}

TEST_CASE("a canned answer without text and with an unknown key is reported at its line", "[rules][texts]") {
  CHECK(parse_errors(rules_with(R"(    canned:
      - title: "Спасибо"
        body: "Спасибо!"
)")) == Messages{"rules.yaml:12:9: unknown key \"body\" in canned answer #1 in topic \"delivery\" (expected one of: "
                 "title, text)",
                 "rules.yaml:11:9: missing required key \"text\" in canned answer #1 in topic \"delivery\""});
}

TEST_CASE("answers with a repeated id and a bad url are reported at their lines", "[rules][texts]") {
  CHECK(parse_errors(rules_with(R"(    answers:
      - { id: track, title: "Где заказ?", text: "В кабинете." }
      - { id: track, title: "Ещё раз", text: "Снова.", url: "shop.example/track" }
      - { id: "два слова", title: "Т", text: "Т" }
)")) == Messages{"rules.yaml:12:15: answer id \"track\" in topic \"delivery\" is used twice",
                 "rules.yaml:12:61: invalid url \"shop.example/track\" in answer \"track\" in topic \"delivery\" "
                 "(expected http:// or https:// and no spaces)",
                 "rules.yaml:13:15: invalid answer id \"два слова\" in answer #3 in topic \"delivery\": at most 64 "
                 "letters, digits, \"_\", \"-\" or \".\" (it is a metric label's part and a URL's)"});
}

TEST_CASE("answers that are not a list are reported at their line", "[rules][texts]") {
  const auto errors = parse_errors(rules_with("    answers: \"Где заказ?\"\n"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].starts_with("rules.yaml:10:14: expected a sequence"));
}

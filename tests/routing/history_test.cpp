// Values known from the requester's earlier tickets fill what a ticket lacks, and only that;
// the duplicate check a decision carries follows the topic and the rule set's setting.
#include <catch2/catch.hpp>

#include "spec_builder.h"

using namespace triaged::routing;
using namespace triaged::routing::testing;

namespace {

FieldSpec field(std::string id, FieldType type, bool remember = false) {
  FieldSpec f;
  f.id = std::move(id);
  f.title = f.id;
  f.type = type;
  f.remember = remember;
  f.where = "test";
  return f;
}

// Topic "t" (words "заказ") requires `required` through template "tpl"; "d" is the default.
RuleSetSpec spec_requiring(std::vector<std::string> required, std::vector<FieldSpec> fields) {
  RuleSetSpec s = base_spec();
  s.fields = std::move(fields);
  TemplateSpec tpl;
  tpl.id = "tpl";
  tpl.where = "test";
  tpl.required = std::move(required);
  s.templates.push_back(tpl);
  TopicSpec t = topic("t", "logistics", words("text", {"заказ"}));
  t.template_id = "tpl";
  s.topics.push_back(t);
  return s;
}

Ticket about_order() {
  Ticket t;
  t.body = "где мой заказ";
  return t;
}

}  // namespace

TEST_CASE("a required phone known from history is filled and marked with the ticket it came from", "[routing][history]") {
  auto rules = build(spec_requiring({"phone"}, {}));
  Ticket t = about_order();
  t.known["phone"] = {"+7 916 123-45-67", "K7M-3QX"};
  const Decision d = route(*rules, t, kNow);
  CHECK(d.complete());
  REQUIRE(d.fields.count("phone"));
  CHECK(d.fields.at("phone").value == "+7 916 123-45-67");
  CHECK(d.fields.at("phone").source == "history");
  CHECK(d.fields.at("phone").from == "K7M-3QX");
}

TEST_CASE("what the ticket gives wins over history", "[routing][history]") {
  auto rules = build(spec_requiring({"phone"}, {}));
  Ticket t = about_order();
  t.requester.phone = "8 900 000-00-01";
  t.known["phone"] = {"+7 916 123-45-67", "K7M-3QX"};
  const Decision d = route(*rules, t, kNow);
  CHECK(d.fields.at("phone").value == "8 900 000-00-01");
  CHECK(d.fields.at("phone").source == "requester");
}

TEST_CASE("a field not marked remember is never filled from history", "[routing][history]") {
  auto rules = build(spec_requiring({"order_id"}, {field("order_id", FieldType::string)}));
  Ticket t = about_order();
  t.known["order_id"] = {"12345678", "K7M-3QX"};
  const Decision d = route(*rules, t, kNow);
  CHECK_FALSE(d.complete());
  CHECK_FALSE(d.fields.count("order_id"));
}

TEST_CASE("a field marked remember is filled from history", "[routing][history]") {
  auto rules = build(spec_requiring({"card"}, {field("card", FieldType::string, /*remember=*/true)}));
  Ticket t = about_order();
  t.known["card"] = {"1234567890123", "K7M-3QX"};
  const Decision d = route(*rules, t, kNow);
  CHECK(d.complete());
  CHECK(d.fields.at("card").source == "history");
}

TEST_CASE("a remembered value the field now rejects is ignored and the field is still asked for", "[routing][history]") {
  FieldSpec card = field("card", FieldType::string, true);
  card.pattern = "\\d{13}";
  auto rules = build(spec_requiring({"card"}, {card}));
  Ticket t = about_order();
  t.known["card"] = {"12-34", "K7M-3QX"};
  const Decision d = route(*rules, t, kNow);
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0].field == "card");
  CHECK(d.problems[0].code == "missing");
}

TEST_CASE("the duplicate check carries the rule set's window and the match fields' values", "[routing][history]") {
  RuleSetSpec s = spec_requiring({}, {field("order_id", FieldType::string)});
  s.duplicates.window = std::chrono::hours(48);
  s.duplicates.match_fields = {"order_id"};
  auto rules = build(s);
  Ticket t = about_order();
  t.fields["order_id"] = "12345678";
  const Decision d = route(*rules, t, kNow);
  CHECK(d.duplicates.action == DuplicateAction::merge);
  CHECK(d.duplicates.window == std::chrono::hours(48));
  CHECK(d.duplicates.by_topic);
  CHECK(d.duplicates.values == std::map<std::string, std::string>{{"order_id", "12345678"}});
}

TEST_CASE("a topic's own duplicate action overrides the rule set's and the default topic never matches by topic", "[routing][history]") {
  RuleSetSpec s = spec_requiring({}, {});
  s.topics[0].duplicates = DuplicateAction::link;
  auto rules = build(s);
  const Decision linked = route(*rules, about_order(), kNow);
  CHECK(linked.duplicates.action == DuplicateAction::link);
  Ticket unrelated;
  unrelated.body = "спасибо";
  const Decision fallback = route(*rules, unrelated, kNow);
  CHECK(fallback.duplicates.action == DuplicateAction::merge);
  CHECK_FALSE(fallback.duplicates.by_topic);
}

TEST_CASE("duplicates naming an unknown match field or a zero window are rejected", "[routing][history]") {
  RuleSetSpec s = spec_requiring({}, {});
  s.duplicates.match_fields = {"nope"};
  s.duplicates.window = std::chrono::seconds(0);
  s.duplicates.where = "rules.yaml:9:1";
  auto built = build_rule_set(s);
  REQUIRE_FALSE(built);
  std::string all;
  for (const auto& e : built.error()) all += e.to_string() + "\n";
  CHECK_THAT(all, Catch::Contains("rules.yaml:9:1: duplicates: unknown match field \"nope\""));
  CHECK_THAT(all, Catch::Contains("window must be longer than 0s"));
}

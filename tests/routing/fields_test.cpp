#include <catch2/catch.hpp>

#include "spec_builder.h"

using namespace triaged::routing;
using namespace triaged::routing::testing;

namespace {


// A rule set whose single topic "t" uses template "tpl" over the given fields.
std::shared_ptr<const RuleSet> with_template(std::vector<FieldSpec> fields, TemplateSpec tpl) {
  RuleSetSpec s = base_spec();
  s.fields = std::move(fields);
  tpl.id = "tpl";
  tpl.where = "test";
  s.templates.push_back(tpl);
  TopicSpec t = topic("t", "logistics", words("text", {"заказ"}));
  t.template_id = "tpl";
  s.topics.push_back(t);
  return build(s);
}

FieldSpec field(std::string id, FieldType type) {
  FieldSpec f;
  f.id = std::move(id);
  f.title = f.id;
  f.type = type;
  f.where = "test";
  return f;
}

FieldSpec order_id() {
  FieldSpec f = field("order_id", FieldType::string);
  f.pattern = "\\d{8}";
  f.extract = {"(?i)(?:заказ\\w*|order)\\D{0,12}(\\d{8})"};
  return f;
}

Ticket about_order(std::string body) {
  Ticket t;
  t.subject = "заказ";
  t.body = std::move(body);
  return t;
}

std::vector<std::string> problem_fields(const Decision& d, const std::string& code) {
  std::vector<std::string> out;
  for (const auto& p : d.problems)
    if (p.code == code) out.push_back(p.field);
  return out;
}

}  // namespace

TEST_CASE("a required field that is absent is reported missing", "[routing][fields]") {
  TemplateSpec tpl;
  tpl.required = {"order_id", "product"};
  auto rules = with_template({order_id(), field("product", FieldType::string)}, tpl);
  Decision d = route(*rules, about_order("без номера"), kNow);
  CHECK(problem_fields(d, "missing") == std::vector<std::string>{"order_id", "product"});
  CHECK_FALSE(d.complete());
}

TEST_CASE("a field that fails its pattern is reported invalid and not missing", "[routing][fields]") {
  TemplateSpec tpl;
  tpl.required = {"order_id"};
  auto rules = with_template({order_id()}, tpl);
  Ticket t = about_order("");
  t.fields["order_id"] = "1234";
  Decision d = route(*rules, t, kNow);
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0].field == "order_id");
  CHECK(d.problems[0].code == "invalid");
  CHECK(d.problems[0].message == "\"1234\" does not match the pattern \\d{8}");
}

TEST_CASE("a required field found in the text by its extract pattern is filled in", "[routing][fields]") {
  TemplateSpec tpl;
  tpl.required = {"order_id"};
  auto rules = with_template({order_id()}, tpl);
  Decision d = route(*rules, about_order("Заказ №12345678 не пришёл"), kNow);
  CHECK(d.complete());
  CHECK(d.fields.at("order_id").value == "12345678");
  CHECK(d.fields.at("order_id").source == "extracted");
}

TEST_CASE("extract patterns are tried in order and a later one reads the subject only after an earlier one read the body", "[routing][fields]") {
  TemplateSpec tpl;
  tpl.required = {"order_id"};
  FieldSpec f = field("order_id", FieldType::string);
  f.pattern = "\\d{8}";
  f.extract = {"(?i)заказ\\D{0,5}(\\d{8})", "(?:^|\\D)(\\d{8})(?:\\D|$)"};
  auto rules = with_template({f}, tpl);
  Ticket t;
  t.subject = "Чек 11112222";
  t.body = "Номер заказа: 33334444";
  CHECK(route(*rules, t, kNow).fields.at("order_id").value == "33334444");
  t.body = "заказ без номера";
  CHECK(route(*rules, t, kNow).fields.at("order_id").value == "11112222");
}

TEST_CASE("the requester's phone and email count as the fields phone and email", "[routing][fields]") {
  TemplateSpec tpl;
  tpl.at_least_one_of = {{"phone", "email"}};
  auto rules = with_template({}, tpl);
  Ticket t = about_order("");
  CHECK(problem_fields(route(*rules, t, kNow), "missing") == std::vector<std::string>{"phone|email"});
  t.requester.email = "anna@example.ru";
  Decision d = route(*rules, t, kNow);
  CHECK(d.complete());
  CHECK(d.fields.at("email").source == "requester");
}

TEST_CASE("typed fields reject values of the wrong shape", "[routing][fields]") {
  FieldSpec amount = field("amount", FieldType::decimal);
  amount.min = 0;
  FieldSpec kind = field("kind", FieldType::enumeration);
  kind.values = {"a", "b"};
  TemplateSpec tpl;
  tpl.optional = {"amount", "kind", "when", "count", "email", "phone"};
  auto rules = with_template({amount, kind, field("when", FieldType::date), field("count", FieldType::integer)}, tpl);
  Ticket t = about_order("");
  t.fields = {{"amount", "-3"}, {"kind", "c"}, {"when", "2025-02-30"}, {"count", "1.5"},
              {"email", "no-at-sign"}, {"phone", "12"}};
  Decision d = route(*rules, t, kNow);
  CHECK(problem_fields(d, "invalid") ==
        std::vector<std::string>{"amount", "kind", "when", "count", "email", "phone"});
  t.fields = {{"amount", "12,50"}, {"kind", "a"}, {"when", "2024-02-29"}, {"count", "3"},
              {"email", "a@b.ru"}, {"phone", "+7 (916) 204-37-81"}};
  CHECK(route(*rules, t, kNow).complete());
}

TEST_CASE("an extracted value that fails validation is ignored rather than reported", "[routing][fields]") {
  FieldSpec f = order_id();
  f.extract = {"заказ\\D{0,3}(\\d+)"};
  TemplateSpec tpl;
  tpl.required = {"order_id"};
  auto rules = with_template({f}, tpl);
  Decision d = route(*rules, about_order("заказ 123"), kNow);
  CHECK(problem_fields(d, "missing") == std::vector<std::string>{"order_id"});
  CHECK(problem_fields(d, "invalid").empty());
}

TEST_CASE("fields_of lists declared fields then the implicit name and email and phone not declared", "[routing][fields]") {
  FieldSpec phone = field("phone", FieldType::string);
  auto rules = with_template({order_id(), phone}, TemplateSpec{});
  std::vector<std::string> ids;
  for (const auto& f : fields_of(*rules)) ids.push_back(f.id);
  CHECK(ids == std::vector<std::string>{"order_id", "phone", "name", "email"});
  CHECK(fields_of(*rules)[1].type == FieldType::string);
}

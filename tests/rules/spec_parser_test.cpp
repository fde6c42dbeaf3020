// The schema: YAML in, routing::RuleSetSpec out. These go through parse_rules_text(), the
// structural step alone, so they pin down what the YAML means independent of routing.
#include <chrono>

#include "test_support.h"

using namespace triaged;
using rules::testing::kPreamble;
using rules::testing::parse_errors;
using rules::testing::parse_ok;
using Kind = routing::ConditionSpec::Kind;
using Op = routing::ConditionSpec::Op;
using Messages = std::vector<std::string>;

namespace {

// A rule set with one topic "t" whose `when` is `condition` (indented by the caller as a
// flow mapping or block lines under "    when:").
std::string with_when(const std::string& condition) {
  return std::string(kPreamble) +
         "topics:\n  - id: t\n    department: support\n    when: " + condition +
         "\n  - { id: other, default: true, department: support }\n";
}

routing::ConditionSpec when_of(const std::string& condition) {
  auto spec = parse_ok(with_when(condition));
  REQUIRE(spec.topics.size() == 2);
  REQUIRE(spec.topics[0].when.has_value());
  return *spec.topics[0].when;
}

std::string with_topic_line(const std::string& line) {
  return std::string(kPreamble) +
         "topics:\n  - id: other\n    default: true\n    department: support\n" + "    " + line +
         "\n";
}

}  // namespace

TEST_CASE("a complete rule set parses into the spec it describes", "[rules]") {
  const auto spec = parse_ok(R"(version: 1
name: "Online pharmacy"
languages: [ru, en]
departments:
  logistics: { title: "Логистика" }
  support: {}
fields:
  order_id:
    title: "Номер заказа"
    type: string
    pattern: '^\d{8}$'
    extract: '(?:заказ|order)\D{0,12}(\d{8})'
  amount: { type: decimal, min: 0, max: 1e5 }
  size: { type: enum, values: [S, M, L] }
templates:
  order_problem: { required: [order_id], optional: [phone], at_least_one_of: [[phone, email]] }
topics:
  - id: delivery
    title: "Доставка"
    department: logistics
    template: order_problem
    priority: urgent
    sla: 1d12h
    when: { text: { words: курьер } }
  - id: other
    default: true
    department: support
)");
  CHECK(spec.name == "Online pharmacy");
  CHECK(spec.languages == std::vector<std::string>{"ru", "en"});
  CHECK_THAT(spec.version, Catch::StartsWith("sha256:"));

  REQUIRE(spec.departments.size() == 2);
  CHECK(spec.departments[0].id == "logistics");
  CHECK(spec.departments[0].title == "Логистика");
  CHECK(spec.departments[0].where == "rules.yaml:5:3");
  CHECK(spec.departments[1].title.empty());

  REQUIRE(spec.fields.size() == 3);
  const auto& order_id = spec.fields[0];
  CHECK(order_id.title == "Номер заказа");
  CHECK(order_id.type == routing::FieldType::string);
  CHECK(order_id.pattern == std::optional<std::string>("^\\d{8}$"));
  CHECK(order_id.extract == std::vector<std::string>{"(?:заказ|order)\\D{0,12}(\\d{8})"});
  CHECK(order_id.where == "rules.yaml:8:3");
  CHECK(spec.fields[1].type == routing::FieldType::decimal);
  CHECK(spec.fields[1].min == std::optional<double>(0));
  CHECK(spec.fields[1].max == std::optional<double>(100000));
  CHECK(spec.fields[2].type == routing::FieldType::enumeration);
  CHECK(spec.fields[2].values == std::vector<std::string>{"S", "M", "L"});

  REQUIRE(spec.templates.size() == 1);
  CHECK(spec.templates[0].required == std::vector<std::string>{"order_id"});
  CHECK(spec.templates[0].optional == std::vector<std::string>{"phone"});
  CHECK(spec.templates[0].at_least_one_of ==
        std::vector<std::vector<std::string>>{{"phone", "email"}});

  REQUIRE(spec.topics.size() == 2);
  const auto& delivery = spec.topics[0];
  CHECK(delivery.id == "delivery");
  CHECK(delivery.title == "Доставка");
  CHECK(delivery.department == "logistics");
  CHECK(delivery.template_id == "order_problem");
  CHECK(delivery.priority == routing::Priority::urgent);
  CHECK(delivery.sla == std::chrono::hours(36));
  CHECK_FALSE(delivery.is_default);
  CHECK(delivery.where == "rules.yaml:18:5");
  const auto& other = spec.topics[1];
  CHECK(other.is_default);
  CHECK_FALSE(other.when.has_value());
  CHECK(other.priority == routing::Priority::normal);
  CHECK(other.sla == std::chrono::seconds(0));
}

TEST_CASE("durations are whole numbers with units - combinable largest first", "[rules]") {
  const auto [text, seconds] = GENERATE(table<std::string, long long>({
      {"24h", 86400},
      {"90m", 5400},
      {"45s", 45},
      {"2d", 172800},
      {"1d12h", 129600},
      {"1h30m", 5400},
      {"1d2h3m4s", 93784},
      {"0h", 0},
  }));
  CAPTURE(text);
  const auto spec = parse_ok(with_topic_line("sla: " + text));
  CHECK(spec.topics[0].sla == std::chrono::seconds(seconds));
}

TEST_CASE("durations without a unit - with unknown or repeated units - or out of order are rejected",
          "[rules]") {
  const auto text = GENERATE(as<std::string>{}, "24", "h", "24hours", "1.5h", "-1h", "12h1d",
                             "1h1h", "1w", "24H", "\"\"");
  CAPTURE(text);
  const Messages errors = parse_errors(with_topic_line("sla: " + text));
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("rules.yaml:15:10: invalid duration "));
}

TEST_CASE("field type names map to routing's field types", "[rules]") {
  using routing::FieldType;
  const auto [name, type] = GENERATE(table<std::string, FieldType>({
      {"string", FieldType::string},
      {"text", FieldType::text},
      {"email", FieldType::email},
      {"phone", FieldType::phone},
      {"integer", FieldType::integer},
      {"decimal", FieldType::decimal},
      {"date", FieldType::date},
      {"enum", FieldType::enumeration},
  }));
  CAPTURE(name);
  const auto spec = parse_ok(
      "version: 1\nname: x\ndepartments: {}\ntopics: []\nfields:\n  f: { type: " + name + " }\n");
  REQUIRE(spec.fields.size() == 1);
  CHECK(spec.fields[0].type == type);
}

TEST_CASE("a field without a type is a string", "[rules]") {
  const auto spec =
      parse_ok("version: 1\nname: x\ndepartments: {}\ntopics: []\nfields:\n  f: {}\n");
  REQUIRE(spec.fields.size() == 1);
  CHECK(spec.fields[0].type == routing::FieldType::string);
}

TEST_CASE("a field's extract takes one pattern or a list tried in order", "[rules]") {
  const auto spec = parse_ok(
      "version: 1\nname: x\ndepartments: {}\ntopics: []\nfields:\n"
      "  a: { extract: '(\\d+)' }\n  b: { extract: ['n(\\d+)', '(\\d+)'] }\n  c: {}\n");
  REQUIRE(spec.fields.size() == 3);
  CHECK(spec.fields[0].extract == std::vector<std::string>{"(\\d+)"});
  CHECK(spec.fields[1].extract == std::vector<std::string>{"n(\\d+)", "(\\d+)"});
  CHECK(spec.fields[2].extract.empty());
}

TEST_CASE("priority names map to routing's priorities", "[rules]") {
  using routing::Priority;
  const auto [name, priority] = GENERATE(table<std::string, Priority>({
      {"low", Priority::low},
      {"normal", Priority::normal},
      {"high", Priority::high},
      {"urgent", Priority::urgent},
  }));
  CAPTURE(name);
  CHECK(parse_ok(with_topic_line("priority: " + name)).topics[0].priority == priority);
}

TEST_CASE("a selector with one operator is a single match located at the operator", "[rules]") {
  const auto c = when_of("{ subject: { regex: '(?i)доставк' } }");
  CHECK(c.kind == Kind::match);
  CHECK(c.selector == "subject");
  CHECK(c.op == Op::regex);
  CHECK(c.values == std::vector<std::string>{"(?i)доставк"});
  CHECK(c.where == "rules.yaml:14:24");
}

TEST_CASE("words takes a list of phrases or a single phrase", "[rules]") {
  CHECK(when_of("{ text: { words: [курьер, \"не привезли\"] } }").values ==
        std::vector<std::string>{"курьер", "не привезли"});
  CHECK(when_of("{ text: { words: курьер } }").values == std::vector<std::string>{"курьер"});
  CHECK(when_of("{ text: { all_words: [заказ, курьер] } }").op == Op::all_words);
}

TEST_CASE("each operator carries its argument", "[rules]") {
  const auto equals = when_of("{ channel: { equals: phone } }");
  CHECK(equals.op == Op::equals);
  CHECK(equals.values == std::vector<std::string>{"phone"});
  const auto in = when_of("{ from_domain: { in: [example.com, example.org] } }");
  CHECK(in.op == Op::in);
  CHECK(in.values == std::vector<std::string>{"example.com", "example.org"});
  const auto exists = when_of("{ field.order_id: { exists: false } }");
  CHECK(exists.op == Op::exists);
  CHECK(exists.selector == "field.order_id");
  CHECK_FALSE(exists.exists);
  CHECK(when_of("{ header.X-Mailer: { exists: true } }").selector == "header.X-Mailer");
}

TEST_CASE("a condition mapping with several keys means all of them", "[rules]") {
  const auto c = when_of("{ channel: { equals: email }, subject: { words: возврат } }");
  REQUIRE(c.kind == Kind::all);
  CHECK(c.where == "rules.yaml:14:11");
  REQUIRE(c.children.size() == 2);
  CHECK(c.children[0].selector == "channel");
  CHECK(c.children[1].selector == "subject");
  CHECK(c.children[1].where == "rules.yaml:14:52");
}

TEST_CASE("a selector with several operators means all of them", "[rules]") {
  const auto c = when_of("{ body: { words: [заказ], regex: '\\d{8}' } }");
  REQUIRE(c.kind == Kind::all);
  CHECK(c.where == "rules.yaml:14:13");
  REQUIRE(c.children.size() == 2);
  CHECK(c.children[0].op == Op::words);
  CHECK(c.children[1].op == Op::regex);
  CHECK(c.children[1].selector == "body");
}

TEST_CASE("any - all and not nest - each located at its key", "[rules]") {
  const auto c = when_of(R"(
      any:
        - text: { words: [курьер] }
        - all:
            - channel: { equals: phone }
            - not: { body: { words: [возврат] } })");
  REQUIRE(c.kind == Kind::any);
  CHECK(c.where == "rules.yaml:15:7");
  REQUIRE(c.children.size() == 2);
  CHECK(c.children[0].kind == Kind::match);
  const auto& all = c.children[1];
  REQUIRE(all.kind == Kind::all);
  CHECK(all.where == "rules.yaml:17:11");
  REQUIRE(all.children.size() == 2);
  const auto& negated = all.children[1];
  REQUIRE(negated.kind == Kind::not_);
  CHECK(negated.where == "rules.yaml:19:15");
  REQUIRE(negated.children.size() == 1);
  CHECK(negated.children[0].selector == "body");
}

TEST_CASE("columns count characters - so Cyrillic text does not shift them", "[rules]") {
  // "Логистика" is 9 characters but 18 bytes; an editor puts `x` at column 28.
  CHECK(
      parse_errors(
          "version: 1\nname: n\ndepartments:\n  d: { title: \"Логистика\", x: 1 }\ntopics: []\n") ==
      Messages{"rules.yaml:4:28: unknown key \"x\" in department \"d\" (expected one of: title, head)"});
}

TEST_CASE("a byte order mark does not shift locations", "[rules]") {
  CHECK(parse_errors("\xEF\xBB\xBFversion: 1\nname: n\ndepartments: {}\ntopics: []\nbogus: 1\n") ==
        Messages{"rules.yaml:5:1: unknown key \"bogus\" at top level (expected one of: version, "
                 "name, languages, departments, fields, templates, topics, tests, calendar, "
                 "priorities, escalations, duplicates, conditions, decide, model, negation, acknowledgement, satisfaction)"});
}

TEST_CASE("an empty section is reported at its key - not where the next token happens to be",
          "[rules]") {
  CHECK(parse_errors("version: 1\nname: n\nfields:\n\ndepartments: {}\ntopics: []\n") ==
        Messages{
            "rules.yaml:3:1: expected a mapping for \"fields\" at top level, got an empty value"});
}

TEST_CASE("a rule set that is not a mapping is rejected", "[rules]") {
  CHECK(parse_errors("- version: 1\n") ==
        Messages{"rules.yaml:1:1: expected a mapping for the rule set, got a sequence"});
}

TEST_CASE("a sequence item of the wrong kind is named by its position", "[rules]") {
  CHECK(parse_errors("version: 1\nname: n\nlanguages: [ru, [en]]\ndepartments: {}\ntopics: []\n") ==
        Messages{"rules.yaml:3:17: expected a string for item 2 of \"languages\" at top level, "
                 "got a sequence"});
}

TEST_CASE("a topic without an id is named by its position", "[rules]") {
  CHECK(parse_errors(
            "version: 1\nname: n\ndepartments: {}\ntopics:\n  - department: d\n    when: {}\n") ==
        Messages{"rules.yaml:5:5: missing required key \"id\" in topic #1",
                 "rules.yaml:6:11: empty condition at topic #1/when (expected one of: any, all, "
                 "not, use, subject, body, text, from, from_domain, channel, field.NAME, header.NAME)"});
}

TEST_CASE("inline test tickets accept every ticket key", "[rules]") {
  // parse_rules_text() does not return tests; a full load shows they parsed and passed.
  const auto loaded = rules::testing::load_ok(std::string(kPreamble) + R"(topics:
  - id: delivery
    department: logistics
    template: order_problem
    when: { all: [ { channel: { equals: email } }, { header.X-Shop: { equals: main } } ] }
  - { id: other, default: true, department: support }
tests:
  - name: "every ticket key"
    ticket:
      subject: "Где заказ?"
      body: "Заказ не пришёл"
      channel: email
      requester: { name: "Анна", email: "anna@example.com", phone: "+7 900 000-00-00" }
      fields: { order_id: 12345678 }
      headers: { X-SHOP: main }
    expect: { topic: delivery, department: logistics, priority: normal, missing: [], invalid: [] }
  - ticket: { subject: "Звонок", topic: delivery }
    expect: { topic: delivery, missing: [order_id] }
)");
  CHECK(loaded.tests_passed == 2);
}

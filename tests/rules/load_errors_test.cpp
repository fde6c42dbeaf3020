// One case per load error, each fed by a fixture named for its fault, asserting the exact
// text an admin sees. Every fixture is the same small valid rule set with one thing broken.
#include "test_support.h"

using triaged::rules::testing::load_errors;
using Messages = std::vector<std::string>;

// --- YAML itself ---

TEST_CASE("a YAML syntax error is reported with its line and column", "[rules]") {
  CHECK(load_errors("yaml-syntax-error.yaml") ==
        Messages{"yaml-syntax-error.yaml:8:1: invalid YAML: end of map flow not found"});
}

TEST_CASE("a file with no YAML document in it is rejected", "[rules]") {
  CHECK(load_errors("empty-file.yaml") ==
        Messages{"empty-file.yaml: empty rule set (expected a mapping with version, name, "
                 "departments and topics)"});
}

TEST_CASE("a second YAML document in the file is rejected", "[rules]") {
  CHECK(load_errors("two-documents.yaml") ==
        Messages{"two-documents.yaml:28:1: a second YAML document (a rule set file holds "
                 "exactly one)"});
}

// --- structure: keys and node kinds ---

TEST_CASE("an unknown key in a topic is named with the keys a topic may have", "[rules]") {
  CHECK(load_errors("unknown-key.yaml") ==
        Messages{"unknown-key.yaml:20:5: unknown key \"priorty\" in topic \"delivery\" (expected "
                 "one of: id, title, department, template, priority, sla, first_response, when, "
                 "default, duplicates, unless, weight, signals, decisive, canned, answers)"});
}

TEST_CASE("an unknown top-level key is rejected", "[rules]") {
  CHECK(load_errors("unknown-top-level-key.yaml") ==
        Messages{"unknown-top-level-key.yaml:13:1: unknown key \"tempaltes\" at top level "
                 "(expected one of: version, name, languages, departments, fields, templates, "
                 "topics, tests, calendar, priorities, escalations, duplicates, conditions, decide, model, negation, acknowledgement, satisfaction)"});
}

TEST_CASE("a condition key that is neither combinator nor selector is rejected", "[rules]") {
  CHECK(load_errors("unknown-condition-key.yaml") ==
        Messages{"unknown-condition-key.yaml:23:7: unknown key \"txt\" in condition at "
                 "delivery/when (expected one of: any, all, not, use, subject, body, text, from, "
                 "from_domain, channel, field.NAME, header.NAME)"});
}

TEST_CASE("an unknown operator in a selector is rejected", "[rules]") {
  CHECK(load_errors("unknown-operator.yaml") ==
        Messages{"unknown-operator.yaml:23:15: unknown key \"word\" in \"text\" condition at "
                 "delivery/when (expected one of: words, all_words, near, regex, equals, in, exists, negated)"});
}

TEST_CASE("a key given twice in one mapping is rejected - pointing at both", "[rules]") {
  CHECK(load_errors("duplicate-key.yaml") ==
        Messages{"duplicate-key.yaml:21:5: duplicate key \"priority\" in topic \"delivery\" "
                 "(first at 20:5)"});
}

TEST_CASE("a department id defined twice is rejected", "[rules]") {
  CHECK(load_errors("duplicate-department-id.yaml") ==
        Messages{"duplicate-department-id.yaml:8:3: duplicate key \"logistics\" in "
                 "\"departments\" (first at 6:3)"});
}

TEST_CASE("a scalar where a sequence belongs is rejected", "[rules]") {
  CHECK(load_errors("wrong-node-type.yaml") ==
        Messages{"wrong-node-type.yaml:14:30: expected a sequence for \"required\" in template "
                 "\"order_problem\", got \"order_id\""});
}

TEST_CASE("a selector given a value instead of operators is rejected", "[rules]") {
  CHECK(load_errors("condition-not-a-mapping.yaml") ==
        Messages{"condition-not-a-mapping.yaml:23:13: expected a mapping for \"text\" in "
                 "condition at delivery/when, got \"курьер\""});
}

TEST_CASE("a topic without a department is rejected", "[rules]") {
  CHECK(load_errors("missing-required-key.yaml") ==
        Messages{"missing-required-key.yaml:16:5: missing required key \"department\" in topic "
                 "\"delivery\""});
}

TEST_CASE("a rule set without a name is rejected", "[rules]") {
  CHECK(load_errors("missing-top-level-key.yaml") ==
        Messages{"missing-top-level-key.yaml:2:1: missing required key \"name\" at top level"});
}

TEST_CASE("a version other than 1 is rejected", "[rules]") {
  CHECK(load_errors("unsupported-version.yaml") ==
        Messages{"unsupported-version.yaml:2:10: unsupported version \"2\" (expected 1)"});
}

TEST_CASE("an SLA that is not a duration is rejected", "[rules]") {
  CHECK(load_errors("bad-duration.yaml") ==
        Messages{"bad-duration.yaml:21:10: invalid duration \"24 hours\" for \"sla\" in topic "
                 "\"delivery\" (expected whole numbers with units d, h, m, s, largest first, "
                 "like \"24h\", \"90m\" or \"1d12h\")"});
}

TEST_CASE("an unknown priority is rejected", "[rules]") {
  CHECK(load_errors("bad-priority.yaml") ==
        Messages{"bad-priority.yaml:20:15: unknown priority \"critical\" in topic \"delivery\" "
                 "(expected one of: low, normal, high, urgent)"});
}

TEST_CASE("an unknown field type is rejected", "[rules]") {
  CHECK(load_errors("unknown-field-type.yaml") ==
        Messages{"unknown-field-type.yaml:11:11: unknown field type \"str\" in field "
                 "\"order_id\" (expected one of: string, text, email, phone, integer, decimal, "
                 "date, enum)"});
}

TEST_CASE("a min or max on a field type it cannot limit is rejected", "[rules]") {
  CHECK(load_errors("limit-on-wrong-type.yaml") ==
        Messages{"limit-on-wrong-type.yaml:13:47: \"min\" in field \"delivery_date\" has no "
                 "meaning for type date (it limits integer and decimal values and the length of "
                 "string and text)"});
}

TEST_CASE("a field limit that is not a number is rejected", "[rules]") {
  CHECK(load_errors("bad-number.yaml") ==
        Messages{"bad-number.yaml:13:33: expected a number for \"min\" in field \"amount\", got "
                 "\"zero\""});
}

TEST_CASE("a boolean written as yes is rejected", "[rules]") {
  CHECK(load_errors("bad-boolean.yaml") ==
        Messages{"bad-boolean.yaml:25:14: expected true or false for \"default\" in topic "
                 "\"other\", got \"yes\""});
}

TEST_CASE("an id containing a path separator is rejected", "[rules]") {
  CHECK(load_errors("invalid-id.yaml") ==
        Messages{"invalid-id.yaml:16:9: invalid topic id \"delivery/late\": ids may not contain "
                 "spaces, \"/\" or \"|\""});
}

TEST_CASE("an empty condition is rejected", "[rules]") {
  CHECK(load_errors("empty-condition.yaml") ==
        Messages{"empty-condition.yaml:22:11: empty condition at delivery/when (expected one of: "
                 "any, all, not, use, subject, body, text, from, from_domain, channel, field.NAME, "
                 "header.NAME)"});
}

TEST_CASE("any with no conditions is rejected", "[rules]") {
  CHECK(load_errors("empty-any.yaml") ==
        Messages{"empty-any.yaml:23:12: \"any\" in condition at delivery/when needs at least one "
                 "condition"});
}

TEST_CASE("a field selector without a field name is rejected", "[rules]") {
  CHECK(load_errors("selector-without-name.yaml") ==
        Messages{"selector-without-name.yaml:23:7: selector \"field.\" in condition at "
                 "delivery/when needs a name after the dot (like field.order_id)"});
}

TEST_CASE("an unknown key in an inline test's ticket is rejected", "[rules]") {
  CHECK(load_errors("unknown-ticket-key.yaml") ==
        Messages{"unknown-ticket-key.yaml:29:15: unknown key \"subjekt\" in ticket of test "
                 "\"courier never came\" (expected one of: subject, body, channel, topic, "
                 "requester, fields, headers)"});
}

TEST_CASE("an inline test that expects nothing is rejected", "[rules]") {
  CHECK(load_errors("expect-without-keys.yaml") ==
        Messages{"expect-without-keys.yaml:30:13: \"expect\" in test \"courier never came\" "
                 "needs at least one of: topic, department, priority, missing, invalid"});
}

TEST_CASE("every structural error in a file is reported at once - in file order", "[rules]") {
  CHECK(load_errors("several-errors.yaml") ==
        Messages{"several-errors.yaml:3:1: unknown key \"owner\" at top level (expected one of: "
                 "version, name, languages, departments, fields, templates, topics, tests, "
                 "calendar, priorities, escalations, duplicates, conditions, decide, model, negation, acknowledgement, satisfaction)",
                 "several-errors.yaml:22:10: invalid duration \"1 day\" for \"sla\" in topic "
                 "\"delivery\" (expected whole numbers with units d, h, m, s, largest first, like "
                 "\"24h\", \"90m\" or \"1d12h\")",
                 "several-errors.yaml:24:15: unknown key \"wrds\" in \"text\" condition at "
                 "delivery/when (expected one of: words, all_words, near, regex, equals, in, exists, negated)"});
}

// --- semantics: routing::build_rule_set()'s checks, passed through with their locations ---

TEST_CASE("a topic naming an undefined department is rejected", "[rules]") {
  CHECK(load_errors("dangling-department.yaml") ==
        Messages{"dangling-department.yaml:16:5: topic \"delivery\": unknown department "
                 "\"logistic\""});
}

TEST_CASE("a topic naming an undefined template is rejected", "[rules]") {
  CHECK(load_errors("dangling-template.yaml") ==
        Messages{"dangling-template.yaml:16:5: topic \"delivery\": unknown template "
                 "\"order_problems\""});
}

TEST_CASE("a template requiring an undefined field is rejected", "[rules]") {
  CHECK(load_errors("dangling-field.yaml") ==
        Messages{"dangling-field.yaml:14:3: template \"order_problem\": unknown field "
                 "\"order_number\""});
}

TEST_CASE("a field pattern RE2 cannot compile is rejected", "[rules]") {
  CHECK(load_errors("broken-regex.yaml") ==
        Messages{"broken-regex.yaml:9:3: field \"order_id\" pattern: invalid regex "
                 "\"^(\\d{8}$\": missing ): ^(\\d{8}$"});
}

TEST_CASE("two topics with the same id are rejected", "[rules]") {
  CHECK(load_errors("duplicate-topic-id.yaml") ==
        Messages{"duplicate-topic-id.yaml:24:5: duplicate topic \"delivery\""});
}

TEST_CASE("a rule set without a default topic is rejected - naming the file", "[rules]") {
  CHECK(
      load_errors("missing-default-topic.yaml") ==
      Messages{"missing-default-topic.yaml: no default topic: mark one topic with default: true"});
}

TEST_CASE("a default topic with conditions is rejected", "[rules]") {
  CHECK(load_errors("default-topic-with-when.yaml") ==
        Messages{"default-topic-with-when.yaml:24:5: topic \"other\": the default topic takes "
                 "what nothing else matched; remove its `when`"});
}

TEST_CASE("a topic that has no conditions and is not the default is rejected", "[rules]") {
  CHECK(load_errors("topic-without-when.yaml") ==
        Messages{"topic-without-when.yaml:16:5: topic \"delivery\": needs `when` conditions (or "
                 "default: true)"});
}

TEST_CASE("an unknown stemming language is rejected - listing the supported ones", "[rules]") {
  const Messages errors = load_errors("unknown-language.yaml");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("unknown-language.yaml: unknown language \"klingon\" "
                                          "(supported: ru, en, "));
}

// --- inline tests ---

TEST_CASE("a failing inline test is reported at the test with the trace that decided", "[rules]") {
  CHECK(load_errors("failing-inline-test.yaml") ==
        Messages{"failing-inline-test.yaml:39:5: test \"courier never came, money back\" failed: "
                 "expected topic \"delivery\", got \"refund\"; expected department \"logistics\", "
                 "got \"support\" (decided by refund/when.any[0]: body words [вернуть] matched "
                 "\"вернуть\" at 30)"});
}

TEST_CASE("an inline test's missing and invalid fields are compared as sets", "[rules]") {
  CHECK(
      load_errors("failing-field-expectation.yaml") ==
      Messages{"failing-field-expectation.yaml:28:5: test #1 failed: expected missing "
               "[order_id], got []; expected invalid [], got [order_id] (decided by "
               "delivery/when: text words [курьер, доставка] matched \"курьер\" in subject at 7)"});
}

TEST_CASE("an inline test expecting an undefined topic says so instead of failing obscurely",
          "[rules]") {
  CHECK(load_errors("inline-test-unknown-topic.yaml") ==
        Messages{"inline-test-unknown-topic.yaml:28:5: test \"typo in expect\" expects unknown "
                 "topic \"delivry\""});
}

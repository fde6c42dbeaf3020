// lint_rules(): one small rule set per warning kind, YAML in, warnings (with their location)
// out; plus the example rule set.
#include "rules/lint.h"

#include "test_support.h"

using namespace triaged;
using rules::testing::kPreamble;
using rules::testing::load_ok;
using Messages = std::vector<std::string>;

namespace {

// The preamble's field order_id and template order_problem are used by a topic, and both of
// its departments receive tickets, so only what a test adds can cause a warning.
const std::string kBase = std::string(kPreamble) + R"(topics:
  - id: order
    department: logistics
    template: order_problem
    when: { subject: { words: [заказ] } }
)";

constexpr const char* kDefault = R"(  - id: other
    default: true
    department: support
)";

Messages warnings_of(const std::string& yaml, const std::string& code) {
  const auto loaded = load_ok(yaml);
  Messages out;
  for (const auto& w : rules::lint_rules(loaded))
    if (w.code == code) out.push_back(w.to_string());
  return out;
}

Messages all_warnings(const std::string& yaml) {
  Messages out;
  for (const auto& w : rules::lint_rules(load_ok(yaml))) out.push_back(w.to_string());
  return out;
}

}  // namespace

TEST_CASE("a rule set without anything suspicious has no warnings", "[rules][lint]") {
  CHECK(all_warnings(kBase + kDefault) == Messages{});
}

TEST_CASE("a topic whose test tickets are all taken by an earlier topic can never match", "[rules][lint]") {
  const std::string yaml = kBase + R"(  - id: courier
    department: logistics
    when: { text: { words: [курьер] } }
  - id: courier_late
    department: logistics
    when: { text: { all_words: [курьер, опоздал] } }
)" + kDefault + R"(tests:
  - name: late courier
    ticket: { subject: "Курьер опоздал на два часа" }
    expect: { department: logistics }
  - name: rude courier
    ticket: { subject: "Курьер нагрубил" }
    expect: { topic: courier }
)";
  CHECK(warnings_of(yaml, "shadowed-topic") ==
        Messages{"rules.yaml:19:5: warning: topic \"courier_late\" can never match: its conditions hold for 1 "
                 "test ticket(s), and earlier topics take every one (\"courier\" 1); move it up or narrow "
                 "them [shadowed-topic]"});
}

TEST_CASE("a topic that wins one of its test tickets is not shadowed", "[rules][lint]") {
  const std::string yaml = kBase + R"(  - id: courier_late
    department: logistics
    when: { text: { all_words: [курьер, опоздал] } }
  - id: courier
    department: logistics
    when: { text: { words: [курьер] } }
)" + kDefault + R"(tests:
  - ticket: { subject: "Курьер опоздал" }
    expect: { topic: courier_late }
  - ticket: { subject: "Курьер нагрубил" }
    expect: { topic: courier }
)";
  CHECK(warnings_of(yaml, "shadowed-topic") == Messages{});
}

TEST_CASE("a topic no test ticket reaches is not reported as shadowed", "[rules][lint]") {
  const std::string yaml = kBase + R"(  - id: courier
    department: logistics
    when: { text: { words: [курьер] } }
)" + kDefault + R"(tests:
  - ticket: { subject: "Заказ" }
    expect: { topic: order }
)";
  CHECK(warnings_of(yaml, "shadowed-topic") == Messages{});
}

TEST_CASE("a keyword that alone decides an earlier topic is reported in a later topic after stemming", "[rules][lint]") {
  const std::string yaml = kBase + R"(  - id: refund
    department: support
    when: { text: { words: [возврат, деньги] } }
  - id: return
    department: logistics
    when: { text: { words: ["Возвратом", "обмен"] } }
  - id: thanks
    department: support
    when:
      all:
        - text: { words: [спасибо] }
        - not: { text: { words: [возврат] } }
)" + kDefault;
  CHECK(warnings_of(yaml, "duplicate-keyword") ==
        Messages{"rules.yaml:21:21: warning: keyword \"Возвратом\" of topic \"return\" can never count: topic "
                 "\"refund\", tried first, matches it on its own (as \"возврат\" at rules.yaml:18:21) "
                 "[duplicate-keyword]"});
}

TEST_CASE("a keyword shared where it counts only with other conditions is not reported", "[rules][lint]") {
  const std::string yaml = kBase + R"(  - id: warm
    department: support
    when: { all: [ { text: { words: [привезли] } }, { text: { words: [теплый] } } ] }
  - id: late
    department: logistics
    when: { text: { words: [привезли, опоздал] } }
)" + kDefault;
  CHECK(warnings_of(yaml, "duplicate-keyword") == Messages{});
}

TEST_CASE("a regex that matches the empty string is reported", "[rules][lint]") {
  const std::string yaml = kBase + R"(  - id: urgent
    department: support
    when: { subject: { regex: '(?i)срочно*|!*' } }
)" + kDefault;
  CHECK(warnings_of(yaml, "empty-regex") ==
        Messages{"rules.yaml:18:24: warning: regex \"(?i)срочно*|!*\" in topic \"urgent\" matches the empty "
                 "string, so it holds on any subject (a * or ? where + was meant?) [empty-regex]"});
}

TEST_CASE("an extract pattern that matches the empty string is reported", "[rules][lint]") {
  std::string yaml = kBase + kDefault;
  yaml.replace(yaml.find("templates:"), 0, "  note: { extract: '(\\d*)' }\n");
  CHECK(warnings_of(yaml, "empty-regex") ==
        Messages{"rules.yaml:9:3: warning: extract pattern of field \"note\" matches the empty string, so "
                 "it finds a value in any text [empty-regex]"});
}

TEST_CASE("a field no template lists and no condition reads is unused", "[rules][lint]") {
  std::string yaml = kBase + R"(  - id: vip
    department: support
    when: { field.tier: { equals: gold } }
)" + kDefault;
  yaml.replace(yaml.find("templates:"), 0,
               "  comment: { type: text }\n  tier: { type: string }\n");
  CHECK(warnings_of(yaml, "unused-field") ==
        Messages{"rules.yaml:9:3: warning: field \"comment\" is defined but no template lists it and no "
                 "condition reads it [unused-field]"});
}

TEST_CASE("a template no topic uses is unused", "[rules][lint]") {
  std::string yaml = kBase + kDefault;
  yaml.replace(yaml.find("topics:"), 0, "  contact: { at_least_one_of: [[phone, email]] }\n");
  CHECK(warnings_of(yaml, "unused-template") ==
        Messages{"rules.yaml:11:3: warning: template \"contact\" is defined but no topic uses it "
                 "[unused-template]"});
}

TEST_CASE("a department no topic routes to is reported", "[rules][lint]") {
  std::string yaml = kBase + kDefault;
  yaml.replace(yaml.find("fields:"), 0, "  legal: { title: \"Юристы\" }\n");
  CHECK(warnings_of(yaml, "unused-department") ==
        Messages{"rules.yaml:7:3: warning: department \"legal\" gets no tickets: no topic routes to it "
                 "[unused-department]"});
}

TEST_CASE("the example rule set's warnings", "[rules][lint]") {
  const std::string path = std::string(TRIAGED_SOURCE_DIR) + "/examples/eshop-ru/rules.yaml";
  const auto loaded = rules::load_rules_file(path);
  REQUIRE(loaded.has_value());
  Messages got;
  for (const auto& w : rules::lint_rules(*loaded)) got.push_back(w.to_string().substr(path.size()));
  CHECK(got == Messages{});
}

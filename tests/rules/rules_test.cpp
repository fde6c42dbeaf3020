// The public entry points end to end: files, versions, YAML in and decisions out, inline tests.
#include <chrono>
#include <filesystem>

#include "test_support.h"

using namespace triaged;
using rules::testing::kPreamble;
using rules::testing::load_ok;
using rules::testing::messages;
using Messages = std::vector<std::string>;

namespace {

constexpr const char* kMinimal =
    "version: 1\nname: minimal\ndepartments: { support: {} }\ntopics:\n"
    "  - { id: other, default: true, department: support }\n";

constexpr const char* kPharmacy = R"(version: 1
name: "Аптека"
languages: [ru, en]
departments:
  logistics: { title: "Логистика" }
  finance: { title: "Финансы" }
  support: { title: "Поддержка" }
fields:
  order_id: { title: "Номер заказа", pattern: '^\d{8}$', extract: '(?i)(?:заказ|order)\D{0,12}(\d{8})' }
templates:
  order_problem: { required: [order_id] }
topics:
  - id: refund
    department: finance
    template: order_problem
    priority: high
    sla: 2d
    when:
      any:
        - text: { words: [вернуть деньги, возврат] }
        - subject: { regex: '(?i)refund' }
  - id: delivery
    department: logistics
    template: order_problem
    sla: 24h
    when: { text: { words: [курьер, не привезли, доставка] } }
  - id: partner
    department: support
    priority: urgent
    when: { from_domain: { in: [partner.example] }, channel: { equals: email } }
  - id: other
    default: true
    department: support
)";

// The leaves that made the chosen topic hold (the trace also lists the runner-up's).
std::string matched_paths(const routing::Decision& d) {
  std::string out;
  for (const auto& topic : d.trace)
    if (topic.matched && topic.topic == d.topic)
      for (const auto& leaf : topic.conditions)
        if (leaf.matched) out += (out.empty() ? "" : " ") + leaf.path;
  return out;
}

}  // namespace

TEST_CASE("tickets route by the topics the YAML describes - first match wins", "[rules]") {
  const auto loaded = load_ok(kPharmacy);
  const auto [subject, body, email, channel, topic, department, decided_by] =
      GENERATE(table<std::string, std::string, std::string, std::string, std::string, std::string,
                     std::string>({
          {"Курьер не приехал", "", "", "web", "delivery", "logistics", "delivery/when"},
          {"Доставка", "Курьер не приехал, хочу вернуть деньги", "", "web", "refund", "finance",
           "refund/when.any[0]"},
          {"Refund please", "", "", "web", "refund", "finance", "refund/when.any[1]"},
          {"Вопрос", "", "boss@partner.example", "email", "partner", "support",
           "partner/when.all[0] partner/when.all[1]"},
          {"Вопрос", "", "boss@partner.example", "web", "other", "support", ""},
          {"Вопрос по рецепту", "", "", "web", "other", "support", ""},
      }));
  CAPTURE(subject, body, email, channel);
  routing::Ticket ticket;
  ticket.subject = subject;
  ticket.body = body;
  ticket.requester.email = email;
  ticket.channel = channel;
  const auto d = routing::route(*loaded.rules, ticket, std::chrono::system_clock::now());
  CHECK(d.topic == topic);
  CHECK(d.department == department);
  CHECK(matched_paths(d) == decided_by);
}

TEST_CASE("a topic's priority - SLA and template come from the YAML", "[rules]") {
  const auto loaded = load_ok(kPharmacy);
  routing::Ticket ticket;
  ticket.subject = "Возврат";
  const auto d = routing::route(*loaded.rules, ticket, std::chrono::system_clock::now());
  CHECK(d.topic == "refund");
  CHECK(d.priority == routing::Priority::high);
  CHECK(d.sla == std::chrono::hours(48));
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0].field == "order_id");
  CHECK(d.problems[0].code == "missing");
}

TEST_CASE("the version is sha256: and the first 16 hex digits of the text's SHA-256", "[rules]") {
  const auto loaded = load_ok(kMinimal);
  CHECK(loaded.version == "sha256:a06f65424f1fed38");
  CHECK(loaded.rules->version() == loaded.version);
  CHECK(loaded.text == kMinimal);
  CHECK(loaded.source == "rules.yaml");
}

TEST_CASE("a rule set loads from a file and is named by its path", "[rules]") {
  const auto file = std::filesystem::temp_directory_path() / "triaged-rules-test.yaml";
  {
    std::ofstream out(file, std::ios::binary);
    out << kMinimal;
  }
  const auto loaded = rules::load_rules_file(file.string());
  std::filesystem::remove(file);
  REQUIRE(loaded.has_value());
  CHECK(loaded->source == file.string());
  CHECK(loaded->version == "sha256:a06f65424f1fed38");
}

TEST_CASE("errors in a file are located by its path", "[rules]") {
  const std::string path = rules::testing::fixture_path("unknown-key.yaml");
  const auto loaded = rules::load_rules_file(path);
  REQUIRE_FALSE(loaded.has_value());
  REQUIRE(loaded.error().size() == 1);
  CHECK(loaded.error()[0].where == path + ":20:5");
}

TEST_CASE("an unreadable rule file is one diagnostic naming it", "[rules]") {
  const auto loaded = rules::load_rules_file("/nonexistent/triaged/rules.yaml");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(
      messages(loaded.error()) ==
      Messages{"/nonexistent/triaged/rules.yaml: cannot open rule set: No such file or directory"});
}

TEST_CASE("passing inline tests are counted", "[rules]") {
  const auto loaded = load_ok(std::string(kPharmacy) + R"(tests:
  - ticket: { subject: "Курьер не приехал", body: "Заказ 12345678 так и не привезли" }
    expect: { topic: delivery, department: logistics, priority: normal, missing: [] }
  - name: "explicit topic wins"
    ticket: { subject: "Курьер", topic: refund, fields: { order_id: "1234" } }
    expect: { topic: refund, invalid: [order_id] }
  - ticket: { subject: "Вопрос" }
    expect: { topic: other }
)");
  CHECK(loaded.tests_passed == 3);
}

TEST_CASE("every failing inline test is reported - not only the first", "[rules]") {
  auto loaded = rules::load_rules_text(std::string(kPharmacy) + R"(tests:
  - ticket: { subject: "Вопрос" }
    expect: { topic: delivery }
  - ticket: { subject: "Курьер", topic: refund }
    expect: { priority: low }
  - ticket: { subject: "Курьер" }
    expect: { topic: delivery }
)",
                                       "rules.yaml");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(messages(loaded.error()) ==
        Messages{"rules.yaml:35:5: test #1 failed: expected topic \"delivery\", got \"other\" "
                 "(decided by default: no topic's conditions matched)",
                 "rules.yaml:37:5: test #2 failed: expected priority low, got high (decided by "
                 "the ticket's explicit topic \"refund\")"});
}

TEST_CASE("header names in inline test tickets are matched case-insensitively", "[rules]") {
  const auto loaded = load_ok(std::string(kPreamble) + R"(topics:
  - id: autoreply
    department: support
    when: { header.Auto-Submitted: { exists: true } }
  - { id: other, default: true, department: support }
tests:
  - ticket: { subject: "Out of office", headers: { AUTO-SUBMITTED: auto-replied } }
    expect: { topic: autoreply }
)");
  CHECK(loaded.tests_passed == 1);
}

TEST_CASE("the eshop-ru example rule set loads with all its inline tests passing", "[rules]") {
  const std::string path = std::string(TRIAGED_SOURCE_DIR) + "/examples/eshop-ru/rules.yaml";
  if (!std::filesystem::exists(path))
    FAIL("the example rule set " << path
                                 << " does not exist (examples/eshop-ru/rules.yaml is "
                                    "expected to ship with the repository)");
  const auto loaded = rules::load_rules_file(path);
  if (!loaded)
    FAIL("the example rule set does not load:\n"
         << Catch::Detail::stringify(messages(loaded.error())));
  INFO("the example rule set has no inline tests; it should pin down its own behaviour");
  CHECK(loaded->tests_passed > 0);
}

// The real triagectl binary on rules as code: check with lint warnings, test with case files
// (YAML and .eml) and JUnit output, explain on the example rule set's tickets.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "daemon_process.h"

namespace triaged::e2e {
namespace {

const std::string kExampleDir = std::string(TRIAGED_SOURCE_DIR) + "/examples/eshop-ru";
const std::string kExampleRules = kExampleDir + "/rules.yaml";

constexpr const char* kRules = R"(version: 1
name: "Lint me"
languages: [ru]
departments:
  logistics: { title: "Логистика" }
  support: { title: "Поддержка" }
topics:
  - id: courier
    department: logistics
    when: { text: { words: [курьер] } }
  - id: other
    default: true
    department: support
tests:
  - name: rude courier
    ticket: { subject: "Курьер нагрубил" }
    expect: { topic: courier }
)";

// kRules plus a department no topic routes to: one lint warning, on line 7.
std::string with_unused_department() {
  std::string yaml = kRules;
  yaml.replace(yaml.find("topics:"), 0, "  legal: { title: \"Юристы\" }\n");
  return yaml;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("triagectl check prints a lint warning with its location and still exits 0", "[e2e][rules-cli]") {
  TempDir dir;
  const std::string path = dir.write("rules.yaml", with_unused_department());
  auto result = run_program({binary("triagectl"), "check", path}, dir);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains(path + ":7:3: warning: department \"legal\" gets no tickets"));
  CHECK_THAT(result.out, Catch::Contains(path + ": 1 warning(s)"));
}

TEST_CASE("triagectl check --strict exits 1 when there are warnings and 0 when there are none", "[e2e][rules-cli]") {
  TempDir dir;
  const std::string warned = dir.write("warned.yaml", with_unused_department());
  const std::string clean = dir.write("clean.yaml", kRules);
  CHECK(run_program({binary("triagectl"), "check", "--strict", warned}, dir).exit_code == 1);
  auto result = run_program({binary("triagectl"), "check", "--strict", clean}, dir);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, !Catch::Contains("warning"));
}

TEST_CASE("triagectl check prints the example rule set's warnings", "[e2e][rules-cli]") {
  TempDir dir;
  auto result = run_program({binary("triagectl"), "check", kExampleRules}, dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith(kExampleRules + ": ok, 9 topics"));
  CHECK(count(result.out, ": warning: ") == 0);
}

TEST_CASE("triagectl test passes the example rule set with its case file and an .eml case", "[e2e][rules-cli]") {
  TempDir dir;
  auto result = run_program({binary("triagectl"), "test", kExampleRules, kExampleDir + "/cases.yaml",
                             kExampleDir + "/ticket.eml"},
                            dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, !Catch::Contains("FAIL"));
  CHECK_THAT(result.out, Catch::EndsWith("165 cases, 165 passed, 0 failed\n"));
}

TEST_CASE("triagectl test prints a FAIL block per failing case and exits 1", "[e2e][rules-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", kRules);
  const std::string cases = dir.write("cases.yaml", R"(- name: courier ok
  ticket: { subject: "Курьер" }
  expect: { topic: courier }
- name: thanks go to support
  ticket: { subject: "Спасибо курьеру" }
  expect: { topic: other, department: support }
)");
  auto result = run_program({binary("triagectl"), "test", rules, cases}, dir);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("FAIL " + cases + ":4 thanks go to support: expected topic \"other\", "
                                         "got \"courier\"; expected department \"support\", got \"logistics\"\n"
                                         "  got \"courier\" by:\n"
                                         "    courier/when: text words [курьер] matched \"курьеру\" in subject at 15\n"
                                         "  expected \"other\" is the default topic"));
  CHECK(count(result.out, "FAIL ") == 1);
  CHECK_THAT(result.out, Catch::EndsWith("3 cases, 2 passed, 1 failed\n"));
}

TEST_CASE("triagectl test takes an .eml case's expectation from its X-Triaged-Expect headers", "[e2e][rules-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", kRules);
  const std::string mail = dir.write("late.eml", "From: a@example.ru\nSubject: Курьер опоздал\n"
                                                 "X-Triaged-Expect-Topic: other\nX-Triaged-Expect-Missing: \n"
                                                 "Content-Type: text/plain; charset=utf-8\n\nГде заказ?\n");
  auto result = run_program({binary("triagectl"), "test", rules, mail}, dir);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("FAIL " + mail + ":1 late.eml: expected topic \"other\", got \"courier\""));
  CHECK_THAT(result.out, Catch::EndsWith("2 cases, 1 passed, 1 failed\n"));

  const std::string unmarked = dir.write("plain.eml", "From: a@example.ru\nSubject: Привет\n\nТекст\n");
  auto no_expectation = run_program({binary("triagectl"), "test", rules, unmarked}, dir);
  CHECK(no_expectation.exit_code == 1);
  CHECK_THAT(no_expectation.err, Catch::Contains(unmarked + ": no X-Triaged-Expect-Topic"));
}

TEST_CASE("triagectl test --junit writes a testsuite per file and a failure per failing case", "[e2e][rules-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", kRules);
  const std::string cases = dir.write("cases & more.yaml", R"(- name: "<b>courier</b>"
  ticket: { subject: "Курьер" }
  expect: { topic: other }
- name: plain
  ticket: { subject: "Привет" }
  expect: { topic: other }
)");
  const std::string junit = dir.file("report.xml");
  auto result = run_program({binary("triagectl"), "test", rules, cases, "--junit", junit}, dir);
  CHECK(result.exit_code == 1);
  const std::string xml = read_file(junit);
  INFO(xml);
  CHECK_THAT(xml, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"triagectl test\" "
                                    "tests=\"3\" failures=\"1\" errors=\"0\">"));
  CHECK(count(xml, "<testsuite ") == 2);
  CHECK(count(xml, "<testcase ") == 3);
  CHECK(count(xml, "<failure ") == 1);
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"" + dir.file("cases &amp; more.yaml") +
                                  "\" tests=\"2\" failures=\"1\" errors=\"0\">"));
  CHECK_THAT(xml, Catch::Contains("<testcase name=\"&lt;b&gt;courier&lt;/b&gt;\""));
  CHECK_THAT(xml, Catch::Contains("<failure message=\"expected topic &quot;other&quot;, got &quot;courier&quot;\">"));
}

TEST_CASE("triagectl explain shows the example ticket's topic and the matched words in context", "[e2e][rules-cli]") {
  TempDir dir;
  auto result = run_program({binary("triagectl"), "explain", kExampleRules, kExampleDir + "/ticket.json"}, dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("topic:      delivery \"Доставка:"));
  CHECK_THAT(result.out, Catch::Contains("department: logistics"));
  CHECK_THAT(result.out, Catch::Contains("  no     product_quality\n"));
  CHECK_THAT(result.out, Catch::Contains("  MATCH  delivery (score 1)\n"));
  CHECK_THAT(result.out, Catch::Contains("source:     rules\nconfidence: 100%\n"));
  CHECK_THAT(result.out, Catch::Contains("model:      delivery "));
  CHECK_THAT(result.out, Catch::Contains("subject@13+19: Курьер [[не приехал]]"));
  CHECK_THAT(result.out, Catch::Contains("body@53+12: Заказ 40718263 так и не привезли, [[курьер]] не звонил."));
  CHECK_THAT(result.out, Catch::Contains("order_id = \"40718263\" (extracted)"));
  CHECK_THAT(result.out, Catch::Contains("missing: none"));
}

TEST_CASE("triagectl explain reads an .eml the way the email ingest does", "[e2e][rules-cli]") {
  TempDir dir;
  auto result = run_program({binary("triagectl"), "explain", kExampleRules, kExampleDir + "/ticket.eml"}, dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("topic:      payment"));
  CHECK_THAT(result.out, Catch::Contains("subject@0+31: [[Двойное списание]]"));
  CHECK_THAT(result.out, Catch::Contains("order_id = \"81523907\" (extracted)"));
}

TEST_CASE("triagectl explain --json prints the decision as the API encodes it", "[e2e][rules-cli]") {
  TempDir dir;
  auto result =
      run_program({binary("triagectl"), "explain", "--json", kExampleRules, kExampleDir + "/ticket.json"}, dir, 60s);
  CHECK(result.exit_code == 0);
  const auto decision = boost::json::parse(result.out).as_object();
  CHECK(decision.at("topic").as_string() == "delivery");
  CHECK(decision.at("department").as_string() == "logistics");
  CHECK(decision.at("trace").as_array().size() == 8);
}

TEST_CASE("triagectl explain exits 1 with the reason when the ticket or the rules cannot be read", "[e2e][rules-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", kRules);
  const std::string bad = dir.write("bad.json", R"({"subjet": "x"})");
  auto result = run_program({binary("triagectl"), "explain", rules, bad}, dir);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains(bad + ": not a ticket the API would accept"));
  auto missing = run_program({binary("triagectl"), "explain", dir.file("none.yaml"), bad}, dir);
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("cannot open rule set"));
}

}  // namespace triaged::e2e

// The real triagectl on labeled tickets: eval reports rules, model and combined; train writes a
// model the rule set then loads; a bad labeled file is refused with its line.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

#include "daemon_process.h"

namespace triaged::e2e {
namespace {

const std::string kExampleDir = std::string(TRIAGED_SOURCE_DIR) + "/examples/eshop-ru";

// Ten labeled tickets of the example's topics, as a .jsonl export would hold them.
constexpr const char* kLabeled =
    R"({"subject": "Курьер не приехал", "body": "Жду с утра", "topic": "delivery"}
{"subject": "Где заказ", "body": "Трек не обновляется третий день", "topic": "delivery"}
{"subject": "Двойное списание", "body": "Списали два раза за один заказ", "topic": "payment"}
{"subject": "Оплата", "body": "Деньги списали, а заказ не оплачен", "topic": "payment"}
{"subject": "Баллы", "body": "Не начислили баллы за покупку", "topic": "loyalty"}
{"subject": "Промокод", "body": "Промокод не применяется", "topic": "loyalty"}
{"subject": "Вход", "body": "Не могу войти в личный кабинет, не приходит смс", "topic": "account"}
{"subject": "Пароль", "body": "Не получается сменить пароль на сайте", "topic": "account"}
{"subject": "Вопрос", "body": "До скольки работает аптека на Мира?", "topic": "other"}
{"subject": "Спасибо", "body": "Спасибо за быструю помощь", "topic": "other"}
)";

}  // namespace

TEST_CASE("triagectl eval reports rules model and combined accuracy on labeled tickets", "[e2e][learn-cli]") {
  TempDir dir;
  const std::string cases = dir.write("labeled.jsonl", kLabeled);
  auto result = run_program({binary("triagectl"), "eval", kExampleDir + "/rules.yaml", cases, "--folds", "2", "--json"},
                            dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  REQUIRE(result.exit_code == 0);
  const auto report = boost::json::parse(result.out).as_object();
  CHECK(report.at("examples") == 10);
  for (const char* column : {"rules", "model", "combined"}) {
    CHECK(report.at(column).at("total") == 10);
    CHECK(report.at(column).at("accuracy").as_double() >= 0);
  }
  CHECK(report.at("rules").at("confusion").as_object().contains("delivery"));

  auto text = run_program({binary("triagectl"), "eval", kExampleDir + "/rules.yaml", cases, "--folds", "2", "--misses"},
                          dir, 60s);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("per topic (combined):"));
  CHECK_THAT(text.out, Catch::Contains("misrouted (combined):"));
}

TEST_CASE("triagectl train writes a model that the rule set loads", "[e2e][learn-cli]") {
  TempDir dir;
  const std::string cases = dir.write("labeled.jsonl", kLabeled);
  const std::string out = dir.file("model.txt");
  auto result = run_program({binary("triagectl"), "train", kExampleDir + "/rules.yaml", cases, "--folds", "2", "--out", out},
                            dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("2-fold on 10 cases: rules "));
  CHECK_THAT(result.out, Catch::Contains("wrote " + out + ": 9 topics"));
  // The example rules with this model beside them load and name it.
  const std::string rules = dir.write("rules.yaml", read_file(kExampleDir + "/rules.yaml"));
  auto check = run_program({binary("triagectl"), "check", rules}, dir, 60s);
  CHECK(check.exit_code == 0);
  CHECK(check.err.find("routing by rules alone") == std::string::npos);
}

TEST_CASE("a labeled line without a topic is refused with its file and line", "[e2e][learn-cli]") {
  TempDir dir;
  const std::string cases = dir.write("bad.jsonl", std::string(kLabeled) + "{\"subject\": \"x\"}\n");
  auto result = run_program({binary("triagectl"), "eval", kExampleDir + "/rules.yaml", cases}, dir, 60s);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains(cases + ":11: no \"topic\""));
  auto chars = run_program({binary("triagectl"), "train", kExampleDir + "/rules.yaml", cases, "--chars", "5-3"}, dir, 60s);
  CHECK(chars.exit_code != 0);
  CHECK_THAT(chars.err, Catch::Contains("expected MIN-MAX"));
}

TEST_CASE("tickets given with --train-also are learned from and never measured", "[e2e][learn-cli]") {
  TempDir dir;
  const std::string cases = dir.write("labeled.jsonl", kLabeled);
  const std::string extra = dir.write("extra.jsonl", R"({"subject": "Курьер", "body": "Курьер опоздал на два часа", "topic": "delivery"}
{"subject": "Баллы", "body": "Баллы сгорели раньше срока", "topic": "loyalty"}
)");
  auto result = run_program({binary("triagectl"), "eval", kExampleDir + "/rules.yaml", cases, "--folds", "2",
                             "--train-also", extra, "--json"},
                            dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  REQUIRE(result.exit_code == 0);
  const auto report = boost::json::parse(result.out).as_object();
  CHECK(report.at("examples") == 10);
  CHECK(report.at("combined").at("total") == 10);
  CHECK_THAT(std::string(report.at("method").as_string()), Catch::Contains("inline tests and --train-also tickets"));
  auto missing = run_program({binary("triagectl"), "train", kExampleDir + "/rules.yaml", cases, "--train-also",
                              dir.file("absent.jsonl"), "--out", dir.file("m.txt")},
                             dir, 60s);
  CHECK(missing.exit_code != 0);
}

TEST_CASE("triagectl suggest shows a replayed keyword with the tickets it fixes", "[e2e][learn-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", R"(version: 1
name: "Suggest"
languages: [ru]
departments:
  logistics: { title: "Логистика" }
  finance: { title: "Финансы" }
  support: { title: "Поддержка" }
topics:
  - id: delivery
    department: logistics
    when: { text: { words: ["курьер", "доставка"] } }
  - id: refund
    department: finance
    when: { text: { words: ["возврат"] } }
  - { id: other, default: true, department: support }
)");
  const std::string cases = dir.write("labeled.jsonl", R"({"body": "курьер не приехал", "topic": "delivery"}
{"body": "оформите возврат", "topic": "refund"}
{"body": "верните деньги за таблетки", "topic": "refund"}
{"body": "деньги так и не вернули", "topic": "refund"}
{"body": "спасибо за работу аптеки", "topic": "other"}
{"body": "до скольки работает аптека", "topic": "other"}
{"body": "когда работает аптека на Мира", "topic": "other"}
)");
  auto result = run_program({binary("triagectl"), "suggest", rules, cases, "--json"}, dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  REQUIRE(result.exit_code == 0);
  const auto report = boost::json::parse(result.out).as_object();
  CHECK(report.at("examples") == 7);
  const auto& list = report.at("suggestions").as_array();
  const auto money = std::find_if(list.begin(), list.end(), [](const boost::json::value& v) {
    return v.at("topic") == "refund" && v.at("word") == "деньги" && v.at("kind") == "add_keyword";
  });
  REQUIRE(money != list.end());
  CHECK(money->at("fixes").as_array().size() == 2);
  CHECK(money->at("breaks").as_array().empty());

  auto text = run_program({binary("triagectl"), "suggest", rules, cases}, dir, 60s);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("refund, add to `when` (any of):"));
  CHECK_THAT(text.out, Catch::Contains("text: { words: [\"деньги\"], negated: false }"));
  CHECK_THAT(text.err, Catch::Contains("replaying candidates:"));
}

}  // namespace triaged::e2e

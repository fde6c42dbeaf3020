// The YAML of scoring, negation, proximity, named conditions and the model: what admins write,
// how it routes, and what a wrong key or a lost model file does.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "routing/model.h"
#include "test_support.h"

using namespace triaged;
using namespace triaged::rules;
using namespace triaged::rules::testing;

namespace {

const std::string kHead = R"(version: 1
name: scoring
languages: [ru, en]
departments: { logistics: {}, finance: {}, support: {} }
)";

routing::Decision route_text(const LoadedRules& loaded, const std::string& body) {
  routing::Ticket t;
  t.body = body;
  return routing::route(*loaded.rules, t, std::chrono::system_clock::time_point{});
}

std::string model_text() {
  routing::ModelData m;
  m.rule_set = "scoring";
  m.topics = {"delivery", "refund", "other"};
  m.features = {false, 0, 0};
  m.bias = {-1, -1, -1};
  m.weights = {{"w:courier", {6, -2, -2}}, {"w:money", {-2, 6, -2}}};
  return routing::write_model(m);
}

// A folder of its own with rules.yaml (and the model beside it when `with_model`).
std::string rules_dir(const std::string& name, const std::string& yaml, bool with_model) {
  const auto dir = std::filesystem::temp_directory_path() / ("triaged-scoring-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rules.yaml") << yaml;
  if (with_model) std::ofstream(dir / "model.txt") << model_text();
  else std::filesystem::remove(dir / "model.txt");
  return (dir / "rules.yaml").string();
}

}  // namespace

TEST_CASE("scored topics named conditions unless and negated keywords route as written", "[rules][scoring]") {
  const auto loaded = load_ok(kHead + R"(
decide: score
conditions:
  question: { text: { words: ["можно ли", "подскажите"] } }
topics:
  - id: delivery
    department: logistics
    when: { text: { words: ["доставк*", "курьер*"], negated: false } }
    unless: { use: question }
  - id: refund
    department: finance
    decisive: false
    weight: 1
    signals:
      - { weight: 2, when: { text: { words: ["верните"] } } }
    when: { text: { near: { words: ["деньг*"], with: ["вернут*", "верните"], within: 3 } } }
  - id: other
    default: true
    department: support
)");
  CHECK(route_text(loaded, "Курьер опоздал на два часа").topic == "delivery");
  CHECK(route_text(loaded, "Это не про доставку, вопрос по рецепту").topic == "other");
  CHECK(route_text(loaded, "Подскажите, можно ли доставку в Казахстан?").topic == "other");
  const auto both = route_text(loaded, "Курьер не приехал, верните деньги");
  CHECK(both.topic == "refund");
  CHECK(both.runner_up == "delivery");
}

TEST_CASE("wrong scoring keys are reported at their place", "[rules][scoring]") {
  CHECK(parse_errors(kHead + "decide: best\ntopics: []\n") ==
        std::vector<std::string>{"rules.yaml:5:9: unknown decide \"best\" (expected first_match or score)"});
  CHECK(parse_errors(kHead + "topics:\n  - id: a\n    department: support\n    when: { text: { negated: false } }\n") ==
        std::vector<std::string>{
            "rules.yaml:8:30: `negated` in \"text\" condition at a/when needs words, all_words or near beside it"});
  CHECK(parse_errors(kHead + "topics:\n  - id: a\n    department: support\n    when: { text: { regex: x, negated: true } }\n") ==
        std::vector<std::string>{
            "rules.yaml:8:28: `negated` in \"text\" condition at a/when applies to words, all_words and near, not regex"});
  CHECK(parse_errors(kHead + "model: { file: m.txt, use: always }\ntopics: []\n") ==
        std::vector<std::string>{"rules.yaml:5:28: unknown model use \"always\" (expected off, shadow or fallback)"});
  CHECK(parse_errors(kHead + "model: { file: m.txt, min_confidence: 2 }\ntopics: []\n") ==
        std::vector<std::string>{"rules.yaml:5:39: \"min_confidence\" in \"model\" must be between 0 and 1"});
  CHECK(parse_errors(kHead + "topics:\n  - id: a\n    department: support\n    signals: [ { weight: 1 } ]\n    when: { text: { words: [x] } }\n") ==
        std::vector<std::string>{"rules.yaml:8:16: missing required key \"when\" in signal 1 in topic \"a\""});
}

TEST_CASE("the model file beside the rule set is loaded and consulted", "[rules][model]") {
  const std::string yaml = kHead + R"(
model: { file: model.txt, use: fallback, min_confidence: 0.5 }
topics:
  - id: delivery
    department: logistics
    when: { text: { words: [late] } }
  - id: refund
    department: finance
    when: { text: { words: [refund] } }
  - id: other
    default: true
    department: support
tests:
  - name: the model routes what no keyword reaches
    ticket: { body: "where is my courier" }
    expect: { topic: delivery }
)";
  const auto path = rules_dir("present", yaml, true);
  auto loaded = load_rules_file(path);
  REQUIRE(loaded);
  CHECK(loaded->rules->model() != nullptr);
  CHECK(loaded->model_version.starts_with("sha256:"));
  CHECK(loaded->tests_passed == 1);
  const auto d = route_text(*loaded, "where is my courier");
  CHECK(d.source == routing::TopicSource::model);
}

TEST_CASE("a missing or broken model never stops the rule set from loading", "[rules][model]") {
  const std::string yaml = kHead + R"(
model: { file: model.txt }
topics:
  - id: delivery
    department: logistics
    when: { text: { words: [late] } }
  - id: other
    default: true
    department: support
tests:
  - name: needs the model
    ticket: { body: "where is my courier" }
    expect: { topic: delivery }
)";
  const auto path = rules_dir("missing", yaml, false);
  auto loaded = load_rules_file(path);
  REQUIRE(loaded);
  CHECK(loaded->rules->model() == nullptr);
  CHECK(loaded->rules->model_problem().find("model model.txt cannot be read") == 0);
  CHECK(loaded->tests_failed_without_model == 1);
  CHECK(route_text(*loaded, "where is my courier").topic == "other");

  std::ofstream(std::filesystem::path(path).parent_path() / "model.txt") << "garbage\n";
  auto broken = load_rules_file(path);
  REQUIRE(broken);
  CHECK(broken->rules->model_problem().find("is not a valid model (line 1:") != std::string::npos);
}

TEST_CASE("a rule set whose inline tests fail for another reason than the model is still refused", "[rules][model]") {
  const std::string yaml = kHead + R"(
topics:
  - id: delivery
    department: logistics
    when: { text: { words: [late] } }
  - id: other
    default: true
    department: support
tests:
  - ticket: { body: "where is my courier" }
    expect: { topic: delivery }
)";
  auto loaded = load_rules_text(yaml, "rules.yaml");
  CHECK_FALSE(loaded);
}

// The learned model through the real daemon: classify shows its opinion and what decided, a
// missing model leaves the rules serving (and says so in /readyz, the admin API and /metrics),
// a reload brings rules and model in together, and /api/v1/stats and `triagectl coverage`
// count how often it disagreed, decided, and how often each source's tickets were rerouted.
#include <catch2/catch.hpp>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"
#include "routing/model.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;
using triaged::testing::kTestRules;
using triaged::testing::replace_once;

// The test rules with a model beside them that may decide what no keyword reaches.
std::string rules_with_model() {
  return replace_once(kTestRules, "duplicates: { action: off }\n",
                      "duplicates: { action: off }\nmodel: { file: model.txt, use: fallback, min_confidence: 0.5 }\n");
}

// Knows that "parcel" and "tracking" are delivery, "invoice" billing's refund and "hours" other.
std::string model_text() {
  routing::ModelData m;
  m.rule_set = "Test shop";
  m.topics = {"delivery", "refund", "other"};
  m.features = {true, 0, 0};
  m.bias = {-1, -1, -1};
  m.weights = {{"w:parcel", {6, -2, -2}}, {"w:track", {6, -2, -2}}, {"w:invoic", {-2, 6, -2}}, {"w:hour", {-2, -2, 6}}};
  return routing::write_model(m);
}

json::value classify(unsigned short port, const std::string& body) {
  auto reply = http_request(port, http::verb::post, "/api/v1/classify", body, "application/json");
  REQUIRE(reply.status == 200);
  return json_of(reply);
}

std::string ticket(const std::string& subject) {
  return R"({"subject": ")" + subject + R"(", "requester": {"name": "Ivan", "email": "ivan@example.com"},
             "fields": {"order_id": "12345678"}})";
}

json::object created(unsigned short port, const std::string& subject, const std::string& expected_source) {
  auto reply = http_request(port, http::verb::post, "/api/v1/tickets", ticket(subject), "application/json");
  INFO(reply.body);
  REQUIRE(reply.status == 201);
  auto t = json_of(reply);
  CHECK(std::string(t.at("decision").at("source").as_string()) == expected_source);
  return t;
}

void reroute_to_refund(unsigned short port, std::int64_t id) {
  auto reply = http_request(port, http::verb::post, "/api/v1/tickets/" + std::to_string(id) + "/reroute",
                            R"({"topic": "refund", "reason": "asks for money back", "actor": "olga"})",
                            "application/json");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
}

void check_routing(const json::value& routing) {
  INFO(json::serialize(routing));
  CHECK(routing.at("tickets").as_int64() == 4);
  const auto& by = routing.at("by_source");
  CHECK(by.at("rules").at("tickets").as_int64() == 2);
  CHECK(by.at("rules").at("rerouted").as_int64() == 1);
  CHECK(by.at("rules").at("reroute_rate").as_double() == Approx(0.5));
  CHECK(by.at("model").at("tickets").as_int64() == 1);
  CHECK(by.at("model").at("reroute_rate").as_double() == Approx(1.0));
  CHECK(by.at("default").at("tickets").as_int64() == 1);
  CHECK(by.at("default").at("reroute_rate").as_double() == 0);
  CHECK(by.at("operator").at("tickets").as_int64() == 0);
  CHECK(by.at("operator").at("reroute_rate").is_null());
  const auto& model = routing.at("model");
  CHECK(model.at("opinions").as_int64() == 4);
  CHECK(model.at("disagreed").as_int64() == 2);
  CHECK(model.at("disagreement_rate").as_double() == Approx(0.5));
  CHECK(model.at("decided").as_int64() == 1);
  CHECK(model.at("decided_share").as_double() == Approx(0.25));
}

}  // namespace

TEST_CASE("classify names the model's opinion and lets it decide what no rule matched", "[e2e][model]") {
  TempDir dir;
  dir.write("model.txt", model_text());
  DaemonProcess triaged(dir, dir.write("rules.yaml", rules_with_model()));
  const auto ready = json_of(http_get(triaged.port(), "/readyz"));
  CHECK(ready.at("model").at("version").as_string().starts_with("sha256:"));
  CHECK(ready.at("model").at("problem").is_null());

  auto d = classify(triaged.port(), R"({"subject": "Where is my parcel?", "body": "The tracking page is empty"})");
  CHECK(d.at("topic") == "delivery");
  CHECK(d.at("source") == "model");
  CHECK(d.at("model").at("decided") == true);
  CHECK(d.at("model").at("words").at(0).at("feature").as_string().starts_with("w:"));

  auto rules = classify(triaged.port(), R"({"subject": "The courier is late"})");
  CHECK(rules.at("source") == "rules");
  CHECK(rules.at("confidence") == 1.0);
  CHECK(rules.at("runner_up").is_null());
  CHECK(rules.at("model").at("decided") == false);

  const std::string metrics = http_get(triaged.port(), "/metrics").body;
  CHECK_THAT(metrics, Catch::Contains("triaged_model_info{version=\"sha256:"));
}

TEST_CASE("a missing model never stops intake and a reload brings it in", "[e2e][model]") {
  TempDir dir;
  const std::string path = dir.write("rules.yaml", rules_with_model());
  DaemonProcess triaged(dir, path);
  const auto ready = json_of(http_get(triaged.port(), "/readyz"));
  CHECK(ready.at("status") == "ready");
  CHECK(ready.at("model").at("version").is_null());
  CHECK_THAT(std::string(ready.at("model").at("problem").as_string()), Catch::Contains("model.txt cannot be read"));
  CHECK_THAT(http_get(triaged.port(), "/metrics").body, Catch::Contains("triaged_model_info{version=\"none\"} 0"));
  auto admin = json_of(http_get(triaged.port(), "/api/v1/admin/rules"));
  CHECK_THAT(std::string(admin.at("model").at("problem").as_string()), Catch::Contains("routing by rules alone"));

  auto alone = classify(triaged.port(), R"({"subject": "Where is my parcel?"})");
  CHECK(alone.at("topic") == "other");
  CHECK(alone.at("source") == "default");
  CHECK_FALSE(alone.as_object().contains("model"));

  dir.write("model.txt", model_text());
  auto reload = http_request(triaged.port(), http::verb::post, "/api/v1/admin/rules/reload", "", "");
  REQUIRE(reload.status == 200);
  auto with_model = classify(triaged.port(), R"({"subject": "Where is my parcel?"})");
  CHECK(with_model.at("topic") == "delivery");
  CHECK(json_of(http_get(triaged.port(), "/readyz")).at("model").at("problem").is_null());
}

TEST_CASE("a model trained for other topics is refused with the reason and the rules serve", "[e2e][model]") {
  TempDir dir;
  dir.write("model.txt", replace_once(model_text(), "topics delivery refund other", "topics delivery warehouse other"));
  DaemonProcess triaged(dir, dir.write("rules.yaml", rules_with_model()));
  const auto ready = json_of(http_get(triaged.port(), "/readyz"));
  CHECK_THAT(std::string(ready.at("model").at("problem").as_string()), Catch::Contains("trained for other topics"));
  CHECK(classify(triaged.port(), R"({"subject": "The courier is late"})").at("topic") == "delivery");
}

TEST_CASE("stats and coverage give the reroute rate per deciding source and the model's disagreement",
          "[e2e][model]") {
  TempDir dir;
  dir.write("model.txt", model_text());
  DaemonProcess triaged(dir, dir.write("rules.yaml", rules_with_model()));
  const unsigned short port = triaged.port();
  // No rule matches; the model is sure it is delivery and decides (disagreeing with the default).
  const auto parcel = created(port, "Where is my parcel? The tracking page is empty", "model");
  // The rules say delivery and the model agrees.
  created(port, "The courier lost my parcel", "rules");
  // The rules say delivery; the model thinks refund but may not overrule a matched rule.
  const auto invoice = created(port, "The courier brought the wrong invoice", "rules");
  // Nothing matches and the model agrees it is other.
  created(port, "Opening hours on Sunday", "default");
  reroute_to_refund(port, parcel.at("id").as_int64());
  reroute_to_refund(port, invoice.at("id").as_int64());

  auto stats = http_get(port, "/api/v1/stats?days=1");
  REQUIRE(stats.status == 200);
  check_routing(json_of(stats).at("routing"));

  const std::string db = dir.file("t.db");
  auto coverage = run_program({binary("triagectl"), "coverage", "--db", db, "--json"}, dir);
  INFO(coverage.err);
  REQUIRE(coverage.exit_code == 0);
  check_routing(json::parse(coverage.out).at("routing"));

  auto text = run_program({binary("triagectl"), "stats", "--db", db}, dir);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("By deciding source") &&
                           Catch::Contains("disagreed with the rules on 2 (50.0%); decided 1 (25.0% of tickets)"));
}

}  // namespace triaged::e2e

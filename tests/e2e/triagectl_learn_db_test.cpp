// triagectl train --db: the tickets staff rerouted or resolved in a real daemon's database are
// labeled examples the model learns from, beside the rule set's inline tests.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"
#include "routing/model.h"

namespace triaged::e2e {
namespace {

using triaged::testing::kTestRules;

std::int64_t created_id(unsigned short port, const std::string& subject) {
  const std::string body = R"({"subject": ")" + subject + R"(", "requester": {"name": "Ivan", "email": "ivan@example.com"},
                               "fields": {"order_id": "12345678"}})";
  auto reply = http_request(port, http::verb::post, "/api/v1/tickets", body, "application/json");
  INFO(reply.body);
  REQUIRE(reply.status == 201);
  return json_of(reply).at("id").as_int64();
}

void post_ok(unsigned short port, const std::string& target, const std::string& body) {
  auto reply = http_request(port, http::verb::post, target, body, "application/json");
  INFO(target << ": " << reply.body);
  REQUIRE(reply.status == 200);
}

// The topic whose weight for `feature` is the largest.
std::string strongest_topic(const routing::ModelData& model, const std::string& feature) {
  const auto it = std::find_if(model.weights.begin(), model.weights.end(), [&](const auto& w) { return w.first == feature; });
  REQUIRE(it != model.weights.end());
  const auto best = std::max_element(it->second.begin(), it->second.end()) - it->second.begin();
  return model.topics[static_cast<std::size_t>(best)];
}

}  // namespace

TEST_CASE("triagectl train learns from the tickets staff rerouted or resolved in the database", "[e2e][learn-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", std::string(kTestRules));
  {
    DaemonProcess triaged(dir, rules);
    const unsigned short port = triaged.port();
    // No rule knows these words: the default topic, until staff move them.
    const auto parcel = created_id(port, "Where is my parcel? The tracking page is empty");
    const auto invoice = created_id(port, "The invoice is missing");
    const auto hours = created_id(port, "Opening hours on Sunday");
    created_id(port, "The courier is late");  // open and never corrected: no label
    const std::string tickets = "/api/v1/tickets/";
    post_ok(port, tickets + std::to_string(parcel) + "/reroute", R"({"topic": "delivery", "reason": "a parcel", "actor": "olga"})");
    post_ok(port, tickets + std::to_string(invoice) + "/reroute", R"({"topic": "refund", "reason": "billing", "actor": "olga"})");
    post_ok(port, tickets + std::to_string(hours) + "/status", R"({"status": "resolved", "reason": "answered", "actor": "olga"})");
    REQUIRE(triaged.stop() == 0);
  }
  const std::string out = dir.file("model.txt");
  auto result = run_program({binary("triagectl"), "train", rules, "--db", dir.file("t.db"), "--folds", "0", "--out", out},
                            dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("training on 4 labeled tickets (1 inline tests, 0 from case files, "
                                         "3 from the database (2 rerouted, 1 resolved))"));
  auto model = routing::parse_model(read_file(out));
  REQUIRE(model);
  CHECK(model->examples == 4);
  CHECK(strongest_topic(*model, "w:invoic") == "refund");
  CHECK(strongest_topic(*model, "w:parcel") == "delivery");
  CHECK(strongest_topic(*model, "w:hour") == "other");
}

TEST_CASE("triagectl suggest proposes a keyword from the tickets staff rerouted in the database", "[e2e][learn-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", std::string(kTestRules));
  {
    DaemonProcess triaged(dir, rules);
    const unsigned short port = triaged.port();
    // No rule knows "parcel": both land in the default topic, and staff move both.
    const auto lost = created_id(port, "Where is my parcel? The tracking page is empty");
    const auto torn = created_id(port, "The parcel arrived torn open");
    const auto hours = created_id(port, "Opening hours on Sunday");
    const auto refund = created_id(port, "A refund for the vitamins please");
    const std::string tickets = "/api/v1/tickets/";
    post_ok(port, tickets + std::to_string(refund) + "/status", R"({"status": "resolved", "reason": "paid", "actor": "olga"})");
    post_ok(port, tickets + std::to_string(lost) + "/reroute", R"({"topic": "delivery", "reason": "a parcel", "actor": "olga"})");
    post_ok(port, tickets + std::to_string(torn) + "/reroute", R"({"topic": "delivery", "reason": "a parcel", "actor": "olga"})");
    post_ok(port, tickets + std::to_string(hours) + "/status", R"({"status": "resolved", "reason": "answered", "actor": "olga"})");
    REQUIRE(triaged.stop() == 0);
  }
  auto result = run_program({binary("triagectl"), "suggest", rules, "--db", dir.file("t.db"), "--json"}, dir, 60s);
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  REQUIRE(result.exit_code == 0);
  const auto report = boost::json::parse(result.out).as_object();
  CHECK(report.at("examples") == 5);  // the inline test and four stored verdicts
  const auto& list = report.at("suggestions").as_array();
  const auto parcel = std::find_if(list.begin(), list.end(), [](const boost::json::value& v) {
    return v.at("topic") == "delivery" && v.at("word") == "parcel" && v.at("kind") == "add_keyword";
  });
  REQUIRE(parcel != list.end());
  CHECK(parcel->at("fixes").as_array().size() == 2);
  CHECK(parcel->at("breaks").as_array().empty());

  auto missing = run_program({binary("triagectl"), "suggest", rules, "--db", dir.file("none.db")}, dir, 60s);
  CHECK(missing.exit_code != 0);
}

}  // namespace triaged::e2e

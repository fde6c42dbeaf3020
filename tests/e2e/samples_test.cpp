// The public labeled sample tickets, posted over HTTP to the real binary on its built-in
// example rules: each lands in its labeled topic and department, and the 422 for a ticket
// without its required fields names exactly what the topic's template still lacks.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <map>
#include <set>

#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;

const fs::path kSamples = fs::path(TRIAGED_SOURCE_DIR) / ".." / "shared" / "samples" / "eshop-ru" / "tickets.public.jsonl";

// Required fields per topic, as the issue that defined the example rule set states them.
const std::map<std::string, std::pair<std::string, std::set<std::string>>> kExpected = {
    {"delivery", {"logistics", {"order_id"}}},
    {"order_incomplete", {"warehouse", {"order_id", "product"}}},
    {"product_quality", {"quality", {"order_id", "product"}}},
    {"refund", {"finance", {"order_id"}}},
    {"payment", {"finance", {"order_id"}}},
    {"loyalty", {"marketing", {"phone"}}},
    {"account", {"ecommerce", {"phone|email"}}},
    {"pickup", {"retail", {"order_id"}}},
    {"other", {"support_l1", {"phone|email"}}},
};

std::vector<json::object> read_samples() {
  std::ifstream in(kSamples);
  if (!in) FAIL("the public samples are not at " << kSamples.string());
  std::vector<json::object> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line).as_object());
  return out;
}

}  // namespace

TEST_CASE("every public sample posted without fields is answered 422 naming only its template's missing fields or 201", "[e2e]") {
  TempDir dir;
  DaemonProcess triaged(dir, "");
  const auto samples = read_samples();
  REQUIRE(samples.size() >= 40);
  for (const auto& sample : samples) {
    const std::string topic(sample.at("topic").as_string());
    INFO("sample " << sample.at("id").as_string() << " labeled " << topic);
    json::object ticket{{"subject", sample.at("subject")}, {"body", sample.at("body")}, {"channel", sample.at("channel")}};
    Reply reply = http_post_json(triaged.port(), "/api/v1/tickets", json::serialize(ticket));
    INFO(reply.body);
    auto body = json_of(reply);
    CHECK(body.at("topic").as_string() == topic);
    CHECK(body.at("department").as_string() == kExpected.at(topic).first);
    if (reply.status == 201) continue;  // every required field was found in the text
    REQUIRE(reply.status == 422);
    std::set<std::string> missing;
    for (const auto& e : body.at("errors").as_array()) {
      CHECK(e.at("code").as_string() == "missing");
      missing.insert(std::string(e.at("field").as_string()));
    }
    CHECK_FALSE(missing.empty());
    for (const auto& field : missing) CHECK(kExpected.at(topic).second.count(field) == 1);
  }
}

TEST_CASE("every public sample posted with its required fields is created in its labeled topic and department", "[e2e]") {
  TempDir dir;
  DaemonProcess triaged(dir, "");
  std::set<std::int64_t> ids;
  int caller = 0;
  for (const auto& sample : read_samples()) {
    const std::string topic(sample.at("topic").as_string());
    INFO("sample " << sample.at("id").as_string() << " labeled " << topic);
    // A caller each: one requester's second ticket on a topic would be merged into the first.
    const std::string phone = "+7 900 " + std::to_string(1000000 + ++caller);
    json::object ticket{{"subject", sample.at("subject")},
                        {"body", sample.at("body")},
                        {"channel", sample.at("channel")},
                        {"requester", {{"name", "Тест"}, {"phone", phone}}},
                        {"fields", {{"order_id", "12345678"}, {"product", "Тестовый товар"}}}};
    Reply reply = http_post_json(triaged.port(), "/api/v1/tickets", json::serialize(ticket));
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    auto body = json_of(reply);
    CHECK(body.at("topic").as_string() == topic);
    CHECK(body.at("department").as_string() == kExpected.at(topic).first);
    CHECK(body.at("status").as_string() == "new");
    ids.insert(body.at("id").as_int64());
  }
  CHECK(ids.size() >= 40);
}

}  // namespace triaged::e2e

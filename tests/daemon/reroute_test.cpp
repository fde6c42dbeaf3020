// POST /api/v1/tickets/{id}/reroute: staff move a ticket, the move is an event, and every
// bad request names what is wrong.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

#include "api_harness.h"

namespace triaged::testing {
namespace {

using Codes = std::vector<std::string>;

std::string reroute_path(const boost::json::object& ticket) {
  return "/api/v1/tickets/" + std::to_string(ticket.at("id").as_int64()) + "/reroute";
}

TEST_CASE("rerouting to a topic moves the ticket to that topic's department and records why", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  api.set_clock(test_epoch() + std::chrono::minutes(5));
  Response res = api.post_json(reroute_path(created),
                               R"({"topic": "refund", "reason": "wants money back", "actor": "olga"})");
  REQUIRE(res.status == 200);
  auto t = body_json(res);
  CHECK(t.at("id") == created.at("id"));
  CHECK(str(t.at("topic")) == "refund");
  CHECK(str(t.at("department")) == "billing");
  CHECK(str(t.at("updated_at")) == "2026-03-01T10:05:00Z");
  CHECK(t.at("rerouted") == true);
  CHECK(str(t.at("decision").at("topic")) == "delivery");
  const auto& events = t.at("events").as_array();
  REQUIRE(events.size() == 2);
  CHECK(str(events[1].at("kind")) == "rerouted");
  const auto& data = events[1].at("data").as_object();
  CHECK(str(data.at("from_topic")) == "delivery");
  CHECK(str(data.at("from_department")) == "logistics");
  CHECK(str(data.at("to_topic")) == "refund");
  CHECK(str(data.at("to_department")) == "billing");
  CHECK(str(data.at("reason")) == "wants money back");
  CHECK(str(data.at("actor")) == "olga");

  auto read = body_json(api.get("/api/v1/tickets/" + std::to_string(created.at("id").as_int64())));
  CHECK(str(read.at("department")) == "billing");
}

TEST_CASE("rerouting to a department alone keeps the topic and the ticket is found by its ref", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  std::string ref = str(created.at("ref"));
  ref.erase(std::remove(ref.begin(), ref.end(), '-'), ref.end());
  for (auto& c : ref) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Response res = api.post_json("/api/v1/tickets/" + ref + "/reroute",
                               R"({"department": "support", "reason": "needs a call back first"})");
  REQUIRE(res.status == 200);
  auto t = body_json(res);
  CHECK(str(t.at("topic")) == "delivery");
  CHECK(str(t.at("department")) == "support");
  CHECK(str(t.at("events").as_array().back().at("data").at("actor")) == "");
}

TEST_CASE("rerouting with both a topic and another department keeps the department given", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  auto t = body_json(api.post_json(reroute_path(created),
                                   R"({"topic": "refund", "department": "support", "reason": "escalated"})"));
  CHECK(str(t.at("topic")) == "refund");
  CHECK(str(t.at("department")) == "support");
}

TEST_CASE("rerouting to where a ticket already is answers 200 and records nothing", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  Response res = api.post_json(reroute_path(created), R"({"topic": "delivery", "reason": "double check"})");
  REQUIRE(res.status == 200);
  auto t = body_json(res);
  CHECK(t.at("rerouted") == false);
  CHECK(t.at("events").as_array().size() == 1);
}

TEST_CASE("an unknown topic is a 422 that lists the known topics", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  auto p = problem_of(api.post_json(reroute_path(created), R"({"topic": "refnud", "reason": "typo"})"), 422);
  CHECK(error_codes(p) == Codes{"topic:unknown"});
  CHECK_THAT(str(p.at("errors").at(0).at("message")), Catch::Contains("known: delivery, refund, other"));
}

TEST_CASE("an unknown department is a 422 that lists the known departments", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  auto p = problem_of(api.post_json(reroute_path(created), R"({"department": "finance", "reason": "x"})"), 422);
  CHECK(error_codes(p) == Codes{"department:unknown"});
  CHECK_THAT(str(p.at("errors").at(0).at("message")), Catch::Contains("known: logistics, billing, support"));
}

TEST_CASE("a reroute without a target or a reason names both missing fields", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  auto p = problem_of(api.post_json(reroute_path(created), R"({"reason": "  ", "actor": "olga"})"), 422);
  CHECK(error_codes(p) == Codes{"topic|department:missing", "reason:missing"});
  auto untouched = body_json(api.get("/api/v1/tickets/" + std::to_string(created.at("id").as_int64())));
  CHECK(untouched.at("events").as_array().size() == 1);
}

TEST_CASE("a reroute with a too long reason or actor or wrong types or unknown members is a 422", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  const std::string long_reason(1001, 'x');
  const std::string cyrillic_reason = [] {
    std::string s;
    for (int i = 0; i < 1000; ++i) s += "ж";
    return s;
  }();
  auto p = problem_of(api.post_json(reroute_path(created), R"({"topic": "refund", "reason": ")" + long_reason +
                                                               R"(", "actor": ")" + std::string(201, 'a') + "\"}"),
                      422);
  CHECK(error_codes(p) == Codes{"reason:too_long", "actor:too_long"});
  // 1000 characters are fine even when they take 2000 bytes.
  CHECK(api.post_json(reroute_path(created), R"({"topic": "refund", "reason": ")" + cyrillic_reason + "\"}")
            .status == 200);
  p = problem_of(api.post_json(reroute_path(created), R"({"topic": 5, "reason": ["x"], "queue": "a"})"), 422);
  CHECK(error_codes(p) == Codes{"queue:unknown", "topic:type", "reason:type"});
}

TEST_CASE("a malformed reroute body is a 400 and a non JSON one a 415", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  auto p = problem_of(api.post_json(reroute_path(created), R"({"topic": "refund",)"), 400);
  CHECK(error_codes(p) == Codes{":malformed"});
  p = problem_of(api.post_json(reroute_path(created), R"(["refund"])"), 400);
  CHECK(error_codes(p) == Codes{":type"});
  problem_of(api.post_form(reroute_path(created), "topic=refund&reason=x"), 415);
}

TEST_CASE("rerouting a ticket that does not exist is a 404", "[api][reroute]") {
  ApiHarness api;
  problem_of(api.post_json("/api/v1/tickets/999/reroute", R"({"topic": "refund", "reason": "x"})"), 404);
  problem_of(api.post_json("/api/v1/tickets/ZZZ-ZZZ/reroute", R"({"topic": "refund", "reason": "x"})"), 404);
}

TEST_CASE("reroute answers only POST and other ticket actions do not exist", "[api][reroute]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  Response res = api.get(reroute_path(created));
  problem_of(res, 405);
  CHECK(res.header("Allow") == "POST");
  const std::string id = std::to_string(created.at("id").as_int64());
  problem_of(api.post_json("/api/v1/tickets/" + id + "/reassign", R"({"topic": "refund", "reason": "x"})"), 404);
  problem_of(api.post_json("/api/v1/tickets/" + id + "/reroute/now", R"({"topic": "refund", "reason": "x"})"), 404);
}

}  // namespace
}  // namespace triaged::testing

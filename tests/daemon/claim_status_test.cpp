// POST /api/v1/tickets/{id}/claim and /status: staff take a ticket and move it through its
// statuses, each change is an event, and every bad request names the member that is wrong.
#include <catch2/catch.hpp>

#include "api_harness.h"

namespace triaged::testing {
namespace {

using Codes = std::vector<std::string>;

std::string action_path(const boost::json::object& ticket, const std::string& action) {
  return "/api/v1/tickets/" + std::to_string(ticket.at("id").as_int64()) + "/" + action;
}

std::size_t event_count(ApiHarness& api, const boost::json::object& ticket) {
  auto read = body_json(api.get("/api/v1/tickets/" + std::to_string(ticket.at("id").as_int64())));
  return read.at("events").as_array().size();
}

TEST_CASE("claiming a new ticket assigns it and puts it in progress", "[api][claim]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  CHECK(str(created.at("assignee")) == "");
  api.set_clock(test_epoch() + std::chrono::minutes(3));
  Response res = api.post_json(action_path(created, "claim"), R"({"assignee": "olga"})");
  REQUIRE(res.status == 200);
  auto t = body_json(res);
  CHECK(t.at("claimed") == true);
  CHECK(str(t.at("assignee")) == "olga");
  CHECK(str(t.at("status")) == "in_progress");
  CHECK(str(t.at("updated_at")) == "2026-03-01T10:03:00Z");
  const auto& events = t.at("events").as_array();
  REQUIRE(events.size() == 3);
  CHECK(str(events[1].at("kind")) == "claimed");
  CHECK(str(events[1].at("data").at("assignee")) == "olga");
  CHECK(str(events[2].at("kind")) == "status_changed");
  CHECK(str(events[2].at("data").at("to")) == "in_progress");

  auto read = body_json(api.get("/api/v1/tickets/" + str(created.at("ref"))));
  CHECK(str(read.at("assignee")) == "olga");
}

TEST_CASE("claiming again by the same person answers 200 and records nothing", "[api][claim]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  REQUIRE(api.post_json(action_path(created, "claim"), R"({"assignee": "olga"})").status == 200);
  Response again = api.post_json(action_path(created, "claim"), R"({"assignee": "olga"})");
  REQUIRE(again.status == 200);
  CHECK(body_json(again).at("claimed") == false);
  CHECK(event_count(api, created) == 3);
}

TEST_CASE("a ticket claimed by someone else is a 409 naming them unless take_over is true", "[api][claim]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  REQUIRE(api.post_json(action_path(created, "claim"), R"({"assignee": "olga"})").status == 200);
  auto p = problem_of(api.post_json(action_path(created, "claim"), R"({"assignee": "ivan"})"), 409);
  CHECK(error_codes(p) == Codes{"assignee:conflict"});
  CHECK(str(p.at("assignee")) == "olga");
  CHECK(event_count(api, created) == 3);

  Response taken = api.post_json(action_path(created, "claim"), R"({"assignee": "ivan", "take_over": true})");
  REQUIRE(taken.status == 200);
  auto t = body_json(taken);
  CHECK(str(t.at("assignee")) == "ivan");
  CHECK(str(t.at("events").as_array().back().at("data").at("previous_assignee")) == "olga");
}

TEST_CASE("a claim without an assignee or with wrong members is a 422 naming each", "[api][claim]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  auto p = problem_of(api.post_json(action_path(created, "claim"), R"({"assignee": "  "})"), 422);
  CHECK(error_codes(p) == Codes{"assignee:missing"});
  p = problem_of(api.post_json(action_path(created, "claim"), R"({"assignee": 7, "take_over": "yes", "who": 1})"), 422);
  CHECK(error_codes(p) == Codes{"who:unknown", "assignee:type", "take_over:type"});
  p = problem_of(api.post_json(action_path(created, "claim"), R"({"assignee": ")" + std::string(201, 'a') + "\"}"), 422);
  CHECK(error_codes(p) == Codes{"assignee:too_long"});
  problem_of(api.post_json(action_path(created, "claim"), "{"), 400);
  problem_of(api.post_form(action_path(created, "claim"), "assignee=olga"), 415);
  CHECK(event_count(api, created) == 1);
}

TEST_CASE("changing the status records it with the reason and actor", "[api][status]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  api.set_clock(test_epoch() + std::chrono::hours(2));
  Response res = api.post_json(action_path(created, "status"),
                               R"({"status": "resolved", "reason": "courier delivered it", "actor": "olga"})");
  REQUIRE(res.status == 200);
  auto t = body_json(res);
  CHECK(t.at("changed") == true);
  CHECK(str(t.at("status")) == "resolved");
  CHECK(str(t.at("updated_at")) == "2026-03-01T12:00:00Z");
  const auto& data = t.at("events").as_array().back().at("data").as_object();
  CHECK(str(data.at("from")) == "new");
  CHECK(str(data.at("to")) == "resolved");
  CHECK(str(data.at("reason")) == "courier delivered it");
  CHECK(str(data.at("actor")) == "olga");

  auto queues = body_json(api.get("/api/v1/queues"));
  for (const auto& q : queues.at("queues").as_array())
    if (str(q.at("department")) == "logistics") CHECK(q.at("open").to_number<int>() == 0);
}

TEST_CASE("setting the status a ticket already has answers 200 and records nothing", "[api][status]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  Response res = api.post_json(action_path(created, "status"), R"({"status": "new"})");
  REQUIRE(res.status == 200);
  CHECK(body_json(res).at("changed") == false);
  CHECK(event_count(api, created) == 1);
}

TEST_CASE("an unknown or missing status is a 422 listing the statuses staff may set", "[api][status]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  auto p = problem_of(api.post_json(action_path(created, "status"), R"({"status": "needs_info"})"), 422);
  CHECK(error_codes(p) == Codes{"status:invalid"});
  CHECK(str(p.at("errors").as_array()[0].at("message")).find("in_progress, waiting, resolved, closed") !=
        std::string::npos);
  p = problem_of(api.post_json(action_path(created, "status"),
                               R"({"reason": ")" + std::string(1001, 'x') + R"(", "actor": ")" +
                                   std::string(201, 'a') + R"(", "note": 1})"),
                 422);
  CHECK(error_codes(p) == Codes{"note:unknown", "status:missing", "reason:too_long", "actor:too_long"});
  p = problem_of(api.post_json(action_path(created, "status"), R"({"status": true})"), 422);
  CHECK(error_codes(p) == Codes{"status:type"});
  CHECK(event_count(api, created) == 1);
}

TEST_CASE("claim and status answer only POST and 404 for a ticket that does not exist", "[api][claim]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  Response res = api.get(action_path(created, "claim"));
  problem_of(res, 405);
  CHECK(res.header("Allow") == "POST");
  problem_of(api.get(action_path(created, "status")), 405);
  problem_of(api.post_json("/api/v1/tickets/999/claim", R"({"assignee": "olga"})"), 404);
  problem_of(api.post_json("/api/v1/tickets/ZZZ-ZZZ/status", R"({"status": "closed"})"), 404);
}

}  // namespace
}  // namespace triaged::testing

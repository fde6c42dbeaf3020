// A web or API ticket missing a field, held as needs_info (on_missing "hold") instead of refused:
// the 202 and its list, the question by mail, who cannot be held, replays, metrics, and its
// release by the requester's mail reply (docs/api.md, docs/customer.md).
#include <catch2/catch.hpp>

#include "api_harness.h"
#include "mail_samples.h"

namespace triaged::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kHeldDelivery =
    R"({"subject": "The courier is late", "body": "Nobody came today", "channel": "web", "on_missing": "hold",
        "requester": {"name": "Ivan", "email": "ivan@example.com"}})";

std::vector<storage::OutboxItem> outbox(ApiHarness& api) {
  auto due = api.store().due_outbox(test_epoch() + std::chrono::hours(1000), 100);
  REQUIRE(due);
  return *due;
}

std::vector<std::string> event_kinds(const json::object& ticket) {
  std::vector<std::string> out;
  for (const auto& e : ticket.at("events").as_array()) out.push_back(str(e.at("kind")));
  return out;
}

}  // namespace

TEST_CASE("a held web ticket missing a field is stored as needs_info and answered 202 with what is missing",
          "[api][hold]") {
  ApiHarness api;
  Response res = api.post_json("/api/v1/tickets", std::string(kHeldDelivery));
  REQUIRE(res.status == 202);
  auto body = body_json(res);
  CHECK(str(body.at("status")) == "needs_info");
  CHECK(str(body.at("department")) == "logistics");
  CHECK(body.at("due_at").is_null());
  REQUIRE(body.at("missing").as_array().size() == 1);
  CHECK(str(body.at("missing").at(0).at("field")) == "order_id");
  CHECK(str(body.at("missing").at(0).at("code")) == "missing");
  CHECK(res.header("Location") == "/api/v1/tickets/" + std::to_string(body.at("id").as_int64()));
  auto stored = body_json(api.get("/api/v1/tickets/" + str(body.at("ref"))));
  CHECK(str(stored.at("status")) == "needs_info");
  CHECK(str(stored.at("events").at(0).at("data").at("status")) == "needs_info");
}

TEST_CASE("a held ticket's requester is asked for the missing field by mail with the status link", "[api][hold]") {
  ApiHarness api;
  auto body = body_json(api.post_json("/api/v1/tickets", std::string(kHeldDelivery)));
  const std::string ref = str(body.at("ref"));
  auto queued = outbox(api);
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].mail.to_address == "ivan@example.com");
  CHECK(queued[0].mail.purpose == "needs_info");
  // Nothing to answer yet: the question starts the conversation, it is no "Re:".
  CHECK(queued[0].mail.subject == "[#" + ref + "] The courier is late");
  CHECK(queued[0].mail.in_reply_to.empty());
  CHECK_THAT(queued[0].mail.text, Catch::Contains("  - Order number\n") && Catch::Contains("{status_link}"));
}

TEST_CASE("a held ticket under an acknowledgement template gets one acknowledgement that asks for the field",
          "[api][hold]") {
  ApiHarness api(std::string(kTestRules) + "acknowledgement:\n  language: en\n");
  auto body = body_json(api.post_json("/api/v1/tickets", std::string(kHeldDelivery)));
  auto queued = outbox(api);
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].mail.purpose == "needs_info");
  CHECK_THAT(queued[0].mail.subject, Catch::StartsWith("[#" + str(body.at("ref")) + "]"));
  CHECK_THAT(queued[0].mail.text, Catch::Contains("Order number") && Catch::Contains("{status_link}"));
}

TEST_CASE("a held ticket without an e-mail address is refused 422 naming the requester's e-mail", "[api][hold]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "The courier is late", "on_missing": "hold",
      "requester": {"name": "Ivan", "phone": "+7 916 123-45-67"}})"), 422);
  CHECK(error_codes(p) == std::vector<std::string>{"order_id:missing", "requester.email:missing"});
  CHECK(body_json(api.get("/api/v1/tickets")).at("tickets").as_array().empty());
  CHECK(outbox(api).empty());
}

TEST_CASE("a held ticket from a robot address is refused 422 because nobody would be asked", "[api][hold]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "The courier is late", "on_missing": "hold",
      "requester": {"name": "Shop", "email": "noreply@shop.example"}})"), 422);
  CHECK(error_codes(p) == std::vector<std::string>{"order_id:missing", "requester.email:automatic"});
  CHECK(outbox(api).empty());
}

TEST_CASE("without on_missing an incomplete ticket is still refused 422 and stores nothing", "[api][hold]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "The courier is late", "channel": "web",
      "requester": {"name": "Ivan", "email": "ivan@example.com"}})"), 422);
  CHECK(error_codes(p) == std::vector<std::string>{"order_id:missing"});
  problem_of(api.post_json("/api/v1/tickets", R"({"subject": "The courier is late", "on_missing": "reject",
      "requester": {"name": "Ivan", "email": "ivan@example.com"}})"), 422);
  CHECK(body_json(api.get("/api/v1/tickets")).at("tickets").as_array().empty());
}

TEST_CASE("an on_missing other than hold or reject is refused naming it", "[api][hold]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "The courier is late", "on_missing": "wait"})"), 422);
  CHECK(error_codes(p) == std::vector<std::string>{"on_missing:invalid"});
  auto typed = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "The courier is late", "on_missing": true})"), 422);
  CHECK(error_codes(typed) == std::vector<std::string>{"on_missing:type"});
}

TEST_CASE("a web form post with on_missing hold is held like the JSON one", "[api][hold]") {
  ApiHarness api;
  Response res = api.post_form("/api/v1/tickets",
                               "subject=The+courier+is+late&name=Ivan&email=ivan%40example.com&on_missing=hold");
  REQUIRE(res.status == 202);
  auto body = body_json(res);
  CHECK(str(body.at("channel")) == "web");
  CHECK(body.at("fields").as_object().empty());
  CHECK(str(body.at("missing").at(0).at("field")) == "order_id");
}

TEST_CASE("a complete ticket with on_missing hold is created 201 into its queue", "[api][hold]") {
  ApiHarness api;
  std::string json(kDeliveryJson);
  json.insert(1, R"("on_missing": "hold", )");
  Response res = api.post_json("/api/v1/tickets", json);
  REQUIRE(res.status == 201);
  auto body = body_json(res);
  CHECK(str(body.at("status")) == "new");
  CHECK_FALSE(body.contains("missing"));
  CHECK_FALSE(body.at("due_at").is_null());
}

TEST_CASE("a replayed held request returns the same waiting ticket and asks only once", "[api][hold]") {
  ApiHarness api;
  Response first = api.post_json("/api/v1/tickets", std::string(kHeldDelivery), {{"Idempotency-Key", "form-77"}});
  REQUIRE(first.status == 202);
  Response again = api.post_json("/api/v1/tickets", std::string(kHeldDelivery), {{"Idempotency-Key", "form-77"}});
  REQUIRE(again.status == 202);
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(body_json(again).at("id") == body_json(first).at("id"));
  CHECK(str(body_json(again).at("missing").at(0).at("field")) == "order_id");
  CHECK(outbox(api).size() == 1);
  const std::string metrics = api.get("/metrics").body;
  CHECK_THAT(metrics, Catch::Contains(R"(triaged_tickets_total{channel="web",topic="delivery",department="logistics",)"
                                      R"(outcome="needs_info"} 1)"));
  CHECK_THAT(metrics, Catch::Contains(R"(triaged_tickets_total{channel="web",topic="delivery",department="logistics",)"
                                      R"(outcome="duplicate"} 1)"));
  // Held is not refused: no 422, so no validation failure is counted for the missing field.
  CHECK_THAT(metrics, !Catch::Contains(R"(triaged_validation_failures_total{field="order_id")"));
}

TEST_CASE("a held repeat of an open ticket is merged into it and nobody is asked", "[api][hold]") {
  ApiHarness api(replace_once(kTestRules, "duplicates: { action: off }", "duplicates: { match: [order_id] }"));
  auto first = api.create(std::string(kDeliveryJson));
  Response res = api.post_json("/api/v1/tickets", std::string(kHeldDelivery));
  REQUIRE(res.status == 200);
  auto joined = body_json(res);
  CHECK(joined.at("merged") == true);
  CHECK(joined.at("id") == first.at("id"));
  CHECK(str(joined.at("status")) == "new");
  CHECK_FALSE(joined.contains("missing"));
  CHECK(outbox(api).empty());
  CHECK_THAT(api.get("/metrics").body,
             Catch::Contains(R"(triaged_tickets_total{channel="web",topic="delivery",department="logistics",)"
                             R"(outcome="merged"} 1)"));
}

TEST_CASE("a held web ticket is released into its queue by its requester's mail reply", "[api][hold]") {
  ApiHarness api(kMailRules);
  auto held = body_json(api.post_json("/api/v1/tickets", std::string(kHeldDelivery)));
  const std::string ref = str(held.at("ref"));
  api.set_clock(test_epoch() + std::chrono::minutes(5));
  auto reply = body_json(api.post_email(mail("Ivan <ivan@example.com>", "Re: [#" + ref + "] The courier is late",
                                             "Order 12345678")));
  CHECK(str(reply.at("outcome")) == "appended");
  CHECK(reply.at("released") == true);
  auto ticket = body_json(api.get("/api/v1/tickets/" + ref));
  CHECK(str(ticket.at("status")) == "new");
  CHECK(str(ticket.at("fields").at("order_id")) == "12345678");
  // The SLA clock starts at the release: 24 hours from the reply, not from the web post.
  CHECK(str(ticket.at("due_at")) == "2026-03-02T10:05:00Z");
  const auto kinds = event_kinds(ticket);
  CHECK(std::find(kinds.begin(), kinds.end(), "fields_completed") != kinds.end());
  CHECK(std::find(kinds.begin(), kinds.end(), "status_changed") != kinds.end());
}

}  // namespace triaged::testing

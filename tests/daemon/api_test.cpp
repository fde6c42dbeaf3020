// Api::handle() for creating tickets: routing, validation, content types and idempotency.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <thread>

#include "api_harness.h"

namespace triaged::testing {
namespace {

using Codes = std::vector<std::string>;

TEST_CASE("a complete ticket is created with its topic and department and priority and due time", "[api]") {
  ApiHarness api;
  Response res = api.post_json("/api/v1/tickets", std::string(kDeliveryJson));
  REQUIRE(res.status == 201);
  CHECK(res.header("Content-Type") == "application/json");
  auto t = body_json(res);
  CHECK(str(t.at("topic")) == "delivery");
  CHECK(str(t.at("department")) == "logistics");
  CHECK(str(t.at("priority")) == "high");
  CHECK(str(t.at("status")) == "new");
  CHECK(str(t.at("created_at")) == "2026-03-01T10:00:00Z");
  CHECK(str(t.at("due_at")) == "2026-03-02T10:00:00Z");  // the clock plus the 24h SLA
  CHECK(str(t.at("channel")) == "api");
  CHECK(str(t.at("fields").at("order_id")) == "12345678");
  CHECK(str(t.at("requester").at("email")) == "ivan@example.com");
  CHECK(str(t.at("decision").at("source")) == "rules");
  CHECK(str(t.at("rules_version")).rfind("sha256:", 0) == 0);
}

TEST_CASE("a created ticket gets a readable ref and a Location naming its id", "[api]") {
  ApiHarness api;
  Response res = api.post_json("/api/v1/tickets", std::string(kDeliveryJson));
  REQUIRE(res.status == 201);
  auto t = body_json(res);
  const std::string ref = str(t.at("ref"));
  CHECK(std::regex_match(ref, std::regex("[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{3}")));
  CHECK(res.header("Location") == "/api/v1/tickets/" + std::to_string(t.at("id").as_int64()));
  CHECK(res.header("Idempotent-Replayed").empty());
}

TEST_CASE("a ticket no topic matches goes to the default topic with no due time", "[api]") {
  ApiHarness api;
  auto t = api.create(R"({"subject": "Question about your opening hours"})");
  CHECK(str(t.at("topic")) == "other");
  CHECK(str(t.at("department")) == "support");
  CHECK(t.at("due_at").is_null());
  CHECK(str(t.at("decision").at("source")) == "default");
}

TEST_CASE("an incomplete ticket is a 422 naming every missing field at once", "[api]") {
  ApiHarness api;
  Response res = api.post_json("/api/v1/tickets", R"({"subject": "The courier is late"})");
  auto p = problem_of(res, 422);
  CHECK(error_codes(p) == Codes{"order_id:missing", "name:missing", "phone|email:missing"});
  CHECK(str(p.at("topic")) == "delivery");
  CHECK(str(p.at("department")) == "logistics");
  auto list = body_json(api.get("/api/v1/tickets"));
  CHECK(list.at("tickets").as_array().empty());
}

TEST_CASE("a field that fails its pattern is a 422 with code invalid", "[api]") {
  ApiHarness api;
  Response res = api.post_json("/api/v1/tickets", R"({"subject": "The courier is late",
      "requester": {"name": "Ivan", "phone": "+79990001122"}, "fields": {"order_id": "1234"}})");
  auto p = problem_of(res, 422);
  CHECK(error_codes(p) == Codes{"order_id:invalid"});
  CHECK_THAT(str(p.at("errors").at(0).at("message")), Catch::Contains("\"1234\""));
}

TEST_CASE("a number sent for a string field is checked as its decimal text", "[api]") {
  ApiHarness api;
  auto t = api.create(R"({"subject": "The courier is late", "requester": {"name": "Ivan", "phone": "+79990001122"},
                          "fields": {"order_id": 12345678}})");
  CHECK(str(t.at("fields").at("order_id")) == "12345678");
}

TEST_CASE("either member of an at-least-one-of group satisfies it and neither is one error for the group",
          "[api]") {
  ApiHarness api;
  const std::string base = R"({"subject": "The courier is late", "fields": {"order_id": "12345678"}, )";
  CHECK(api.post_json("/api/v1/tickets", base + R"("requester": {"name": "Ivan", "phone": "+79990001122"}})")
            .status == 201);
  CHECK(api.post_json("/api/v1/tickets", base + R"("requester": {"name": "Ivan", "email": "i@example.com"}})")
            .status == 201);
  auto p = problem_of(api.post_json("/api/v1/tickets", base + R"("requester": {"name": "Ivan"}})"), 422);
  CHECK(error_codes(p) == Codes{"phone|email:missing"});
}

TEST_CASE("an unknown explicit topic is a 422 on the topic field listing the known ones", "[api]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "Hello", "topic": "deliveri"})"), 422);
  CHECK(error_codes(p) == Codes{"topic:unknown"});
  CHECK_THAT(str(p.at("errors").at(0).at("message")), Catch::Contains("delivery, refund, other"));
}

TEST_CASE("an explicit topic wins over the words and is recorded as the operator's choice", "[api]") {
  ApiHarness api;
  auto t = api.create(R"({"subject": "The courier is late", "topic": "refund",
      "requester": {"name": "Ivan", "email": "i@example.com"}, "fields": {"order_id": "12345678"}})");
  CHECK(str(t.at("topic")) == "refund");
  CHECK(str(t.at("department")) == "billing");
  CHECK(str(t.at("due_at")) == "2026-03-04T10:00:00Z");  // refund's 72h SLA
  CHECK(str(t.at("decision").at("source")) == "operator");
}

TEST_CASE("malformed JSON is a 400 giving the byte offset of the fault", "[api]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "a" "body": "b"})"), 400);
  CHECK_THAT(str(p.at("detail")), Catch::StartsWith("malformed JSON at byte 16:"));
  CHECK(error_codes(p) == Codes{":malformed"});
}

TEST_CASE("a JSON body that is not an object is a 400", "[api]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"(["subject"])"), 400);
  CHECK(error_codes(p) == Codes{":type"});
}

TEST_CASE("unknown ticket attributes are 422s naming each with its path", "[api]") {
  ApiHarness api;
  auto p = problem_of(
      api.post_json("/api/v1/tickets", R"({"subjekt": "x", "body": "y", "requester": {"mail": "a@b.c"}})"), 422);
  CHECK(error_codes(p) == Codes{"subjekt:unknown", "requester.mail:unknown"});
}

TEST_CASE("attributes of the wrong JSON type are 422s with code type", "[api]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": 5, "body": "text", "requester": "Ivan",
      "fields": {"order_id": ["12345678"]}})"),
                      422);
  CHECK(error_codes(p) == Codes{"subject:type", "requester:type", "fields.order_id:type"});
}

TEST_CASE("a ticket with neither subject nor body is a 422 on body", "[api]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "  ", "requester": {"name": "Ivan"}})"), 422);
  CHECK(error_codes(p) == Codes{"body:missing"});
}

TEST_CASE("a body that is neither JSON nor a form is a 415 naming what was sent", "[api]") {
  ApiHarness api;
  auto p = problem_of(api.send("POST", "/api/v1/tickets", "text/plain", "The courier is late"), 415);
  CHECK_THAT(str(p.at("detail")), Catch::Contains("\"text/plain\""));
  auto none = problem_of(api.send("POST", "/api/v1/tickets", "", "The courier is late"), 415);
  CHECK_THAT(str(none.at("detail")), Catch::Contains("(none)"));
}

TEST_CASE("the media type is matched without its parameters and case-insensitively", "[api]") {
  ApiHarness api;
  Response res = api.send("POST", "/api/v1/tickets", "Application/JSON; charset=utf-8",
                          R"({"subject": "A question"})");
  CHECK(res.status == 201);
}

TEST_CASE("a form post creates a ticket from fields of ID and name and email and phone", "[api]") {
  ApiHarness api;
  Response res = api.post_form("/api/v1/tickets",
                               "subject=The+courier+is+late&body=Nobody%20came&fields%5Border_id%5D=12345678"
                               "&name=Ivan+Petrov&email=ivan%40example.com&phone=%2B79990001122");
  REQUIRE(res.status == 201);
  auto t = body_json(res);
  CHECK(str(t.at("topic")) == "delivery");
  CHECK(str(t.at("subject")) == "The courier is late");
  CHECK(str(t.at("body")) == "Nobody came");
  CHECK(str(t.at("channel")) == "web");
  CHECK(str(t.at("fields").at("order_id")) == "12345678");
  CHECK(str(t.at("requester").at("name")) == "Ivan Petrov");
  CHECK(str(t.at("requester").at("email")) == "ivan@example.com");
  CHECK(str(t.at("requester").at("phone")) == "+79990001122");
}

TEST_CASE("a form's empty topic lets the rules decide", "[api]") {
  ApiHarness api;
  Response res = api.post_form("/api/v1/tickets", "subject=Opening+hours%3F&topic=");
  REQUIRE(res.status == 201);
  CHECK(str(body_json(res).at("decision").at("source")) == "default");
}

TEST_CASE("a form with a broken %-escape is a 400", "[api]") {
  ApiHarness api;
  problem_of(api.post_form("/api/v1/tickets", "subject=100%+late"), 400);
}

TEST_CASE("a subject over 1000 bytes is a 422 too_long", "[api]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": ")" + std::string(1001, 'x') + R"("})"), 422);
  CHECK(error_codes(p) == Codes{"subject:too_long"});
}

TEST_CASE("classify returns the decision with its trace and stores nothing", "[api]") {
  ApiHarness api;
  Response res = api.post_json("/api/v1/classify", R"({"subject": "Where is my refund?"})");
  REQUIRE(res.status == 200);
  auto d = body_json(res);
  CHECK(str(d.at("topic")) == "refund");
  CHECK(str(d.at("department")) == "billing");
  CHECK(str(d.at("source")) == "rules");
  CHECK(d.at("sla_seconds").as_int64() == 72 * 3600);
  CHECK(str(d.at("due_at")) == "2026-03-04T10:00:00Z");
  // The incomplete ticket is still classified; what it lacks is listed, not refused.
  CHECK(d.at("problems").as_array().size() == 3);
  // Only topics that could match are tried: the ticket never mentions delivery's keywords.
  const auto& trace = d.at("trace").as_array();
  REQUIRE(trace.size() == 1);
  CHECK(str(trace.at(0).at("topic")) == "refund");
  CHECK(trace.at(0).at("matched").as_bool() == true);
  const auto& match = trace.at(0).at("conditions").at(0).at("matches").at(0);
  CHECK(str(match.at("text")) == "refund");
  CHECK(str(match.at("field")) == "subject");
  CHECK(match.at("offset").as_int64() == 12);

  CHECK(body_json(api.get("/api/v1/tickets")).at("tickets").as_array().empty());
}

TEST_CASE("classify rejects an unknown explicit topic like create does", "[api]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/classify", R"({"subject": "x", "topic": "nope"})"), 422);
  CHECK(error_codes(p) == Codes{"topic:unknown"});
}

TEST_CASE("a retry with the same Idempotency-Key returns the first ticket marked as replayed", "[api]") {
  ApiHarness api;
  Response first = api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", "order-1-a"}});
  REQUIRE(first.status == 201);
  CHECK(first.header("Idempotent-Replayed").empty());
  api.set_clock(test_epoch() + std::chrono::minutes(5));
  Response again = api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", "order-1-a"}});
  REQUIRE(again.status == 201);
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(again.header("Location") == first.header("Location"));
  CHECK(body_json(again).at("id") == body_json(first).at("id"));
  CHECK(str(body_json(again).at("created_at")) == "2026-03-01T10:00:00Z");
  CHECK(body_json(api.get("/api/v1/tickets")).at("tickets").as_array().size() == 1);
}

TEST_CASE("reusing an Idempotency-Key for a different body is a 422 conflict", "[api]") {
  ApiHarness api;
  REQUIRE(api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", "k1"}}).status ==
          201);
  Response reused = api.post_json("/api/v1/tickets", R"({"subject": "Another question"})", {{"Idempotency-Key", "k1"}});
  auto p = problem_of(reused, 422);
  CHECK(error_codes(p) == Codes{"Idempotency-Key:conflict"});
  CHECK(body_json(api.get("/api/v1/tickets")).at("tickets").as_array().size() == 1);
}

TEST_CASE("an Idempotency-Key with spaces or over 255 bytes is a 400", "[api]") {
  ApiHarness api;
  auto spaced = problem_of(api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", "a b"}}),
                           400);
  CHECK(error_codes(spaced) == Codes{"Idempotency-Key:invalid"});
  auto long_key = problem_of(
      api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", std::string(256, 'k')}}), 400);
  CHECK(error_codes(long_key) == Codes{"Idempotency-Key:invalid"});
  CHECK(api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", std::string(255, 'k')}})
            .status == 201);
}

TEST_CASE("creates from many threads at once each get their own ticket", "[api]") {
  ApiHarness api;
  constexpr int kThreads = 8, kPerThread = 25;
  // Catch assertions are not thread-safe: threads only collect, the test thread checks.
  std::vector<std::future<Response>> answers;
  std::vector<std::shared_ptr<std::promise<Response>>> promises;
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    promises.push_back(std::make_shared<std::promise<Response>>());
    answers.push_back(promises.back()->get_future());
  }
  Request req = make_request("POST", "/api/v1/tickets");
  req.headers.set("Content-Type", "application/json");
  req.body = std::string(kDeliveryJson);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i)
        api.handle(req, [p = promises[t * kPerThread + i]](Response res) { p->set_value(std::move(res)); });
    });
  for (auto& t : threads) t.join();
  std::set<std::int64_t> ids;
  for (auto& answer : answers) {
    REQUIRE(answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    Response res = answer.get();
    REQUIRE(res.status == 201);
    ids.insert(body_json(res).at("id").as_int64());
  }
  CHECK(ids.size() == kThreads * kPerThread);
  CHECK(body_json(api.get("/api/v1/tickets?limit=500")).at("tickets").as_array().size() == kThreads * kPerThread);
}

}  // namespace
}  // namespace triaged::testing

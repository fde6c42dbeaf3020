// Api::handle() for reading: one ticket, lists, the schema, the queues, and the answers for
// paths and methods that do not exist.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "api_harness.h"

namespace triaged::testing {
namespace {

using Codes = std::vector<std::string>;

constexpr const char* kRefundJson = R"({"subject": "I want a refund",
    "requester": {"name": "Olga", "phone": "+79990001122"}, "fields": {"order_id": "87654321"}})";
constexpr const char* kOtherJson = R"({"subject": "Opening hours?"})";

std::vector<std::int64_t> ids_of(const boost::json::object& page) {
  std::vector<std::int64_t> ids;
  for (const auto& t : page.at("tickets").as_array()) ids.push_back(t.at("id").as_int64());
  return ids;
}

TEST_CASE("a ticket is found by its id with its created event", "[api]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  const auto id = created.at("id").as_int64();
  Response res = api.get("/api/v1/tickets/" + std::to_string(id));
  REQUIRE(res.status == 200);
  auto t = body_json(res);
  CHECK(t.at("id").as_int64() == id);
  CHECK(t.at("ref") == created.at("ref"));
  CHECK(str(t.at("subject")) == "The courier is late");
  CHECK(str(t.at("topic")) == "delivery");
  CHECK(str(t.at("decision").at("topic")) == "delivery");
  const auto& events = t.at("events").as_array();
  REQUIRE(events.size() == 1);
  CHECK(str(events.at(0).at("kind")) == "created");
  CHECK(str(events.at(0).at("at")) == "2026-03-01T10:00:00Z");
}

TEST_CASE("a ticket is found by its ref as printed and in lower case", "[api]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  std::string ref = str(created.at("ref"));
  CHECK(body_json(api.get("/api/v1/tickets/" + ref)).at("id") == created.at("id"));
  std::transform(ref.begin(), ref.end(), ref.begin(), [](unsigned char c) { return std::tolower(c); });
  Response lower = api.get("/api/v1/tickets/" + ref);
  REQUIRE(lower.status == 200);
  CHECK(body_json(lower).at("id") == created.at("id"));
}

TEST_CASE("an unknown id or ref is a 404", "[api]") {
  ApiHarness api;
  api.create(std::string(kDeliveryJson));
  auto p = problem_of(api.get("/api/v1/tickets/999"), 404);
  CHECK_THAT(str(p.at("detail")), Catch::Contains("999"));
  problem_of(api.get("/api/v1/tickets/ZZZ-ZZZ"), 404);
  problem_of(api.get("/api/v1/tickets/not-a-ref!"), 404);
}

TEST_CASE("the list is newest first and filters by department and topic and status", "[api]") {
  ApiHarness api;
  const auto d1 = api.create(std::string(kDeliveryJson)).at("id").as_int64();
  const auto r1 = api.create(kRefundJson).at("id").as_int64();
  const auto o1 = api.create(kOtherJson).at("id").as_int64();
  const auto d2 = api.create(std::string(kDeliveryJson)).at("id").as_int64();

  using Ids = std::vector<std::int64_t>;
  auto all = body_json(api.get("/api/v1/tickets"));
  CHECK(ids_of(all) == Ids{d2, o1, r1, d1});
  CHECK(all.at("next_cursor").is_null());
  CHECK(ids_of(body_json(api.get("/api/v1/tickets?department=logistics"))) == Ids{d2, d1});
  CHECK(ids_of(body_json(api.get("/api/v1/tickets?topic=refund"))) == Ids{r1});
  CHECK(ids_of(body_json(api.get("/api/v1/tickets?status=new&department=support"))) == Ids{o1});
  CHECK(ids_of(body_json(api.get("/api/v1/tickets?status=closed"))).empty());
}

TEST_CASE("a list is paged by limit and next_cursor until the cursor is null", "[api]") {
  ApiHarness api;
  std::vector<std::int64_t> created;
  for (int i = 0; i < 5; ++i) created.push_back(api.create(kOtherJson).at("id").as_int64());
  std::vector<std::int64_t> seen;
  std::string target = "/api/v1/tickets?limit=2";
  int pages = 0;
  for (;;) {
    auto page = body_json(api.get(target));
    ++pages;
    auto ids = ids_of(page);
    CHECK(ids.size() <= 2);
    seen.insert(seen.end(), ids.begin(), ids.end());
    if (page.at("next_cursor").is_null()) break;
    REQUIRE(pages < 5);
    target = "/api/v1/tickets?limit=2&cursor=" + str(page.at("next_cursor"));
  }
  CHECK(pages == 3);
  std::reverse(created.begin(), created.end());
  CHECK(seen == created);
}

TEST_CASE("a bad limit or an unknown parameter or a forged cursor is a 400 naming it", "[api]") {
  ApiHarness api;
  for (const char* limit : {"0", "501", "ten", "-1", ""}) {
    INFO("limit=" << limit);
    auto p = problem_of(api.get(std::string("/api/v1/tickets?limit=") + limit), 400);
    CHECK(error_codes(p) == Codes{"limit:invalid"});
  }
  CHECK(api.get("/api/v1/tickets?limit=500").status == 200);
  auto unknown = problem_of(api.get("/api/v1/tickets?dept=logistics"), 400);
  CHECK(error_codes(unknown) == Codes{"dept:unknown"});
  auto cursor = problem_of(api.get("/api/v1/tickets?cursor=garbage"), 400);
  CHECK(error_codes(cursor) == Codes{"cursor:invalid"});
  problem_of(api.get("/api/v1/tickets?department=%zz"), 400);
}

TEST_CASE("the schema lists topics and templates and fields including the implicit name and email and phone",
          "[api]") {
  ApiHarness api;
  Response res = api.get("/api/v1/schema");
  REQUIRE(res.status == 200);
  auto s = body_json(res);
  CHECK(str(s.at("name")) == "Test shop");
  CHECK(str(s.at("version")).rfind("sha256:", 0) == 0);

  std::vector<std::string> topics;
  for (const auto& t : s.at("topics").as_array()) topics.push_back(str(t.at("id")));
  CHECK(topics == std::vector<std::string>{"delivery", "refund", "other"});
  const auto& delivery = s.at("topics").at(0);
  CHECK(str(delivery.at("department")) == "logistics");
  CHECK(str(delivery.at("template")) == "order_problem");
  CHECK(str(delivery.at("priority")) == "high");
  CHECK(delivery.at("sla_seconds").as_int64() == 24 * 3600);
  CHECK(s.at("topics").at(2).at("default").as_bool());
  CHECK(s.at("topics").at(2).at("template").is_null());

  const auto& templates = s.at("templates").as_array();
  REQUIRE(templates.size() == 1);
  CHECK(boost::json::serialize(templates.at(0)) ==
        R"({"id":"order_problem","required":["order_id","name"],"optional":[],"at_least_one_of":[["phone","email"]]})");

  std::map<std::string, std::string> field_types;
  for (const auto& f : s.at("fields").as_array()) field_types[str(f.at("id"))] = str(f.at("type"));
  CHECK(field_types == std::map<std::string, std::string>{
                           {"order_id", "string"}, {"name", "string"}, {"email", "email"}, {"phone", "phone"}});
  CHECK(str(s.at("fields").at(0).at("pattern")) == R"(^\d{8}$)");

  std::vector<std::string> departments;
  for (const auto& d : s.at("departments").as_array()) departments.push_back(str(d.at("id")));
  CHECK(std::set<std::string>(departments.begin(), departments.end()) ==
        std::set<std::string>{"logistics", "billing", "support"});
}

TEST_CASE("queues list every department with its counts and zeros for the empty ones", "[api]") {
  ApiHarness api;
  api.create(std::string(kDeliveryJson));
  api.create(std::string(kDeliveryJson));
  api.create(kOtherJson);
  api.set_clock(test_epoch() + std::chrono::hours(25));  // past the deliveries' 24h SLA

  Response res = api.get("/api/v1/queues");
  REQUIRE(res.status == 200);
  std::map<std::string, boost::json::value> by_department;
  const auto queues = body_json(res);
  for (const auto& q : queues.at("queues").as_array()) by_department[str(q.at("department"))] = q;
  REQUIRE(by_department.size() == 3);

  const auto& logistics = by_department.at("logistics");
  CHECK(str(logistics.at("title")) == "Logistics");
  CHECK(logistics.at("open").as_int64() == 2);
  CHECK(logistics.at("overdue").as_int64() == 2);
  CHECK(boost::json::serialize(logistics.at("by_status")) == R"({"new":2})");
  CHECK(logistics.at("oldest_open_age_seconds").as_int64() == 25 * 3600);

  const auto& support = by_department.at("support");
  CHECK(support.at("open").as_int64() == 1);
  CHECK(support.at("overdue").as_int64() == 0);  // the default topic has no SLA

  const auto& billing = by_department.at("billing");
  CHECK(billing.at("open").as_int64() == 0);
  CHECK(billing.at("overdue").as_int64() == 0);
  CHECK(billing.at("by_status").as_object().empty());
  CHECK(billing.at("oldest_open_age_seconds").is_null());
}

TEST_CASE("health and readiness answer 200 to GET", "[api]") {
  ApiHarness api;
  CHECK(str(body_json(api.get("/healthz")).at("status")) == "ok");
  auto ready = body_json(api.get("/readyz"));
  CHECK(str(ready.at("status")) == "ready");
  CHECK(str(ready.at("rules_version")).rfind("sha256:", 0) == 0);
}

TEST_CASE("a method a resource does not have is a 405 with an Allow header", "[api]") {
  ApiHarness api;
  struct Case {
    std::string method;
    const char* target;
    const char* allow;
  };
  for (const Case& c : {Case{"DELETE", "/api/v1/tickets", "GET, POST"},
                        Case{"POST", "/api/v1/tickets/1", "GET"},
                        Case{"GET", "/api/v1/classify", "POST"},
                        Case{"PUT", "/api/v1/schema", "GET"},
                        Case{"POST", "/api/v1/queues", "GET"},
                        Case{"POST", "/healthz", "GET"}}) {
    INFO(c.method << " " << c.target);
    Response res = api.send(c.method, c.target, "application/json", "{}");
    problem_of(res, 405);
    CHECK(res.header("Allow") == c.allow);
  }
}

TEST_CASE("a path with no resource is a 404 naming the path", "[api]") {
  ApiHarness api;
  for (const char* target : {"/index.html", "/api/v1/ticket", "/api/v1/tickets/", "/api/v1/tickets/1/events", "/api/v2/schema"}) {
    INFO(target);
    auto p = problem_of(api.get(target), 404);
    CHECK(str(p.at("detail")) == std::string("no resource at ") + target);
  }
}

// Whether the connection stays open is the server's to say from the request (e2e/http_test.cpp:
// "a request that asks to close is answered and the connection closed"); no API answer asks
// to close it.
TEST_CASE("answers leave the connection open and are never cached", "[api]") {
  ApiHarness api;
  Request req = make_request("GET", "/healthz");
  req.keep_alive = false;
  Response closing = api.call(req);
  CHECK(closing.keep_alive);
  Response kept = api.get("/api/v1/schema");
  CHECK(kept.keep_alive);
  CHECK(kept.header("Cache-Control") == "no-store");
}

}  // namespace
}  // namespace triaged::testing

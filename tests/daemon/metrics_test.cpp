// The metrics registry's text format, and what the API records into it.
#include <catch2/catch.hpp>

#include "api_harness.h"
#include "common/metrics.h"

namespace triaged::testing {
namespace {

using Catch::Contains;
using daemon::Counter;
using daemon::Histogram;

TEST_CASE("a counter renders HELP and TYPE lines and escapes backslash quote and newline in label values", "[metrics]") {
  Counter c("demo_total", "Demo counter.", {"path", "kind"});
  c.inc({"a\\b\"c\nd", "x"});
  c.inc({"a\\b\"c\nd", "x"}, 2);
  std::string out;
  c.render(out);
  CHECK(out ==
        "# HELP demo_total Demo counter.\n"
        "# TYPE demo_total counter\n"
        "demo_total{path=\"a\\\\b\\\"c\\nd\",kind=\"x\"} 3\n");
}

TEST_CASE("a histogram renders cumulative buckets up to +Inf then sum and count", "[metrics]") {
  Histogram h("demo_seconds", "Demo histogram.", {"route"});
  h.observe({"/r"}, 0.0003);
  h.observe({"/r"}, 0.2);
  h.observe({"/r"}, 42);
  std::string out;
  h.render(out);
  CHECK_THAT(out, Contains("# TYPE demo_seconds histogram\n"));
  CHECK_THAT(out, Contains("demo_seconds_bucket{route=\"/r\",le=\"0.0005\"} 1\n"));
  CHECK_THAT(out, Contains("demo_seconds_bucket{route=\"/r\",le=\"0.1\"} 1\n"));
  CHECK_THAT(out, Contains("demo_seconds_bucket{route=\"/r\",le=\"0.25\"} 2\n"));
  CHECK_THAT(out, Contains("demo_seconds_bucket{route=\"/r\",le=\"10\"} 2\n"));
  CHECK_THAT(out, Contains("demo_seconds_bucket{route=\"/r\",le=\"+Inf\"} 3\n"));
  CHECK_THAT(out, Contains("demo_seconds_sum{route=\"/r\"} 42.2003\n"));
  CHECK_THAT(out, Contains("demo_seconds_count{route=\"/r\"} 3\n"));
  CHECK(out.find("le=\"0.0005\"") < out.find("le=\"2.5\""));
}

TEST_CASE("metrics after a created ticket and a 422 show tickets validation failures and queue depth", "[metrics]") {
  ApiHarness api;
  api.create(std::string(kDeliveryJson));
  problem_of(api.post_json("/api/v1/tickets", R"({"subject": "The courier is late"})"), 422);
  Response res = api.get("/metrics");
  REQUIRE(res.status == 200);
  CHECK(res.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  const std::string& body = res.body;
  CHECK_THAT(body, Contains("triaged_tickets_total{channel=\"api\",topic=\"delivery\",department=\"logistics\","
                            "outcome=\"created\"} 1\n"));
  CHECK_THAT(body, Contains("triaged_tickets_total{channel=\"api\",topic=\"delivery\",department=\"logistics\","
                            "outcome=\"rejected\"} 1\n"));
  CHECK_THAT(body, Contains("triaged_validation_failures_total{field=\"order_id\",code=\"missing\"} 1\n"));
  CHECK_THAT(body, Contains("triaged_http_requests_total{route=\"/api/v1/tickets\",method=\"POST\",status=\"201\"} 1\n"));
  CHECK_THAT(body, Contains("triaged_http_requests_total{route=\"/api/v1/tickets\",method=\"POST\",status=\"422\"} 1\n"));
  CHECK_THAT(body, Contains("triaged_http_request_duration_seconds_count{route=\"/api/v1/tickets\"} 2\n"));
  CHECK_THAT(body, Contains("triaged_routing_duration_seconds_count 2\n"));
  CHECK_THAT(body, Contains("triaged_queue_tickets{department=\"logistics\",status=\"new\"} 1\n"));
  CHECK_THAT(body, Contains("triaged_queue_overdue_tickets{department=\"billing\"} 0\n"));
}

TEST_CASE("an idempotent replay is counted as a duplicate ticket", "[metrics]") {
  ApiHarness api;
  for (int i = 0; i < 2; ++i)
    REQUIRE(api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", "k-1"}}).status == 201);
  CHECK_THAT(api.get("/metrics").body, Contains("department=\"logistics\",outcome=\"duplicate\"} 1\n"));
}

TEST_CASE("requests to unknown paths are counted under route other and ids under their template", "[metrics]") {
  ApiHarness api;
  CHECK(api.get("/no/such/path/12345").status == 404);
  CHECK(api.get("/api/v1/tickets/999").status == 404);
  CHECK(api.get("/api/v1/quarantine/7/raw").status == 404);
  const std::string body = api.get("/metrics").body;
  CHECK_THAT(body, Contains("triaged_http_requests_total{route=\"other\",method=\"GET\",status=\"404\"} 1\n"));
  CHECK_THAT(body, Contains("{route=\"/api/v1/tickets/{id}\",method=\"GET\",status=\"404\"} 1\n"));
  CHECK_THAT(body, Contains("{route=\"/api/v1/quarantine/{id}/raw\",method=\"GET\",status=\"404\"} 1\n"));
  CHECK(body.find("12345") == std::string::npos);
}

TEST_CASE("validation failure labels come from the rule set and a client chosen name counts as unknown", "[metrics]") {
  ApiHarness api;
  const std::string long_value(5000, 'x');
  problem_of(api.post_json("/api/v1/classify",
                           R"({"subject": "s", "zz_client_member": 1, "fields": {"zz_client_field": ")" + long_value +
                               R"(", "order_id": ")" + long_value + R"("}})"),
             422);
  const std::string body = api.get("/metrics").body;
  CHECK(body.find("zz_client") == std::string::npos);
  CHECK_THAT(body, Contains("triaged_validation_failures_total{field=\"unknown\",code=\"unknown\"} 1\n"));
  CHECK_THAT(body, Contains("triaged_validation_failures_total{field=\"unknown\",code=\"too_long\"} 1\n"));
  CHECK_THAT(body, Contains("triaged_validation_failures_total{field=\"fields.order_id\",code=\"too_long\"} 1\n"));
}

TEST_CASE("a ticket from a channel the daemon does not know is counted under channel other", "[metrics]") {
  ApiHarness api;
  std::string json(kDeliveryJson);
  json.insert(json.find('{') + 1, R"("channel": "zz-client-chan", )");
  REQUIRE(api.post_json("/api/v1/tickets", json).status == 201);
  const std::string body = api.get("/metrics").body;
  CHECK(body.find("zz-client-chan") == std::string::npos);
  CHECK_THAT(body, Contains("triaged_tickets_total{channel=\"other\",topic=\"delivery\""));
}

TEST_CASE("without a metrics registry the metrics endpoint is not found", "[metrics]") {
  ApiHarness api;
  daemon::ApiContext context;
  context.rules = [] { return std::shared_ptr<const routing::RuleSet>(); };
  context.store = &api.store();
  daemon::Api bare(std::move(context));
  std::optional<Response> answer;
  bare.handle(make_request("GET", "/metrics"), [&](Response res) { answer = std::move(res); });
  REQUIRE(answer);
  CHECK(answer->status == 404);
}

}  // namespace
}  // namespace triaged::testing

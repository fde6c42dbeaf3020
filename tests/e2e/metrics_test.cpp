// The real binary's /metrics after real traffic: what a Prometheus scraper sees.
#include <catch2/catch.hpp>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

using Catch::Contains;
using triaged::testing::kDeliveryJson;
using triaged::testing::kTestRules;

TEST_CASE("the daemon serves Prometheus metrics that count a ticket created over HTTP", "[e2e]") {
  TempDir dir;
  DaemonProcess daemon(dir, dir.write("rules.yaml", kTestRules));
  REQUIRE(http_post_json(daemon.port(), "/api/v1/tickets", std::string(kDeliveryJson)).status == 201);
  Reply metrics = http_get(daemon.port(), "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK_THAT(metrics.body, Contains("triaged_tickets_total{channel=\"api\",topic=\"delivery\",department=\"logistics\","
                                    "outcome=\"created\"} 1\n"));
  CHECK_THAT(metrics.body,
             Contains("triaged_http_requests_total{route=\"/api/v1/tickets\",method=\"POST\",status=\"201\"} 1\n"));
  CHECK_THAT(metrics.body, Contains("triaged_queue_tickets{department=\"logistics\",status=\"new\"} 1\n"));
  CHECK_THAT(metrics.body, Contains("triaged_rules_info{version=\""));
  CHECK_THAT(metrics.body, Contains("# TYPE triaged_http_request_duration_seconds histogram\n"));
}

}  // namespace
}  // namespace triaged::e2e

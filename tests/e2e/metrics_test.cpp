// The real binary's /metrics after real traffic: what a Prometheus scraper sees, and what
// promtool (Debian's, fetched by scripts/setup) makes of it.
#include <catch2/catch.hpp>

#include <string_view>

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

// A created ticket, a 422, a mail and a rule reload, then the scrape: every family the daemon
// records on those paths has samples, not only its HELP and TYPE lines.
std::string metrics_after_traffic(const TempDir& dir) {
  DaemonProcess daemon(dir, dir.write("rules.yaml", kTestRules));
  REQUIRE(http_post_json(daemon.port(), "/api/v1/tickets", std::string(kDeliveryJson)).status == 201);
  REQUIRE(http_post_json(daemon.port(), "/api/v1/tickets", R"({"subject": "The courier is late"})").status == 422);
  const std::string mail =
      "From: Olga <olga@example.com>\r\nTo: support@shop.example\r\nSubject: Where is my refund\r\n"
      "Message-ID: <metrics-1@example.com>\r\nDate: Tue, 01 Dec 2026 09:15:00 +0300\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n\r\nNo refund for order 87654321 yet.\r\n";
  REQUIRE(http_request(daemon.port(), http::verb::post, "/api/v1/ingest/email?mailbox=support@shop.example", mail,
                       "message/rfc822")
              .status == 201);
  REQUIRE(http_request(daemon.port(), http::verb::post, "/api/v1/admin/rules/reload").status == 200);
  Reply metrics = http_get(daemon.port(), "/metrics");
  REQUIRE(metrics.status == 200);
  return metrics.body;
}

TEST_CASE("the daemon's metrics pass promtool check metrics without a lint problem", "[e2e]") {
  if (std::string_view(TRIAGED_PROMTOOL).empty()) {
    WARN("triaged-test-skipped: no promtool when cmake configured this build (scripts/setup fetches it into "
         ".cache/promtool; configure again)");
    return;
  }
  TempDir dir;
  const std::string metrics = dir.write("metrics.txt", metrics_after_traffic(dir));
  // Exit 1 on a format error, 3 on lint problems (no HELP, a counter without _total, a
  // non-base unit...), each printed as a line; a clean exposition gives 0 and no output.
  ProgramResult check = run_program({TRIAGED_PROMTOOL, "check", "metrics"}, dir, 10s, metrics);
  INFO("promtool stdout:\n" << check.out << "\npromtool stderr:\n" << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.empty());
  CHECK(check.err.empty());
}

}  // namespace
}  // namespace triaged::e2e

// issue 17: another site's page and a DNS name pointed at this machine. The Host names the
// daemon answers to (http/host_check.h), and cross-origin or form-encoded state-changing
// requests refused before any endpoint runs, with and without API keys.
#include <string>
#include <vector>

#include "api_harness.h"
#include "common/digest.h"
#include "http/host_check.h"

namespace triaged::testing {
namespace {

using daemon::check_host;
using daemon::host_policy;

const std::string kShopKey = "tgd_shop_test_key";

Response send_from(ApiHarness& api, std::string_view content_type, std::string body,
                   std::initializer_list<std::pair<std::string, std::string>> headers,
                   const std::string& target = "/api/v1/tickets") {
  return api.send("POST", target, content_type, std::move(body), headers);
}

std::size_t tickets_stored(ApiHarness& api) {
  auto listed = boost::json::parse(api.get("/api/v1/tickets").body);
  return listed.at("tickets").as_array().size();
}

TEST_CASE("the default host policy answers localhost names and the listen address only", "[host_check]") {
  const auto policy = host_policy("10.1.2.3:8080", {});
  for (const char* host : {"localhost:8080", "LOCALHOST", "127.0.0.1:9", "[::1]:8080", "10.1.2.3:8080"})
    CHECK_FALSE(check_host(policy, host));
  auto refused = check_host(policy, "attacker.example:8080");
  REQUIRE(refused);
  CHECK(refused->status == 421);
  CHECK(refused->detail.find("attacker.example") != std::string::npos);
  CHECK(check_host(policy, "10.9.9.9"));
}

TEST_CASE("listening on a wildcard address answers any IP literal but no other name", "[host_check]") {
  const auto policy = host_policy("0.0.0.0:8080", {});
  CHECK_FALSE(check_host(policy, "192.168.1.20:8080"));
  CHECK_FALSE(check_host(policy, "[fe80::1]:8080"));
  CHECK(check_host(policy, "rebind.attacker.example:8080"));
}

TEST_CASE("configured hosts are answered whatever their case and a star answers every name", "[host_check]") {
  CHECK_FALSE(check_host(host_policy("127.0.0.1:8080", {"Helpdesk.Example.COM"}), "helpdesk.example.com"));
  CHECK(check_host(host_policy("127.0.0.1:8080", {"helpdesk.example.com"}), "other.example.com"));
  CHECK_FALSE(check_host(host_policy("127.0.0.1:8080", {"*"}), "anything.example"));
}

TEST_CASE("in open mode a form post from another origin is refused 403 and stores nothing", "[host_check]") {
  ApiHarness api;
  auto p = problem_of(send_from(api, "application/x-www-form-urlencoded", "subject=hi&body=courier+late",
                                {{"Host", "127.0.0.1:8080"}, {"Origin", "https://evil.example"}}),
                      403);
  CHECK(str(p.at("detail")).find("https://evil.example") != std::string::npos);
  CHECK(tickets_stored(api) == 0);
}

TEST_CASE("a POST that the browser marks cross-site without an Origin is refused", "[host_check]") {
  ApiHarness api;
  problem_of(api.post_json("/api/v1/tickets", std::string(kDeliveryJson),
                           {{"Host", "127.0.0.1:8080"}, {"Sec-Fetch-Site", "cross-site"}}),
             403);
  CHECK(tickets_stored(api) == 0);
}

TEST_CASE("a form post from the daemon's own page still creates a ticket", "[host_check]") {
  ApiHarness api;
  Response res = send_from(api, "application/x-www-form-urlencoded",
                           "subject=Courier&body=The+courier+is+late&fields%5Border_id%5D=12345678&name=Ivan&email=a%40b.example",
                           {{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8080"}, {"Sec-Fetch-Site", "same-origin"}});
  INFO(res.body);
  CHECK(res.status == 201);
}

TEST_CASE("text/plain is refused 415 on an endpoint that does not take form posts", "[host_check]") {
  ApiHarness api;
  // Without the guard the harness's missing rules admin would answer 503.
  auto p = problem_of(send_from(api, "text/plain", "topics: []", {}, "/api/v1/admin/rules/simulate"), 415);
  CHECK(str(p.at("detail")).find("text/plain") != std::string::npos);
  problem_of(send_from(api, "text/plain", "From: a@b.example\r\n\r\nhi", {}, "/api/v1/ingest/email"), 415);
  problem_of(send_from(api, "application/x-www-form-urlencoded", "subject=x", {}, "/api/v1/classify"), 415);
}

TEST_CASE("a POST without a body passes whatever form content type a client library adds", "[host_check]") {
  ApiHarness api;
  // curl -X POST with -d '' (and triagectl's reprocess) label an empty body urlencoded.
  CHECK(send_from(api, "application/x-www-form-urlencoded", "", {}, "/api/v1/admin/rules/reload").status == 503);
}

TEST_CASE("an origin in an API key's allowed_origins may still post across origins", "[host_check]") {
  ApiHarness api(kTestRules, {}, ":memory:",
                 {{"shop", daemon::sha256_hex(kShopKey), daemon::kIntake | daemon::kAgent, {}, {"https://shop.example"}}});
  Response res = api.post_json("/api/v1/tickets", std::string(kDeliveryJson),
                               {{"Host", "triaged.example"}, {"Origin", "https://shop.example"},
                                {"Sec-Fetch-Site", "cross-site"}, {"Authorization", "Bearer " + kShopKey}});
  CHECK(res.status == 201);
  CHECK(res.header("Access-Control-Allow-Origin") == "https://shop.example");
}

}  // namespace
}  // namespace triaged::testing

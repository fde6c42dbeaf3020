// The real binary's /metrics after real traffic: what a Prometheus scraper sees, what
// promtool (Debian's, fetched by scripts/setup) makes of it, and whether the example Grafana
// dashboard asks for metrics the daemon serves.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;
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

// Each family /metrics declares (its "# TYPE" line, samples or not) and its type.
std::map<std::string, std::string> metric_families(const std::string& exposition) {
  std::map<std::string, std::string> types;
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string hash, keyword, name, type;
    if (words >> hash >> keyword >> name >> type && hash == "#" && keyword == "TYPE") types[name] = type;
  }
  return types;
}

// Every value of `key` anywhere below `v`: panels, the panels of rows, their targets.
void collect(const json::value& v, std::string_view key, std::vector<json::value>& out) {
  if (const auto* object = v.if_object()) {
    for (const auto& [k, child] : *object) {
      if (k == key) out.push_back(child);
      collect(child, key, out);
    }
  } else if (const auto* array = v.if_array()) {
    for (const auto& child : *array) collect(child, key, out);
  }
}

// The triaged_ series names a PromQL expression reads (label values in quotes left out).
std::set<std::string> series_in(const std::string& expr) {
  static const std::regex kQuoted(R"("(\\.|[^"\\])*")");
  static const std::regex kName(R"(\btriaged_[A-Za-z0-9_:]*)");
  const std::string bare = std::regex_replace(expr, kQuoted, "\"\"");
  std::set<std::string> names;
  for (std::sregex_iterator it(bare.begin(), bare.end(), kName), end; it != end; ++it) names.insert(it->str());
  return names;
}

// A name the daemon serves: a family, or the _bucket, _sum or _count series of a histogram.
bool served(const std::string& name, const std::map<std::string, std::string>& families) {
  if (families.contains(name)) return true;
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (!name.ends_with(suffix)) continue;
    auto family = families.find(name.substr(0, name.size() - suffix.size()));
    if (family != families.end() && family->second == "histogram") return true;
  }
  return false;
}

TEST_CASE("every metric the example Grafana dashboard queries is one the daemon serves", "[e2e]") {
  const fs::path path = fs::path(TRIAGED_SOURCE_DIR) / "examples" / "grafana" / "triaged-dashboard.json";
  boost::system::error_code ec;
  const json::value dashboard = json::parse(read_file(path), ec);
  INFO(path.string());
  REQUIRE_FALSE(ec);
  TempDir dir;
  const auto families = metric_families(metrics_after_traffic(dir));

  std::vector<json::value> exprs;
  collect(dashboard, "expr", exprs);
  REQUIRE(exprs.size() >= 10);
  for (const auto& expr : exprs) {
    REQUIRE(expr.is_string());
    const std::string text(expr.as_string());
    INFO("expr: " << text);
    const auto names = series_in(text);
    CHECK_FALSE(names.empty());
    for (const auto& name : names) {
      INFO("metric: " << name);
      CHECK(served(name, families));
    }
  }
  // Exported for sharing: Grafana asks on import which data source ${DS_PROMETHEUS} is.
  CHECK(dashboard.at("__inputs").at(0).at("name") == "DS_PROMETHEUS");
  std::vector<json::value> sources;
  collect(dashboard, "datasource", sources);
  CHECK_FALSE(sources.empty());
  for (const auto& source : sources) {
    INFO("datasource: " << json::serialize(source));
    CHECK((source.is_object() && source.as_object().contains("uid") && source.at("uid") == "${DS_PROMETHEUS}"));
  }
}

}  // namespace
}  // namespace triaged::e2e

// GET /api/v1/stats: the period from the query, the figures as JSON, clear 400s.
#include <filesystem>

#include "api_harness.h"
#include "common/json_output.h"
#include "http/stats_output.h"

using namespace triaged;
using namespace triaged::testing;

namespace {

std::string temp_db() {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("triaged-stats-api-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db"))
      .string();
}

}  // namespace

TEST_CASE("the stats period defaults to the last 7 days and takes dates days or instants") {
  const auto now = test_epoch();
  auto p = daemon::stats_period({}, now);
  REQUIRE(p);
  CHECK(p->until == now);
  CHECK(p->since == now - std::chrono::days{7});
  p = daemon::stats_period({{"since", "2026-02-01"}, {"until", "2026-03-01T06:30:00Z"}}, now);
  REQUIRE(p);
  CHECK(daemon::format_time(p->since) == "2026-02-01T00:00:00Z");
  CHECK(daemon::format_time(p->until) == "2026-03-01T06:30:00Z");
  p = daemon::stats_period({{"days", "30"}}, now);
  REQUIRE(p);
  CHECK(p->since == now - std::chrono::days{30});
}

TEST_CASE("a bad stats period names the parameter") {
  const auto now = test_epoch();
  const std::pair<std::map<std::string, std::string>, std::string> cases[] = {
      {{{"since", "2026-02-30"}}, "since"},       {{{"since", "yesterday"}}, "since"},
      {{{"until", "2026-03-01T25:00:00Z"}}, "until"}, {{{"days", "0"}}, "days"},
      {{{"days", "many"}}, "days"},                {{{"days", "3"}, {"since", "2026-01-01"}}, "days"},
      {{{"since", "2026-04-01"}}, "since"},       {{{"from", "2026-01-01"}}, "from"}};
  for (const auto& [query, parameter] : cases) {
    auto p = daemon::stats_period(query, now);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().parameter == parameter);
  }
}

TEST_CASE("a stats date a time point cannot hold is a 400 naming the parameter") {
  const auto now = test_epoch();
  const std::pair<std::map<std::string, std::string>, std::string> cases[] = {
      {{{"since", "2300-01-01"}}, "since"},
      {{{"until", "9999-12-31T23:59:59Z"}}, "until"},
      {{{"since", "1000-01-01"}}, "since"},
      {{{"since", "2026-01-01"}, {"until", "2262-04-12"}}, "until"}};
  for (const auto& [query, parameter] : cases) {
    auto p = daemon::stats_period(query, now);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().parameter == parameter);
    CHECK(p.error().message.find("1970-01-01 to 2200-12-31") != std::string::npos);
  }
  ApiHarness api;
  auto problem = problem_of(api.get("/api/v1/stats?since=2300-01-01"), 400);
  CHECK(str(problem.at("errors").at(0).at("field")) == "since");
  problem = problem_of(api.get("/api/v1/stats?until=9999-12-31T23:59:59Z"), 400);
  CHECK(str(problem.at("errors").at(0).at("field")) == "until");
}

TEST_CASE("GET stats counts the tickets created over the API per department") {
  const std::string db = temp_db();
  {
    ApiHarness api(kTestRules, {}, db);
    api.create(std::string(kDeliveryJson));
    api.create(replace_once(kDeliveryJson, "12345678", "87654321"));
    api.set_clock(test_epoch() + std::chrono::hours(1));
    auto stats = body_json(api.get("/api/v1/stats?days=1"));
    CHECK(str(stats.at("until")) == "2026-03-01T11:00:00Z");
    CHECK(stats.at("all").at("tickets").as_int64() == 2);
    const auto& departments = stats.at("departments").as_array();
    REQUIRE(departments.size() == 1);
    const auto& d = departments[0].as_object();
    CHECK(d.at("tickets").as_int64() == 2);
    CHECK(d.at("first_action").at("median_seconds").is_null());
    CHECK(d.at("reroute_rate").as_double() == 0);
    CHECK(stats.at("agents").as_array().empty());
    // Both routed by the rules, none rerouted; no model loaded, so no opinion to disagree.
    const auto& routing = stats.at("routing");
    CHECK(routing.at("by_source").at("rules").at("tickets").as_int64() == 2);
    CHECK(routing.at("by_source").at("rules").at("reroute_rate").as_double() == 0);
    CHECK(routing.at("by_source").at("model").at("reroute_rate").is_null());
    CHECK(routing.at("model").at("opinions").as_int64() == 0);
    CHECK(routing.at("model").at("disagreement_rate").is_null());

    auto bad = problem_of(api.get("/api/v1/stats?since=soon"), 400);
    CHECK(error_codes(bad) == std::vector<std::string>{"since:invalid"});
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}

TEST_CASE("GET stats on an in-memory store answers 503") {
  ApiHarness api;
  problem_of(api.get("/api/v1/stats"), 503);
}

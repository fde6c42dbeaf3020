// Hot reload of the real daemon: the admin endpoints, the file watch, and a reload under
// continuous load that loses no request and never serves broken rules.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;
using triaged::testing::kDeliveryJson;
using triaged::testing::kTestRules;
using triaged::testing::replace_once;

std::string live_version(unsigned short port) {
  return std::string(json_of(http_get(port, "/readyz")).at("rules_version").as_string());
}

Reply post_yaml(unsigned short port, const std::string& target, std::string yaml = "") {
  return http_request(port, http::verb::post, target, std::move(yaml), yaml.empty() ? "" : "application/yaml");
}

TEST_CASE("the admin API shows the live rules and reloads good files while refusing broken ones", "[e2e][reload]") {
  TempDir dir;
  const std::string path = dir.write("rules.yaml", kTestRules);
  DaemonProcess triaged(dir, path);
  auto shown = json_of(http_get(triaged.port(), "/api/v1/admin/rules"));
  CHECK(shown.at("text").as_string() == kTestRules);
  CHECK(shown.at("source").as_string() == path);
  CHECK(shown.at("last_reload").is_null());
  const std::string v1(shown.at("version").as_string());

  write_file(path, replace_once(kTestRules, "sla: 24h", "sla: 48h"));
  auto good = post_yaml(triaged.port(), "/api/v1/admin/rules/reload");
  REQUIRE(good.status == 200);
  const std::string v2(json_of(good).at("version").as_string());
  CHECK(v2 != v1);
  CHECK(live_version(triaged.port()) == v2);

  write_file(path, replace_once(kTestRules, "department: billing\n", "department: finance\n"));
  auto broken = post_yaml(triaged.port(), "/api/v1/admin/rules/reload");
  CHECK(broken.status == 422);
  auto problem = json_of(broken);
  CHECK(problem.at("live_version").as_string() == v2);
  const auto& error = problem.at("errors").at(0).as_object();
  CHECK_THAT(std::string(error.at("field").as_string()), Catch::StartsWith(path + ":"));
  CHECK_THAT(std::string(error.at("message").as_string()), Catch::Contains("finance"));
  CHECK(live_version(triaged.port()) == v2);
  auto after = json_of(http_get(triaged.port(), "/api/v1/admin/rules"));
  CHECK(after.at("version").as_string() == v2);
  CHECK(after.at("last_reload").at("ok") == false);
  CHECK(after.at("last_reload").at("trigger") == "api");
}

TEST_CASE("validate checks a candidate rule set without touching the live one", "[e2e][reload]") {
  TempDir dir;
  DaemonProcess triaged(dir, dir.write("rules.yaml", kTestRules));
  const std::string live = live_version(triaged.port());
  auto bad = json_of(post_yaml(triaged.port(), "/api/v1/admin/rules/validate",
                               replace_once(kTestRules, "    priority: high\n", "    priorty: high\n")));
  CHECK(bad.at("valid") == false);
  CHECK_THAT(std::string(bad.at("errors").at(0).at("where").as_string()), Catch::StartsWith("candidate.yaml:"));
  auto good = json_of(post_yaml(triaged.port(), "/api/v1/admin/rules/validate", replace_once(kTestRules, "24h", "12h")));
  CHECK(good.at("valid") == true);
  CHECK(good.at("tests_passed") == 1);
  CHECK(good.at("version").as_string() != live);
  CHECK(live_version(triaged.port()) == live);
  CHECK(good.at("warnings").as_array().empty());
  // Lint runs as in `triagectl check`: a department nothing routes to is a warning, not an error.
  auto linted = json_of(post_yaml(triaged.port(), "/api/v1/admin/rules/validate",
                                  replace_once(kTestRules, "  support: { title: \"Support\" }\n",
                                               "  support: { title: \"Support\" }\n  legal: { title: \"Legal\" }\n")));
  CHECK(linted.at("valid") == true);
  REQUIRE(linted.at("warnings").as_array().size() == 1);
  CHECK(linted.at("warnings").at(0).at("code") == "unused-department");
  CHECK(http_request(triaged.port(), http::verb::post, "/api/v1/admin/rules/validate", "{}", "application/json").status == 415);
}

TEST_CASE("with --watch-rules a file replaced by rename is reloaded and a broken one is not", "[e2e][reload]") {
  TempDir dir;
  const std::string path = dir.write("rules.yaml", kTestRules);
  DaemonProcess triaged(dir, path, {"--watch-rules"});
  const std::string v1 = live_version(triaged.port());
  const auto wait_change = [&](const std::string& from) {
    for (int i = 0; i < 250; ++i, std::this_thread::sleep_for(20ms))
      if (live_version(triaged.port()) != from) return true;
    return false;
  };
  // How deploy tools and editors save: write a new file, rename it over the old one.
  write_file(dir.file("rules.yaml.new"), replace_once(kTestRules, "sla: 24h", "sla: 36h"));
  fs::rename(dir.file("rules.yaml.new"), path);
  REQUIRE(wait_change(v1));
  const std::string v2 = live_version(triaged.port());
  write_file(path, "topics: [\n");
  for (int i = 0; i < 100; ++i, std::this_thread::sleep_for(20ms)) {
    auto status = json_of(http_get(triaged.port(), "/api/v1/admin/rules"));
    if (status.at("last_reload").is_object() && status.at("last_reload").at("ok") == false) break;
  }
  auto status = json_of(http_get(triaged.port(), "/api/v1/admin/rules"));
  CHECK(status.at("last_reload").at("trigger") == "watch");
  CHECK(status.at("last_reload").at("ok") == false);
  CHECK(live_version(triaged.port()) == v2);
}

TEST_CASE("reloads under continuous load lose no request and every ticket records a good version", "[e2e][reload]") {
  TempDir dir;
  const std::string path = dir.write("rules.yaml", kTestRules);
  DaemonProcess triaged(dir, path);
  std::set<std::string> good_versions{live_version(triaged.port())};
  std::atomic<bool> stop{false};
  std::atomic<int> created{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&] {
      HttpConnection connection(triaged.port());
      while (!stop) {
        auto reply = connection.post_json("/api/v1/tickets", std::string(kDeliveryJson));
        (reply.status == 201 ? created : failed)++;
      }
    });
  }
  const auto reload_with = [&](const std::string& yaml) {
    std::this_thread::sleep_for(250ms);
    write_file(path, yaml);
    return post_yaml(triaged.port(), "/api/v1/admin/rules/reload");
  };
  auto r2 = reload_with(replace_once(kTestRules, "sla: 24h", "sla: 48h"));
  CHECK(r2.status == 200);
  good_versions.insert(std::string(json_of(r2).at("version").as_string()));
  CHECK(reload_with(replace_once(kTestRules, "department: billing\n", "department: finance\n")).status == 422);
  auto r3 = reload_with(replace_once(kTestRules, "sla: 24h", "sla: 72h"));
  CHECK(r3.status == 200);
  good_versions.insert(std::string(json_of(r3).at("version").as_string()));
  std::this_thread::sleep_for(250ms);
  stop = true;
  for (auto& t : clients) t.join();

  CHECK(failed == 0);
  REQUIRE(created > 0);
  // Every stored ticket names a version that was live, and each good version routed some.
  std::map<std::string, int> by_version;
  std::string cursor;
  int stored = 0;
  do {
    auto page = json_of(http_get(triaged.port(), "/api/v1/tickets?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    for (const auto& t : page.at("tickets").as_array()) {
      ++stored;
      ++by_version[std::string(t.at("rules_version").as_string())];
    }
    cursor = page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
  } while (!cursor.empty());
  CHECK(stored == created);
  for (const auto& [version, count] : by_version) {
    INFO(version << ": " << count);
    CHECK(good_versions.count(version) == 1);
  }
  CHECK(by_version.size() == 3);
}

}  // namespace
}  // namespace triaged::e2e

namespace triaged::e2e {
namespace {

TEST_CASE("simulate reports what a candidate rule set would change on the stored tickets", "[e2e][reload]") {
  TempDir dir;
  DaemonProcess triaged(dir, dir.write("rules.yaml", kTestRules));
  for (int i = 0; i < 5; ++i) REQUIRE(http_post_json(triaged.port(), "/api/v1/tickets", std::string(kDeliveryJson)).status == 201);
  // The candidate sends delivery problems to support instead of logistics.
  const std::string candidate = replace_once(kTestRules, "    department: logistics\n", "    department: support\n");
  auto reply = post_yaml(triaged.port(), "/api/v1/admin/rules/simulate?limit=3", candidate);
  REQUIRE(reply.status == 200);
  auto report = json_of(reply);
  CHECK(report.at("total") == 3);
  CHECK(report.at("department_changed") == 3);
  CHECK(report.at("topic_changed") == 0);
  CHECK(report.at("department_matrix").at("logistics").at("support") == 3);
  // The candidate's inline test still expects logistics: listed, not fatal.
  CHECK(report.at("failing_inline_tests").as_array().size() == 1);
  auto bad = post_yaml(triaged.port(), "/api/v1/admin/rules/simulate", "topics: [");
  CHECK(bad.status == 422);
  CHECK(post_yaml(triaged.port(), "/api/v1/admin/rules/simulate?limit=0", candidate).status == 400);
}

}  // namespace
}  // namespace triaged::e2e

// Starting and stopping the real triaged binary: persistence across restarts, refusing to
// start on a bad rule file or a busy port, and the rule set built into the binary.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cctype>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

using triaged::testing::kDeliveryJson;
using triaged::testing::kTestRules;
using triaged::testing::line_of;
using triaged::testing::replace_once;

// The "LINE:COL" that follows the first "<path>:" in `text`, or "" if there is none or the
// path is not followed by two colon-terminated numbers.
std::string location_after(const std::string& text, const std::string& path) {
  const std::size_t at = text.find(path + ":");
  if (at == std::string::npos) return "";
  std::size_t i = at + path.size() + 1;
  std::string out;
  for (int part = 0; part < 2; ++part) {
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i >= text.size() || text[i] != ':') return "";
    out += text.substr(start, i - start) + (part == 0 ? ":" : "");
    ++i;
  }
  return out;
}

// Runs triaged on `yaml` and expects it to refuse to start: exit code 1, nothing printed as
// listening, and the error on stderr located in the file and containing `message`.
// Returns the "LINE:COL" it gave.
std::string expect_refused(const std::string& yaml, const std::string& message) {
  TempDir dir;
  const std::string path = dir.write("bad-rules.yaml", yaml);
  auto result = run_program({binary("triaged"), "--listen", "127.0.0.1:0", "--db", dir.file("t.db"), "--rules", path},
                            dir);
  INFO("stderr:\n" << result.err);
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("listening") == std::string::npos);
  CHECK_THAT(result.err, Catch::Contains("rules not loaded"));
  CHECK_THAT(result.err, Catch::Contains(message));
  const std::string location = location_after(result.err, path);
  CHECK_FALSE(location.empty());
  return location;
}

TEST_CASE("tickets survive a restart on the same database and new ones get new ids", "[e2e]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", kTestRules);
  boost::json::object first;
  {
    DaemonProcess triaged(dir, rules);
    Reply created = http_post_json(triaged.port(), "/api/v1/tickets", std::string(kDeliveryJson));
    REQUIRE(created.status == 201);
    first = json_of(created);
    CHECK(triaged.stop() == 0);
  }
  DaemonProcess again(dir, rules);
  Reply read = http_get(again.port(), "/api/v1/tickets/" + std::to_string(first.at("id").as_int64()));
  REQUIRE(read.status == 200);
  auto stored = json_of(read);
  CHECK(stored.at("ref") == first.at("ref"));
  CHECK(stored.at("due_at") == first.at("due_at"));
  CHECK(stored.at("subject") == first.at("subject"));

  Reply second = http_post_json(again.port(), "/api/v1/tickets", std::string(kDeliveryJson));
  REQUIRE(second.status == 201);
  CHECK(json_of(second).at("id") != first.at("id"));
  CHECK(json_of(second).at("ref") != first.at("ref"));
  CHECK(json_of(http_get(again.port(), "/api/v1/tickets")).at("tickets").as_array().size() == 2);
}

TEST_CASE("SIGTERM stops triaged with exit code 0 and it says so", "[e2e]") {
  TempDir dir;
  DaemonProcess triaged(dir, dir.write("rules.yaml", kTestRules));
  REQUIRE(http_get(triaged.port(), "/healthz").status == 200);
  CHECK(triaged.stop() == 0);
  CHECK_THAT(triaged.stdout_text(), Catch::Contains("stopped"));
}

TEST_CASE("SIGHUP reloads the rule file while a broken file keeps the old rules serving", "[e2e]") {
  TempDir dir;
  const std::string path = dir.write("rules.yaml", kTestRules);
  DaemonProcess triaged(dir, path);
  auto version = [&] {
    return std::string(json_of(http_get(triaged.port(), "/readyz")).at("rules_version").as_string());
  };
  const std::string original = version();
  // Polls /readyz until the version differs from `old`, for at most 5 s.
  auto changed_from = [&](const std::string& old) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (version() != old) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };

  write_file(path, replace_once(kTestRules, "sla: 24h", "sla: 48h"));
  REQUIRE(::kill(triaged.pid(), SIGHUP) == 0);
  REQUIRE(changed_from(original));
  const std::string edited = version();
  auto decision = json_of(http_post_json(triaged.port(), "/api/v1/classify", R"({"subject": "courier"})"));
  CHECK(decision.at("sla_seconds").as_int64() == 48 * 3600);

  write_file(path, replace_once(kTestRules, "department: billing\n", "department: finance\n"));
  REQUIRE(::kill(triaged.pid(), SIGHUP) == 0);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (triaged.stdout_text().find("reload failed") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  CHECK_THAT(triaged.stdout_text(), Catch::Contains("reload failed"));
  // stdout is a pipe here, so the log lines are JSON and the quotes in them escaped.
  CHECK_THAT(triaged.stdout_text(), Catch::Contains(R"(unknown department \"finance\")"));
  CHECK(version() == edited);
  CHECK(http_get(triaged.port(), "/api/v1/schema").status == 200);
}

TEST_CASE("SIGTERM exits promptly even with an idle keep-alive connection and a half-sent request", "[e2e]") {
  TempDir dir;
  DaemonProcess triaged(dir, dir.write("rules.yaml", kTestRules));
  HttpConnection idle(triaged.port());
  REQUIRE(idle.get("/healthz").status == 200);
  HttpConnection half(triaged.port());
  half.send_raw("POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"sub");
  REQUIRE(http_get(triaged.port(), "/healthz").status == 200);  // both connections are accepted by now

  const auto started = std::chrono::steady_clock::now();
  CHECK(triaged.stop() == 0);
  // Neither connection is a request in flight, so the 10 s drain must not be waited out.
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(idle.closed_by_peer());
}

TEST_CASE("a rule file with an unknown key stops triaged with the key's file:line:column", "[e2e]") {
  const std::string yaml = replace_once(kTestRules, "    priority: high\n", "    priorty: high\n");
  REQUIRE(yaml != kTestRules);
  CHECK(expect_refused(yaml, "unknown key \"priorty\"") == std::to_string(line_of(yaml, "priorty")) + ":5");
}

TEST_CASE("a rule file naming an undefined department stops triaged with file:line:column", "[e2e]") {
  const std::string yaml = replace_once(kTestRules, "department: billing\n", "department: finance\n");
  REQUIRE(yaml != kTestRules);
  expect_refused(yaml, "unknown department \"finance\"");
}

TEST_CASE("a rule file with a broken regex stops triaged with file:line:column", "[e2e]") {
  const std::string yaml = replace_once(kTestRules, R"('^\d{8}$')", R"('^(\d{8}$')");
  REQUIRE(yaml != kTestRules);
  expect_refused(yaml, "invalid regex");
}

TEST_CASE("a rule file whose inline test fails stops triaged with the test's file:line:column", "[e2e]") {
  const std::string yaml = replace_once(kTestRules, "expect: { topic: delivery, department: logistics }",
                                        "expect: { topic: refund }");
  REQUIRE(yaml != kTestRules);
  expect_refused(yaml, "test \"a late courier is a delivery problem\" failed");
}

TEST_CASE("a busy --listen port makes triaged exit non-zero naming the address", "[e2e]") {
  SilentListener busy;
  const std::string address = "127.0.0.1:" + std::to_string(busy.port());
  TempDir dir;
  auto result = run_program({binary("triaged"), "--listen", address, "--db", dir.file("t.db"), "--rules",
                             dir.write("rules.yaml", kTestRules)},
                            dir);
  INFO("stderr:\n" << result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("cannot listen on " + address));
}

TEST_CASE("a --listen that is not HOST:PORT exits non-zero quoting it", "[e2e]") {
  TempDir dir;
  auto result = run_program({binary("triaged"), "--listen", "127.0.0.1:99999", "--db", dir.file("t.db"), "--rules",
                             dir.write("rules.yaml", kTestRules)},
                            dir);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("\"127.0.0.1:99999\""));
}

TEST_CASE("without --rules triaged serves the rule set built into it", "[e2e]") {
  TempDir dir;
  DaemonProcess triaged(dir, "");
  CHECK(http_get(triaged.port(), "/healthz").status == 200);
  Reply schema = http_get(triaged.port(), "/api/v1/schema");
  REQUIRE(schema.status == 200);
  auto s = json_of(schema);
  CHECK_FALSE(s.at("topics").as_array().empty());
  CHECK_FALSE(s.at("departments").as_array().empty());
  CHECK_THAT(triaged.stdout_text(), Catch::Contains("examples/eshop-ru/rules.yaml"));
}

}  // namespace
}  // namespace triaged::e2e

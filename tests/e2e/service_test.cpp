// Running triaged as a service (issue 7): the config file, API keys made by triagectl, JSON
// logs carrying the request id, and a backup of the live database.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <atomic>
#include <regex>
#include <thread>

#include "daemon_process.h"
#include "http_client.h"

using namespace triaged::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kTicket = R"({"subject": "Курьер не приехал", "body": "Заказ 12345678 так и не доставили",
  "requester": {"name": "Анна", "email": "anna@example.com", "phone": "+79161234567"}, "channel": "web"})";

// `triagectl key new` for `role`: the key and the config lines it printed.
std::pair<std::string, std::string> new_key(const TempDir& dir, const std::string& role, const std::string& name) {
  auto made = run_program({binary("triagectl"), "key", "new", "--role", role, "--name", name}, dir);
  REQUIRE(made.exit_code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(made.out, m, std::regex(R"(key: (tgd_[0-9a-f]{64})\n)")));
  const auto entry = made.out.find("  - name:");
  REQUIRE(entry != std::string::npos);
  return {m[1].str(), made.out.substr(entry)};
}

std::int64_t count_rows(const std::string& db_path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const std::int64_t n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

}  // namespace

TEST_CASE("keys made by triagectl key new guard the API once pasted into the config", "[e2e]") {
  TempDir dir;
  const auto [intake, intake_entry] = new_key(dir, "intake", "operators");
  const auto [agent, agent_entry] = new_key(dir, "agent", "board");
  CHECK(intake_entry.find("roles: [intake]") != std::string::npos);
  CHECK(intake_entry.find(intake) == std::string::npos);  // the config never holds the key
  // The config's listen address loses to the --listen flag DaemonProcess passes.
  const std::string config = dir.write("triaged.yaml", "listen: 127.0.0.1:1\napi_keys:\n" + intake_entry + agent_entry);
  DaemonProcess triaged(dir, "", {"--config", config});

  HttpConnection http(triaged.port());
  CHECK(http.post_json("/api/v1/tickets", kTicket).status == 401);
  CHECK(http.post_json("/api/v1/tickets", kTicket, {{"Authorization", "Bearer " + agent}}).status == 403);
  const Reply created = http.post_json("/api/v1/tickets", kTicket, {{"Authorization", "Bearer " + intake}});
  CHECK(created.status == 201);
  CHECK(http.request(http::verb::get, "/api/v1/queues", "", "", {{"Authorization", "Bearer " + agent}}).status == 200);
  CHECK(http.get("/healthz").status == 200);

  // stdout is not a terminal, so the log is JSON lines; the create's line names its request
  // id (also in the answer), the key and the status.
  const std::string id = created.header("X-Request-Id");
  REQUIRE(id.size() == 16);
  const std::string log = triaged.stdout_text();
  const auto at = log.find("\"request_id\":\"" + id + "\"");
  REQUIRE(at != std::string::npos);
  const std::string line = log.substr(log.rfind('\n', at) + 1, log.find('\n', at) - log.rfind('\n', at) - 1);
  CHECK(line.starts_with("{\"time\":\""));
  CHECK(line.find("\"msg\":\"request\"") != std::string::npos);
  CHECK(line.find("\"key\":\"operators\"") != std::string::npos);
  CHECK(line.find("\"status\":201") != std::string::npos);
  CHECK(log.find("2 API keys configured") != std::string::npos);
}

TEST_CASE("triaged --check-config names every error with its location and exits 1", "[e2e]") {
  TempDir dir;
  const std::string bad = dir.write("bad.yaml", "listen: 127.0.0.1:8080\nthreads: 0\nlog: {level: chatty}\n");
  auto checked = run_program({binary("triaged"), "--config", bad, "--check-config"}, dir);
  CHECK(checked.exit_code == 1);
  CHECK_THAT(checked.err, Catch::Contains(bad + ":2:10: \"threads\" must be a whole number from 1 to 256, got 0"));
  CHECK_THAT(checked.err, Catch::Contains(bad + ":3:14: unknown log level \"chatty\""));

  const std::string broken_rules = dir.write("rules.yaml", "topics: [\n");
  const std::string good = dir.write("good.yaml", "rules: rules.yaml\n");
  checked = run_program({binary("triaged"), "--config", good, "--check-config"}, dir);
  CHECK(checked.exit_code == 1);
  CHECK_THAT(checked.err, Catch::Contains(broken_rules + ":"));

  dir.write("rules.yaml", read_file(std::string(TRIAGED_SOURCE_DIR) + "/examples/eshop-ru/rules.yaml"));
  checked = run_program({binary("triaged"), "--config", good, "--check-config"}, dir);
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.out, Catch::Contains("good.yaml: OK"));
}

TEST_CASE("triagectl backup copies the live database while tickets keep arriving", "[e2e]") {
  TempDir dir;
  DaemonProcess triaged(dir, "");
  std::atomic<int> acknowledged{0};
  std::atomic<bool> done{false};
  {
    HttpConnection http(triaged.port());
    for (int i = 0; i < 200; ++i) REQUIRE(http.post_json("/api/v1/tickets", kTicket).status == 201);
  }
  std::thread load([&] {
    HttpConnection http(triaged.port());
    while (!done) {
      if (http.post_json("/api/v1/tickets", kTicket).status == 201) ++acknowledged;
    }
  });
  while (acknowledged < 20) std::this_thread::sleep_for(1ms);
  const int before = 200 + acknowledged.load();
  const std::string copy = dir.file("backup.db");
  auto backed = run_program({binary("triagectl"), "backup", "--db", dir.file("t.db"), "--out", copy}, dir);
  done = true;
  load.join();
  INFO(backed.err);
  REQUIRE(backed.exit_code == 0);
  CHECK_THAT(backed.out, Catch::Contains("integrity_check ok"));
  CHECK_THAT(backed.err, Catch::Contains("backup: 100%"));
  // Every ticket acknowledged before the backup began is in the copy, each with its decision
  // and created event; the copy is one moment's state, so its two tables agree.
  const std::int64_t tickets = count_rows(copy, "SELECT count(*) FROM tickets");
  CHECK(tickets >= before);
  CHECK(tickets <= 200 + acknowledged.load());
  CHECK(count_rows(copy, "SELECT count(*) FROM tickets WHERE decision_json = ''") == 0);
  CHECK(count_rows(copy, "SELECT count(*) FROM ticket_events WHERE kind = 'created'") == tickets);
  CHECK_FALSE(fs::exists(copy + ".partial"));
}

TEST_CASE("triagectl backup of a missing database fails and leaves no file", "[e2e]") {
  TempDir dir;
  auto backed = run_program({binary("triagectl"), "backup", "--db", dir.file("none.db"), "--out", dir.file("b.db")}, dir);
  CHECK(backed.exit_code != 0);
  CHECK_FALSE(fs::exists(dir.file("b.db")));
}

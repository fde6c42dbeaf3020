// Running triaged as a service (issue 7): the config file, API keys made by triagectl, JSON
// logs carrying the request id, and a backup of the live database.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <mutex>
#include <set>
#include <regex>
#include <thread>

#include "daemon_process.h"
#include "http_client.h"

using namespace triaged::e2e;
using namespace std::chrono_literals;

namespace {

// No email or phone: the tests post it hundreds of times, and one requester's repeats would
// be merged into the first ticket instead of each creating one.
const std::string kTicket = R"({"subject": "Курьер не приехал", "body": "Заказ 12345678 так и не доставили",
  "requester": {"name": "Анна"}, "channel": "web"})";

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

// A datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    std::copy(path.begin(), path.end(), addr.sun_path);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd_);
  }
  // The next message, "" after 10 s without one.
  std::string next() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  int fd_ = -1;
};

}  // namespace

TEST_CASE("triaged tells systemd when it is ready and reloading and stopping", "[e2e]") {
  TempDir dir;
  NotifySocket systemd(dir.file("notify.sock"));
  const std::string rules = dir.write("rules.yaml", read_file(std::string(TRIAGED_SOURCE_DIR) + "/examples/eshop-ru/rules.yaml"));
  DaemonProcess triaged(dir, rules);
  const std::string ready = systemd.next();
  CHECK_THAT(ready, Catch::StartsWith("READY=1\nSTATUS=serving on 127.0.0.1:0, rules sha256:"));
  REQUIRE(::kill(triaged.pid(), SIGHUP) == 0);
  CHECK_THAT(systemd.next(), Catch::StartsWith("RELOADING=1\nMONOTONIC_USEC="));
  CHECK_THAT(systemd.next(), Catch::StartsWith("READY=1"));
  CHECK(triaged.stop() == 0);
  CHECK_THAT(systemd.next(), Catch::StartsWith("STOPPING=1"));
}

TEST_CASE("SIGTERM under load loses no acknowledged ticket", "[e2e]") {
  TempDir dir;
  auto triaged = std::make_unique<DaemonProcess>(dir, "");
  const unsigned short port = triaged->port();
  std::mutex mutex;
  std::set<std::string> acknowledged;  // refs of 201 answers
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      // Each client posts until the daemon stops answering; a 503 while draining is fine, a
      // 201 is a promise.
      // A quiet connection: Catch's assertions must not run off the main thread, and the
      // connection ending is the expected way out.
      QuietConnection connection(port);
      while (auto res = connection.request(http::verb::post, "/api/v1/tickets", kTicket, "application/json")) {
        ++answered;
        if (res->status != 201) continue;
        std::lock_guard lock(mutex);
        acknowledged.insert(std::string(boost::json::parse(res->body).at("ref").as_string()));
      }
    });
  }
  while (answered < 200) std::this_thread::sleep_for(1ms);
  REQUIRE(::kill(triaged->pid(), SIGTERM) == 0);
  for (auto& t : clients) t.join();
  CHECK(triaged->wait_for_exit() == 0);
  triaged.reset();
  REQUIRE(acknowledged.size() >= 200);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(dir.file("t.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT ref FROM tickets", -1, &stmt, nullptr) == SQLITE_OK);
  std::set<std::string> stored;
  while (sqlite3_step(stmt) == SQLITE_ROW) stored.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::vector<std::string> lost;
  std::ranges::set_difference(acknowledged, stored, std::back_inserter(lost));
  INFO(lost.size() << " acknowledged tickets missing, e.g. " << (lost.empty() ? "" : lost.front()));
  CHECK(lost.empty());
}

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

TEST_CASE("the example config in examples passes --check-config", "[e2e]") {
  TempDir dir;
  const std::string example = std::string(TRIAGED_SOURCE_DIR) + "/examples/triaged.yaml";
  auto checked = run_program({binary("triaged"), "--config", example, "--check-config"}, dir);
  INFO(checked.err);
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.out, Catch::Contains("4 API keys"));
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

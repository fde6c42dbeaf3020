// Rule sets shared by two real triaged nodes on one PostgreSQL (issue 20): a reload through the
// admin API on one node is served by the other within 2 s, a broken one changes nothing
// anywhere, a node restarted with an older file serves the cluster's set and says so, and a
// node on which the cluster's set does not load keeps its own and reports the mismatch. Runs
// in the "e2e on postgresql" pass, which ctest gives a throw-away server (e2e/postgresql.cmake);
// elsewhere each case says it was skipped.
#ifdef TRIAGED_TEST_POSTGRES

#include <catch2/catch.hpp>

#include <cstdio>

#include "../daemon/test_rules.h"
#include "../storage/store_test_support.h"
#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;
using triaged::testing::kTestRules;
using triaged::testing::replace_once;

// A database of the test's own: a fresh schema on the test server (the storage suite's
// helper, tests/storage/pg_test_database.cpp), named in every node's URL.
std::string fresh_database_url() { return storage::test::fresh_postgres_url(); }

// Runs `sql` on the test's database, as a node of a newer build would write it.
void run_sql(const std::string& url, const std::string& sql) {
  storage::test::PgRaw* raw = storage::test::pg_raw_open(url);
  const int failed = storage::test::pg_raw_exec(raw, sql);
  storage::test::pg_raw_close(raw);
  REQUIRE(failed == 0);
}

// `triaged --listen 127.0.0.1:0 --db URL --rules FILE --status-secret-file ...`: one node, its
// rule file its own, as on another host. Stops with SIGTERM.
class Node {
 public:
  Node(const TempDir& dir, const std::string& db_url, const std::string& name)
      : dir_(dir), name_(name),
        // Every node signs status links with one secret; there is no file "beside" a URL.
        process_(dir, rules_path(), {"--db", db_url, "--status-secret-file", dir.file("status-secret")}) {}

  int stop() { return process_.stop(); }
  unsigned short port() const { return process_.port(); }
  std::string log() const { return process_.stdout_text() + process_.stderr_text(); }
  std::string rules_path() const { return dir_.file(name_ + "-rules.yaml"); }

  json::object ready() const { return json_of(http_get(port(), "/readyz")); }
  std::string version() const { return std::string(ready().at("rules_version").as_string()); }
  json::object cluster() const { return ready().at("cluster").as_object(); }
  std::string topic_of(const std::string& subject) const {
    auto reply = http_post_json(port(), "/api/v1/classify", R"({"subject": ")" + subject + R"(", "body": "help"})");
    return reply.status == 200 ? std::string(json_of(reply).at("topic").as_string()) : "";
  }
  std::string metrics() const { return http_get(port(), "/metrics").body; }
  Reply reload() const { return http_request(port(), http::verb::post, "/api/v1/admin/rules/reload"); }

 private:
  const TempDir& dir_;
  std::string name_;
  DaemonProcess process_;
};

bool skipped() {
  if (storage::test::postgres_under_test()) return false;
  WARN("triaged-test-skipped: no PostgreSQL test server (the \"e2e on postgresql\" pass has one)");
  return true;
}

// Until `done()` or `limit` passes; true when it held.
template <typename Done>
bool eventually(Done done, std::chrono::milliseconds limit) {
  for (const auto until = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < until;) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

// The test rules with "parcel" as a delivery word: a parcel ticket, "other" under the test
// rules, is a delivery problem under these.
const std::string kParcelRules = replace_once(kTestRules, "words: [courier, delivery]", "words: [courier, delivery, parcel]");

// Two nodes on a fresh database, each with the test rules as its own file.
struct TwoNodes {
  TempDir dir;
  std::string db = fresh_database_url();
  bool written = (write_file(dir.file("a-rules.yaml"), kTestRules), write_file(dir.file("b-rules.yaml"), kTestRules), true);
  Node a{dir, db, "a"};
  Node b{dir, db, "b"};
};

}  // namespace

TEST_CASE("a rule reload on one node is served by the other within two seconds", "[e2e][postgresql][rulesets]") {
  if (skipped()) return;
  TwoNodes nodes;
  Node& a = nodes.a;
  Node& b = nodes.b;
  const std::string v1 = a.version();
  CHECK(b.version() == v1);
  CHECK(b.cluster().at("version").as_string() == v1);
  CHECK(b.cluster().at("in_sync") == true);
  CHECK(b.topic_of("My parcel is lost") == "other");

  write_file(a.rules_path(), kParcelRules);
  const auto reloaded_at = std::chrono::steady_clock::now();
  auto reply = a.reload();
  REQUIRE(reply.status == 200);
  const std::string v2(json_of(reply).at("version").as_string());
  REQUIRE(v2 != v1);
  const bool served = eventually([&] { return b.version() == v2 && b.topic_of("My parcel is lost") == "delivery"; }, 5s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - reloaded_at);
  std::printf("rules_cluster: a reload on node A was served by node B after %lld ms\n", static_cast<long long>(took.count()));
  REQUIRE(served);
  CHECK(took < 2s);

  // B routes with it and records it on its tickets; its metrics and admin status say where it came from.
  auto created = http_post_json(b.port(), "/api/v1/tickets",
                                R"({"subject": "My parcel is lost", "body": "It never came",
                                    "requester": {"name": "Ivan", "email": "ivan@example.com"},
                                    "fields": {"order_id": "12345678"}})");
  REQUIRE(created.status == 201);
  CHECK(json_of(created).at("rules_version").as_string() == v2);
  CHECK(json_of(created).at("topic") == "delivery");
  const std::string metrics = b.metrics();
  CHECK_THAT(metrics, Catch::Contains("triaged_rules_info{version=\"" + v2 + "\""));
  CHECK_THAT(metrics, Catch::Contains("triaged_rules_cluster_info{version=\"" + v2 + "\"} 1"));
  CHECK_THAT(metrics, Catch::Contains("triaged_rules_cluster_mismatch 0"));
  auto status = json_of(http_get(b.port(), "/api/v1/admin/rules"));
  CHECK(status.at("last_reload").at("trigger") == "cluster");
  CHECK(status.at("text").as_string() == kParcelRules);
  CHECK(status.at("cluster").at("file_version").as_string() == v1);  // B's own file is still the old one
}

TEST_CASE("a broken rule set reloaded on one node is refused there and changes nothing on the other", "[e2e][postgresql][rulesets]") {
  if (skipped()) return;
  TwoNodes nodes;
  Node& a = nodes.a;
  Node& b = nodes.b;
  const std::string v1 = a.version();
  write_file(a.rules_path(), replace_once(kTestRules, "department: billing\n", "department: finance\n"));
  auto reply = a.reload();
  CHECK(reply.status == 422);
  CHECK(json_of(reply).at("live_version").as_string() == v1);
  // Long enough for an announcement to have arrived, were there one.
  std::this_thread::sleep_for(1s);
  CHECK(a.version() == v1);
  CHECK(b.version() == v1);
  CHECK(a.cluster().at("version").as_string() == v1);
  CHECK(b.cluster().at("version").as_string() == v1);
  CHECK(b.cluster().at("in_sync") == true);
  CHECK(json_of(http_get(b.port(), "/api/v1/admin/rules")).at("last_reload").is_null());
}

TEST_CASE("a node restarted with an older rules file serves the cluster's rules and says its file differs", "[e2e][postgresql][rulesets]") {
  if (skipped()) return;
  TempDir dir;
  const std::string db = fresh_database_url();
  write_file(dir.file("a-rules.yaml"), kTestRules);
  write_file(dir.file("b-rules.yaml"), kTestRules);
  Node a(dir, db, "a");
  std::optional<Node> b;
  b.emplace(dir, db, "b");
  const std::string v1 = a.version();
  write_file(a.rules_path(), kParcelRules);
  auto reply = a.reload();
  REQUIRE(reply.status == 200);
  const std::string v2(json_of(reply).at("version").as_string());
  REQUIRE(eventually([&] { return b->version() == v2; }, 5s));
  CHECK(b->stop() == 0);
  b.reset();

  // B's file is still v1: the database's set wins, and B says its file differs.
  b.emplace(dir, db, "b");
  CHECK(b->version() == v2);
  CHECK(b->topic_of("My parcel is lost") == "delivery");
  const auto cluster = b->cluster();
  CHECK(cluster.at("version").as_string() == v2);
  CHECK(cluster.at("in_sync") == true);
  CHECK(cluster.at("file_version").as_string() == v1);
  CHECK_THAT(b->log(), Catch::Contains("serving the cluster's"));
  // A reload on B makes its file the cluster's again, and A follows.
  REQUIRE(b->reload().status == 200);
  CHECK(eventually([&] { return a.version() == v1; }, 5s));
  CHECK(b->cluster().at("file_version").is_null());
}

TEST_CASE("a cluster rule set that does not load on a node leaves it on its own rules and it reports the mismatch", "[e2e][postgresql][rulesets]") {
  if (skipped()) return;
  TwoNodes nodes;
  Node& a = nodes.a;
  Node& b = nodes.b;
  const std::string v1 = b.version();
  // What a node of a newer build would publish: a key this build does not know.
  std::string future = std::string(kTestRules) + "future_setting: on\n";
  for (std::size_t at = future.find('\''); at != std::string::npos; at = future.find('\'', at + 2)) future.insert(at, "'");
  run_sql(nodes.db, "INSERT INTO rule_sets (version, name, source, text, first_loaded_at) VALUES "
              "('sha256:future', 'Test shop', '/srv/new/rules.yaml', '" + future + "', 0); "
              "UPDATE active_rule_set SET version = 'sha256:future', generation = generation + 1, "
              "published_by = 'newer-node:8080'; "
              "SELECT pg_notify('triaged_rule_set', current_schema() || ' sha256:future')");
  REQUIRE(eventually([&] { return b.cluster().at("version") == "sha256:future"; }, 5s));
  const auto cluster = b.cluster();
  CHECK(b.version() == v1);
  CHECK(cluster.at("in_sync") == false);
  CHECK(cluster.at("published_by") == "newer-node:8080");
  CHECK_THAT(std::string(cluster.at("problem").as_string()), Catch::Contains("does not load on this node"));
  CHECK_THAT(std::string(cluster.at("problem").as_string()), Catch::Contains("future_setting"));
  CHECK_THAT(b.metrics(), Catch::Contains("triaged_rules_cluster_mismatch 1"));
  auto status = json_of(http_get(b.port(), "/api/v1/admin/rules"));
  CHECK(status.at("last_reload").at("trigger") == "cluster");
  CHECK(status.at("last_reload").at("ok") == false);
  CHECK(b.ready().at("status") == "ready");

  // A good set published on A brings B back in line.
  write_file(a.rules_path(), kParcelRules);
  REQUIRE(a.reload().status == 200);
  CHECK(eventually([&] { return b.cluster().at("in_sync") == true && b.version() == a.version(); }, 5s));
  CHECK_THAT(b.metrics(), Catch::Contains("triaged_rules_cluster_mismatch 0"));
}

}  // namespace triaged::e2e

#endif  // TRIAGED_TEST_POSTGRES

// The real triagectl judging rules on a real daemon's database: replay of a changed rule
// set, coverage with staff reroutes made over HTTP, both beside the running daemon and after
// it stopped; and replay at 10,000 tickets with its progress lines.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"
#include "common/json_output.h"
#include "rules/rules.h"
#include "storage/ticket_store.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;
using triaged::testing::kDeliveryJson;
using triaged::testing::kTestRules;
using triaged::testing::replace_once;

constexpr const char* kRefundJson = R"({"subject": "I want a refund",
    "requester": {"name": "Olga", "phone": "+79990001122"}, "fields": {"order_id": "87654321"}})";
constexpr const char* kOtherJson = R"({"subject": "Opening hours?", "body": "When do you open on Sunday"})";

// The test rules with the refund topic sent to support instead of billing.
std::string refund_to_support() {
  const std::string changed = replace_once(kTestRules, "    department: billing\n", "    department: support\n");
  REQUIRE(changed != std::string(kTestRules));
  return changed;
}

json::object parse_object(const std::string& text) {
  INFO(text);
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

std::int64_t created_id(HttpConnection& http, const char* body) {
  Reply reply = http.post_json("/api/v1/tickets", body);
  INFO(reply.body);
  REQUIRE(reply.status == 201);
  return parse_object(reply.body).at("id").as_int64();
}

ProgramResult triagectl(const TempDir& dir, std::vector<std::string> args,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  args.insert(args.begin(), binary("triagectl"));
  auto result = run_program(args, dir, timeout);
  INFO("stderr:\n" << result.err);
  REQUIRE(result.exit_code == 0);
  return result;
}

void check_replay(const json::object& report, std::int64_t total) {
  CHECK(report.at("total").as_int64() == total);
  CHECK(report.at("department_changed").as_int64() == 3);
  CHECK(report.at("topic_changed").as_int64() == 1);
  CHECK(report.at("newly_incomplete").as_int64() == 0);
  const auto& matrix = report.at("department_matrix").as_object();
  CHECK(matrix.at("logistics").at("logistics").as_int64() == 3);
  CHECK(matrix.at("billing").at("support").as_int64() == 3);
  CHECK(matrix.at("support").at("support").as_int64() == 1);
  CHECK(matrix.size() == 3);
  const auto& changes = report.at("department_transitions").as_array();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].at("from") == "billing");
  CHECK(changes[0].at("to") == "support");
  CHECK(changes[0].at("tickets").as_int64() == 3);
  CHECK(changes[0].at("examples").as_array().size() == 3);
  const auto& topics = report.at("topic_transitions").as_array();
  REQUIRE(topics.size() == 1);
  CHECK(topics[0].at("from") == "refund");
  CHECK(topics[0].at("to") == "other");
}

TEST_CASE("replay and coverage judge rules on tickets created and rerouted over HTTP", "[e2e][db-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", kTestRules);
  const std::string candidate = dir.write("candidate.yaml", refund_to_support());
  const std::string db = dir.file("t.db");
  DaemonProcess daemon(dir, rules);
  HttpConnection http(daemon.port());
  for (int i = 0; i < 3; ++i) created_id(http, kDeliveryJson.data());
  for (int i = 0; i < 2; ++i) created_id(http, kRefundJson);
  const std::int64_t question = created_id(http, kOtherJson);
  created_id(http, kOtherJson);
  Reply rerouted = http.post_json("/api/v1/tickets/" + std::to_string(question) + "/reroute",
                                  R"({"topic": "refund", "reason": "asks about a refund", "actor": "olga"})");
  INFO(rerouted.body);
  REQUIRE(rerouted.status == 200);

  // Beside the running daemon, which holds the database open for writing.
  auto coverage = parse_object(triagectl(dir, {"coverage", "--db", db, "--json", "--rules", rules}).out);
  CHECK(coverage.at("tickets").as_int64() == 7);
  CHECK(coverage.at("by_default").as_int64() == 2);
  CHECK(coverage.at("by_rules").as_int64() == 5);
  CHECK(coverage.at("default_share").as_double() == Approx(2.0 / 7).epsilon(0.001));
  CHECK(coverage.at("below_target") == true);
  CHECK(coverage.at("rerouted").as_int64() == 1);
  CHECK(coverage.at("never_matched").as_array().empty());
  bool saw_other = false;
  for (const auto& t : coverage.at("topics").as_array()) {
    if (t.at("topic") != "other") continue;
    saw_other = true;
    CHECK(t.at("tickets").as_int64() == 2);
    CHECK(t.at("rerouted").as_int64() == 1);
    CHECK(t.at("rerouted_share").as_double() == Approx(0.5));
    REQUIRE(t.at("destinations").as_array().size() == 1);
    CHECK(t.at("destinations").at(0).at("topic") == "refund");
    CHECK(t.at("destinations").at(0).at("department") == "billing");
  }
  CHECK(saw_other);

  auto replay = triagectl(dir, {"replay", "--db", db, "--rules", candidate, "--json"});
  // The rerouted ticket sits in refund/billing now; the candidate classifies it as other.
  check_replay(parse_object(replay.out), 7);
  CHECK_THAT(replay.err, Catch::Contains("replayed 7/7"));

  REQUIRE(daemon.stop() == 0);
  // After the daemon has gone (and with it the WAL's shared-memory file).
  check_replay(parse_object(triagectl(dir, {"replay", "--db", db, "--rules", candidate, "--json"}).out), 7);
  auto limited = parse_object(triagectl(dir, {"replay", "--db", db, "--rules", candidate, "--json", "--limit", "2"}).out);
  CHECK(limited.at("total").as_int64() == 2);
  auto text = triagectl(dir, {"replay", "--db", db, "--rules", candidate});
  CHECK_THAT(text.out, Catch::Contains("Replayed 7 tickets") && Catch::Contains("billing  ->  support"));
  auto recent = parse_object(triagectl(dir, {"coverage", "--db", db, "--json", "--since", "1h"}).out);
  CHECK(recent.at("tickets").as_int64() == 7);
  CHECK(recent.at("rules").is_null());
}

TEST_CASE("replay and coverage refuse a bad duration a missing database and a broken rule set", "[e2e][db-cli]") {
  TempDir dir;
  const std::string rules = dir.write("rules.yaml", kTestRules);
  const std::string broken = dir.write("broken.yaml", replace_once(kTestRules, "department: billing\n", "department: x\n"));
  auto bad_since = run_program({binary("triagectl"), "coverage", "--db", rules, "--since", "30 days"}, dir);
  CHECK(bad_since.exit_code != 0);
  CHECK_THAT(bad_since.err, Catch::Contains("--since"));
  auto no_db = run_program({binary("triagectl"), "replay", "--db", dir.file("none.db"), "--rules", rules}, dir);
  CHECK(no_db.exit_code != 0);
  {
    storage::StoreOptions options;
    options.path = dir.file("t.db");
    options.create_if_missing = true;
    REQUIRE(storage::TicketStore::open(options));
  }
  auto bad_rules = run_program({binary("triagectl"), "replay", "--db", dir.file("t.db"), "--rules", broken}, dir);
  CHECK(bad_rules.exit_code == 1);
  CHECK_THAT(bad_rules.err, Catch::Contains("unknown department \"x\""));
}

// 10,000 tickets routed by the test rules, written in-process through the store's batches.
void fill(const std::string& path, int count) {
  auto loaded = rules::load_rules_text(kTestRules, "rules.yaml");
  REQUIRE(loaded);
  storage::StoreOptions options;
  options.path = path;
  options.create_if_missing = true;
  options.queue_limit = static_cast<std::size_t>(count) + 1;
  auto store = storage::TicketStore::open(options);
  REQUIRE(store);
  std::mutex mutex;
  std::condition_variable done;
  int answered = 0, failed = 0;
  const auto start = std::chrono::system_clock::now() - std::chrono::hours(1);
  const char* subjects[] = {"The courier is late", "I want a refund", "Opening hours?", "Delivery never came"};
  for (int i = 0; i < count; ++i) {
    storage::NewTicket t;
    t.ticket.subject = subjects[i % 4];
    t.ticket.body = "Ticket number " + std::to_string(i);
    t.ticket.channel = "api";
    t.ticket.requester = {"Ivan", "ivan@example.com", ""};
    t.ticket.fields = {{"order_id", "12345678"}};
    t.received_at = start + std::chrono::milliseconds(i);
    const routing::Decision d = routing::route(*loaded->rules, t.ticket, t.received_at);
    t.topic = d.topic;
    t.department = d.department;
    t.priority = d.priority;
    t.rules_version = loaded->version;
    t.decision_json = json::serialize(daemon::decision_to_json(d));
    t.request_hash = std::to_string(i);
    (*store)->create(std::move(t), [&](storage::Result<storage::CreateOutcome> r) {
      std::lock_guard lock(mutex);
      ++answered;
      failed += r ? 0 : 1;
      done.notify_one();
    });
  }
  std::unique_lock lock(mutex);
  REQUIRE(done.wait_for(lock, std::chrono::seconds(30), [&] { return answered == count; }));
  CHECK(failed == 0);
}

TEST_CASE("replay of ten thousand stored tickets finishes in seconds and prints progress", "[e2e][db-cli]") {
  TempDir dir;
  const std::string db = dir.file("t.db");
  fill(db, 10000);
  const std::string candidate = dir.write("candidate.yaml", refund_to_support());
  const auto started = std::chrono::steady_clock::now();
  auto replay = triagectl(dir, {"replay", "--db", db, "--rules", candidate, "--json"}, std::chrono::seconds(20));
  const auto took = std::chrono::steady_clock::now() - started;
  INFO("replay of 10000 tickets took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                                       << " ms");
  CHECK(took < std::chrono::seconds(10));
  for (int done = 1000; done <= 10000; done += 1000)
    CHECK_THAT(replay.err, Catch::Contains("replayed " + std::to_string(done) + "/10000\n"));
  auto report = parse_object(replay.out);
  CHECK(report.at("total").as_int64() == 10000);
  CHECK(report.at("department_changed").as_int64() == 2500);
  CHECK(report.at("department_matrix").at("billing").at("support").as_int64() == 2500);
  CHECK(report.at("department_matrix").at("logistics").at("logistics").as_int64() == 5000);
}

}  // namespace
}  // namespace triaged::e2e

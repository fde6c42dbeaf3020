// The rule set nodes share (storage/rule_set_feed.h), between two stores on one PostgreSQL
// database as two nodes would open them: publish and seed, the active set, the history, and
// announcements heard by the other node, also after its listening connection was cut. Only a
// shared database has a feed, so in the SQLite run each case says it was skipped.
#ifdef TRIAGED_TEST_POSTGRES

#include <unistd.h>

#include <future>
#include <thread>

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

using namespace std::chrono_literals;

RuleSetRecord rule_set(const std::string& version) {
  return {version, "Test shop", "/etc/triaged/rules.yaml", "name: \"Test shop\" # " + version + "\n"};
}

// One node: its store and its feed (destroyed before the store).
struct Node {
  std::unique_ptr<TicketStore> store;
  std::unique_ptr<RuleSetFeed> feed;
};

Node open_node(const std::string& url) {
  StoreOptions options;
  options.path = url;
  Node node{open_store(options), nullptr};
  node.feed = open_rule_set_feed(*node.store);
  REQUIRE(node.feed != nullptr);
  return node;
}

// The schema's URL with an application_name, so the test can find its own connections among
// every other test's on the server.
std::string tagged_url(const TempDatabase& file, const std::string& tag) {
  return file.postgres_url() + "&application_name=" + tag;
}

bool skipped() {
  if (postgres_under_test()) return false;
  WARN("triaged-test-skipped: only a database several nodes share has a rule-set feed (the PostgreSQL run)");
  return true;
}

ActiveRuleSet active_of(RuleSetFeed& feed) {
  auto active = feed.active();
  REQUIRE(active);
  REQUIRE(active->has_value());
  return **active;
}

// Publishes `version` on `feed` from another thread a moment from now (while the test waits);
// true when it was published. No Catch assertion runs on that thread.
std::future<bool> publish_later(RuleSetFeed& feed, const std::string& version) {
  return std::async(std::launch::async, [&feed, version] {
    std::this_thread::sleep_for(100ms);
    return feed.publish(rule_set(version), "host-a:8080", at_ms(1)).has_value();
  });
}

}  // namespace

TEST_CASE("a rule set published on one node is the active set the other node reads", "[storage][rulesets]") {
  if (skipped()) return;
  TempDatabase file;
  Node a = open_node(file.postgres_url());
  Node b = open_node(file.postgres_url());
  auto none = b.feed->active();
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  auto published = a.feed->publish(rule_set("sha256:v1"), "host-a:8080", at_ms(1'700'000'000'000));
  REQUIRE(published);
  CHECK(published->generation == 1);
  const ActiveRuleSet seen = active_of(*b.feed);
  CHECK(seen.rules.version == "sha256:v1");
  CHECK(seen.rules.text == rule_set("sha256:v1").text);
  CHECK(seen.rules.source == "/etc/triaged/rules.yaml");
  CHECK(seen.published_by == "host-a:8080");
  CHECK(seen.published_at == at_ms(1'700'000'000'000));
  RawConnection raw(file.path());
  CHECK(raw.query("SELECT count(*) FROM rule_sets WHERE version = 'sha256:v1'") == "1");
}

TEST_CASE("each publish is a new generation even of a version published before", "[storage][rulesets]") {
  if (skipped()) return;
  TempDatabase file;
  Node a = open_node(file.postgres_url());
  for (const char* version : {"sha256:v1", "sha256:v2", "sha256:v1"})
    REQUIRE(a.feed->publish(rule_set(version), "host-a:8080", at_ms(1'700'000'000'000)));
  const ActiveRuleSet active = active_of(*a.feed);
  CHECK(active.rules.version == "sha256:v1");
  CHECK(active.generation == 3);
  RawConnection raw(file.path());
  CHECK(raw.query("SELECT count(*) FROM rule_sets") == "2");
}

TEST_CASE("a seed makes the first set active and leaves a set already active alone", "[storage][rulesets]") {
  if (skipped()) return;
  TempDatabase file;
  Node a = open_node(file.postgres_url());
  Node b = open_node(file.postgres_url());
  auto first = a.feed->seed(rule_set("sha256:first"), "host-a:8080", at_ms(1'700'000'000'000));
  REQUIRE(first);
  CHECK(first->rules.version == "sha256:first");
  auto second = b.feed->seed(rule_set("sha256:older"), "host-b:8080", at_ms(1'700'000'001'000));
  REQUIRE(second);
  CHECK(second->rules.version == "sha256:first");
  CHECK(second->published_by == "host-a:8080");
  CHECK(second->rules.text == rule_set("sha256:first").text);
  RawConnection raw(file.path());
  // The loser's set was never served: it stays out of the history.
  CHECK(raw.query("SELECT count(*) FROM rule_sets WHERE version = 'sha256:older'") == "0");
}

TEST_CASE("two nodes seeding at once agree on one active set", "[storage][rulesets]") {
  if (skipped()) return;
  TempDatabase file;
  Node a = open_node(file.postgres_url());
  Node b = open_node(file.postgres_url());
  auto from_a = std::async(std::launch::async, [&] { return a.feed->seed(rule_set("sha256:a"), "host-a:8080", at_ms(1)); });
  auto from_b = std::async(std::launch::async, [&] { return b.feed->seed(rule_set("sha256:b"), "host-b:8080", at_ms(2)); });
  auto seen_a = from_a.get();
  auto seen_b = from_b.get();
  REQUIRE(seen_a);
  REQUIRE(seen_b);
  CHECK(seen_a->rules.version == seen_b->rules.version);
  CHECK(seen_a->generation == 1);
  CHECK(active_of(*a.feed).rules.version == seen_a->rules.version);
}

TEST_CASE("a node waiting for announcements hears a publish on the other node", "[storage][rulesets]") {
  if (skipped()) return;
  TempDatabase file;
  Node a = open_node(file.postgres_url());
  Node b = open_node(file.postgres_url());
  auto opened = b.feed->wait(0ms);
  REQUIRE(opened);
  CHECK(*opened);  // the first wait opens the connection: anything before it is only in active()
  auto quiet = b.feed->wait(200ms);
  REQUIRE(quiet);
  CHECK_FALSE(*quiet);
  const auto started = std::chrono::steady_clock::now();
  auto published = publish_later(*a.feed, "sha256:v2");
  auto heard = b.feed->wait(5s);
  CHECK(published.get());
  REQUIRE(heard);
  CHECK(*heard);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK(active_of(*b.feed).rules.version == "sha256:v2");
}

TEST_CASE("announcements for another schema on the same server do not wake a node", "[storage][rulesets]") {
  if (skipped()) return;
  TempDatabase ours, theirs;
  Node a = open_node(theirs.postgres_url());
  Node b = open_node(ours.postgres_url());
  REQUIRE(b.feed->wait(0ms));
  REQUIRE(a.feed->publish(rule_set("sha256:elsewhere"), "host-a:8080", at_ms(1)));
  auto heard = b.feed->wait(300ms);
  REQUIRE(heard);
  CHECK_FALSE(*heard);
}

TEST_CASE("a node whose listening connection was cut reconnects and hears the next publish", "[storage][rulesets]") {
  if (skipped()) return;
  TempDatabase file;
  static std::atomic<int> counter{0};
  const std::string tag = "feedtest" + std::to_string(::getpid()) + "x" + std::to_string(counter++);
  Node a = open_node(file.postgres_url());
  Node b = open_node(tagged_url(file, tag));
  REQUIRE(b.feed->wait(0ms));
  RawConnection raw(file.path());
  CHECK(raw.query("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE application_name = '" + tag + "' AND query LIKE 'LISTEN%') cut") == "1");
  // The cut shows as a failed wait; announcements meanwhile are missed, and the next wait says so.
  bool failed = false;
  for (int i = 0; i < 20 && !failed; ++i) failed = !b.feed->wait(100ms).has_value();
  CHECK(failed);
  REQUIRE(a.feed->publish(rule_set("sha256:missed"), "host-a:8080", at_ms(1)));
  auto reopened = b.feed->wait(0ms);
  REQUIRE(reopened);
  CHECK(*reopened);
  CHECK(active_of(*b.feed).rules.version == "sha256:missed");
  auto published = publish_later(*a.feed, "sha256:heard");
  auto heard = b.feed->wait(5s);
  CHECK(published.get());
  REQUIRE(heard);
  CHECK(*heard);
}

TEST_CASE("a store that is not PostgreSQL has no rule set feed", "[storage][rulesets]") {
  if (skipped()) return;
  TempDatabase file;
  StoreOptions options;
  options.path = ":memory:";
  auto sqlite = TicketStore::open(options);
  REQUIRE(sqlite);
  CHECK(open_rule_set_feed(**sqlite) == nullptr);
}

}  // namespace triaged::storage::test

#endif  // TRIAGED_TEST_POSTGRES

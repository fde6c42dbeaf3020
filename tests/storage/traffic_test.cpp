// Judging rules on traffic: staff reroutes as events, paged scans of a period, coverage
// counts, and the read-only store tools use beside a running daemon.
#include <boost/json.hpp>

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

NewTicket routed(const std::string& subject, const std::string& topic, const std::string& department,
                 const std::string& source, std::int64_t ms = kStartMs) {
  NewTicket t = make_ticket(subject, department, "new", topic);
  t.received_at = at_ms(ms);
  t.decision_json = R"({"topic":")" + topic + R"(","source":")" + source + R"("})";
  return t;
}

Reroute reroute_to(std::int64_t id, const std::string& topic, const std::string& department) {
  Reroute r;
  r.ticket_id = id;
  r.topic = topic;
  r.department = department;
  r.reason = "customer asks for money back";
  r.actor = "olga";
  r.at = at_ms(kStartMs + 60'000);
  return r;
}

std::vector<std::int64_t> scan_ids(TicketStore& store, const ScanQuery& query) {
  std::vector<std::int64_t> ids;
  auto visited = store.scan_tickets(query, [&](const StoredTicket& t) {
    ids.push_back(t.id);
    return true;
  });
  REQUIRE(visited);
  CHECK(*visited == static_cast<std::int64_t>(ids.size()));
  return ids;
}

TEST_CASE("reroute moves a ticket and records where from and to with the reason", "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const StoredTicket before = create_ok(*store, routed("late", "delivery", "logistics", "rules")).ticket;

  auto outcome = store->reroute(reroute_to(before.id, "refund", "billing"));
  REQUIRE(outcome);
  CHECK(outcome->changed);
  CHECK(outcome->ticket.topic == "refund");
  CHECK(outcome->ticket.department == "billing");
  CHECK(outcome->ticket.updated_at == at_ms(kStartMs + 60'000));
  CHECK(outcome->ticket.created_at == before.created_at);
  CHECK(outcome->ticket.decision_json == before.decision_json);

  auto read = store->get(before.id);
  REQUIRE(read);
  REQUIRE(read->has_value());
  CHECK((*read)->topic == "refund");
  CHECK((*read)->department == "billing");
  CHECK((*read)->updated_at == at_ms(kStartMs + 60'000));

  auto events = store->events(before.id);
  REQUIRE(events);
  REQUIRE(events->size() == 2);
  const TicketEvent& event = events->back();
  CHECK(event.kind == "rerouted");
  CHECK(event.at == at_ms(kStartMs + 60'000));
  const auto data = boost::json::parse(event.data_json).as_object();
  CHECK(data.at("from_topic") == "delivery");
  CHECK(data.at("from_department") == "logistics");
  CHECK(data.at("to_topic") == "refund");
  CHECK(data.at("to_department") == "billing");
  CHECK(data.at("reason") == "customer asks for money back");
  CHECK(data.at("actor") == "olga");
}

TEST_CASE("reroute of a ticket that does not exist is a bad request", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  auto outcome = store->reroute(reroute_to(42, "refund", "billing"));
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().code == StoreError::Code::bad_request);
  CHECK(outcome.error().message == "no ticket 42");
}

TEST_CASE("reroute to the topic and department a ticket already has records nothing", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, routed("late", "delivery", "logistics", "rules")).ticket;
  auto outcome = store->reroute(reroute_to(before.id, "delivery", "logistics"));
  REQUIRE(outcome);
  CHECK_FALSE(outcome->changed);
  CHECK(outcome->ticket.updated_at == before.updated_at);
  auto events = store->events(before.id);
  REQUIRE(events);
  CHECK(events->size() == 1);
}

TEST_CASE("reroute after close fails as closed", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, routed("late", "delivery", "logistics", "rules")).ticket;
  store->close();
  auto outcome = store->reroute(reroute_to(before.id, "refund", "billing"));
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().code == StoreError::Code::closed);
}

TEST_CASE("scan pages through more tickets than a page holds in time order", "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  // 25 tickets a minute apart, with two sharing a millisecond to exercise the id tie-break.
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 25; ++i) {
    const std::int64_t at = kStartMs + (i == 13 ? 12 : i) * 60'000;
    ids.push_back(create_ok(*store, routed("t" + std::to_string(i), "delivery", "logistics", "rules", at)).ticket.id);
  }

  ScanQuery query;
  query.page_size = 4;
  CHECK(scan_ids(*store, query) == ids);

  query.newest_first = true;
  std::vector<std::int64_t> newest(ids.rbegin(), ids.rend());
  CHECK(scan_ids(*store, query) == newest);

  query.since = at_ms(kStartMs + 20 * 60'000);
  CHECK(scan_ids(*store, query) == std::vector<std::int64_t>(newest.begin(), newest.begin() + 5));
  query.newest_first = false;
  CHECK(scan_ids(*store, query) == std::vector<std::int64_t>(ids.end() - 5, ids.end()));

  query.since.reset();
  query.limit = 9;
  CHECK(scan_ids(*store, query) == std::vector<std::int64_t>(ids.begin(), ids.begin() + 9));
  query.newest_first = true;
  CHECK(scan_ids(*store, query) == std::vector<std::int64_t>(newest.begin(), newest.begin() + 9));

  auto all = store->count_tickets(std::nullopt);
  REQUIRE(all);
  CHECK(*all == 25);
  auto recent = store->count_tickets(at_ms(kStartMs + 20 * 60'000));
  REQUIRE(recent);
  CHECK(*recent == 5);
}

TEST_CASE("scan stops when the visitor says so and may call the store meanwhile", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  for (int i = 0; i < 10; ++i) create_ok(*store, routed("t" + std::to_string(i), "delivery", "logistics", "rules"));
  ScanQuery query;
  query.page_size = 3;
  int seen = 0;
  auto visited = store->scan_tickets(query, [&](const StoredTicket& t) {
    // On ":memory:" reads share the writer's connection: this would deadlock if the scan
    // held it while visiting.
    auto events = store->events(t.id);
    REQUIRE(events);
    return ++seen < 5;
  });
  REQUIRE(visited);
  CHECK(*visited == 5);
  CHECK(seen == 5);
}

TEST_CASE("scan returns each ticket as received with where it is now", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  NewTicket t = routed("Refund please", "refund", "billing", "operator");
  t.ticket.topic = "refund";
  t.ticket.fields = {{"order_id", "12345678"}};
  t.ticket.headers = {{"x-mailer", "test"}};
  t.ticket.channel = "email";
  t.status = "needs_info";
  t.rules_version = "sha256:abc";
  const StoredTicket created = create_ok(*store, t).ticket;
  REQUIRE(store->reroute(reroute_to(created.id, "delivery", "logistics")));

  std::vector<StoredTicket> seen;
  REQUIRE(store->scan_tickets({}, [&](const StoredTicket& s) {
    seen.push_back(s);
    return true;
  }));
  REQUIRE(seen.size() == 1);
  const StoredTicket& s = seen.front();
  CHECK(s.ticket.subject == "Refund please");
  CHECK(s.ticket.body == "Body of Refund please");
  CHECK(s.ticket.topic == "refund");
  CHECK(s.ticket.fields == t.ticket.fields);
  CHECK(s.ticket.headers == t.ticket.headers);
  CHECK(s.ticket.channel == "email");
  CHECK(s.ticket.requester.email == "anna@example.com");
  CHECK(s.topic == "delivery");
  CHECK(s.department == "logistics");
  CHECK(s.status == "needs_info");
  CHECK(s.rules_version == "sha256:abc");
  CHECK(s.decision_json == t.decision_json);
  CHECK(s.ref == created.ref);
}

TEST_CASE("coverage counts tickets per routed topic with defaults and staff reroutes", "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  // Before the period: must not count.
  create_ok(*store, routed("old", "refund", "billing", "rules", kStartMs - 1));
  std::vector<std::int64_t> delivery;
  for (int i = 0; i < 6; ++i) {
    delivery.push_back(create_ok(*store, routed("d" + std::to_string(i), "delivery", "logistics", "rules")).ticket.id);
  }
  create_ok(*store, routed("op", "delivery", "logistics", "operator"));
  for (int i = 0; i < 3; ++i) create_ok(*store, routed("o" + std::to_string(i), "other", "support", "default"));
  create_ok(*store, routed("r", "refund", "billing", "rules"));

  REQUIRE(store->reroute(reroute_to(delivery[0], "refund", "billing")));
  REQUIRE(store->reroute(reroute_to(delivery[1], "refund", "billing")));
  REQUIRE(store->reroute(reroute_to(delivery[2], "delivery", "support")));
  // Rerouted twice: one rerouted ticket, counted where it ended up.
  REQUIRE(store->reroute(reroute_to(delivery[3], "other", "support")));
  REQUIRE(store->reroute(reroute_to(delivery[3], "refund", "billing")));

  auto coverage = store->coverage(at_ms(kStartMs));
  REQUIRE(coverage);
  CHECK(coverage->tickets == 11);
  CHECK(coverage->by_rules == 7);
  CHECK(coverage->by_operator == 1);
  CHECK(coverage->by_default == 3);
  CHECK(coverage->rerouted == 4);
  REQUIRE(coverage->topics.size() == 3);

  const TopicCoverage& first = coverage->topics[0];
  CHECK(first.topic == "delivery");
  CHECK(first.tickets == 7);
  CHECK(first.by_rules == 6);
  CHECK(first.by_operator == 1);
  CHECK(first.rerouted == 4);
  REQUIRE(first.destinations.size() == 2);
  CHECK(first.destinations[0].topic == "refund");
  CHECK(first.destinations[0].department == "billing");
  CHECK(first.destinations[0].tickets == 3);
  CHECK(first.destinations[1].topic == "delivery");
  CHECK(first.destinations[1].department == "support");
  CHECK(first.destinations[1].tickets == 1);

  CHECK(coverage->topics[1].topic == "other");
  CHECK(coverage->topics[1].by_default == 3);
  CHECK(coverage->topics[1].rerouted == 0);
  CHECK(coverage->topics[2].topic == "refund");
  CHECK(coverage->topics[2].tickets == 1);

  auto everything = store->coverage(std::nullopt);
  REQUIRE(everything);
  CHECK(everything->tickets == 12);
}

TEST_CASE("a read-only store reads beside the writing one and refuses writes", "[storage]") {
  TempDatabase file;
  auto writer = open_store(options_for(Backing::file, file));
  const StoredTicket created = create_ok(*writer, routed("late", "delivery", "logistics", "rules")).ticket;

  StoreOptions options;
  options.path = file.path();
  options.read_only = true;
  auto reader = open_store(options);
  auto count = reader->count_tickets(std::nullopt);
  REQUIRE(count);
  CHECK(*count == 1);
  create_ok(*writer, routed("later", "delivery", "logistics", "rules"));
  CHECK(scan_ids(*reader, {}).size() == 2);

  auto rerouted = reader->reroute(reroute_to(created.id, "refund", "billing"));
  REQUIRE_FALSE(rerouted);
  CHECK(rerouted.error().code == StoreError::Code::closed);
  auto create = reader->create_and_wait(routed("x", "delivery", "logistics", "rules"));
  REQUIRE_FALSE(create);
  CHECK(create.error().code == StoreError::Code::closed);
}

TEST_CASE("a read-only store opens a database no process has open", "[storage]") {
  TempDatabase file;
  open_store(options_for(Backing::file, file))->close();
  StoreOptions options;
  options.path = file.path();
  options.read_only = true;
  auto reader = open_store(options);
  auto count = reader->count_tickets(std::nullopt);
  REQUIRE(count);
  CHECK(*count == 0);
}

TEST_CASE("a read-only store refuses an in-memory or missing database", "[storage]") {
  StoreOptions options;
  options.read_only = true;
  options.path = ":memory:";
  auto memory = TicketStore::open(options);
  REQUIRE_FALSE(memory);
  CHECK(memory.error().code == StoreError::Code::io);
  options.path = "/nonexistent/triaged.db";
  CHECK_FALSE(TicketStore::open(options));
}

}  // namespace
}  // namespace triaged::storage::test

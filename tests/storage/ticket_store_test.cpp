#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

using Catch::Matchers::Contains;

NewTicket full_ticket() {
  NewTicket t = make_ticket("Курьер не приехал", "logistics", "new", "delivery");
  t.ticket.body = "Заказ 12345678 так и не привезли.\nLine two with \"quotes\" and \\ backslash.";
  t.ticket.requester = {"Анна Петрова", "anna@example.com", "+7 900 123-45-67"};
  t.ticket.fields = {{"order_id", "12345678"}, {"comment", "ёж \u2603 \t tab"}, {"empty", ""}};
  t.ticket.headers = {{"message-id", "<abc@example.com>"}, {"subject", "=?utf-8?q?x?="}};
  t.ticket.channel = "email";
  t.ticket.topic = "delivery";
  t.priority = routing::Priority::high;
  // Sub-millisecond parts are floored away by design; the assertions below expect that.
  t.received_at = at_ms(1'700'000'000'123) + std::chrono::microseconds(456);
  t.due_at = at_ms(1'700'086'400'123);
  t.rules_version = "sha256:abcdef";
  t.decision_json = R"({"topic":"delivery","trace":[{"topic":"delivery","matched":true}]})";
  t.idempotency_key = "key-1";
  t.request_hash = "hash-1";
  return t;
}

void require_same(const StoredTicket& a, const StoredTicket& b) {
  CHECK(a.id == b.id);
  CHECK(a.ref == b.ref);
  CHECK(a.ticket.subject == b.ticket.subject);
  CHECK(a.ticket.body == b.ticket.body);
  CHECK(a.ticket.requester.name == b.ticket.requester.name);
  CHECK(a.ticket.requester.email == b.ticket.requester.email);
  CHECK(a.ticket.requester.phone == b.ticket.requester.phone);
  CHECK(a.ticket.fields == b.ticket.fields);
  CHECK(a.ticket.channel == b.ticket.channel);
  CHECK(a.ticket.topic == b.ticket.topic);
  CHECK(a.ticket.headers == b.ticket.headers);
  CHECK(a.topic == b.topic);
  CHECK(a.department == b.department);
  CHECK(a.priority == b.priority);
  CHECK(a.status == b.status);
  CHECK(a.due_at == b.due_at);
  CHECK(a.created_at == b.created_at);
  CHECK(a.updated_at == b.updated_at);
  CHECK(a.rules_version == b.rules_version);
  CHECK(a.decision_json == b.decision_json);
  CHECK(a.idempotency_key == b.idempotency_key);
}

TEST_CASE("a created ticket reads back with every field", "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const NewTicket input = full_ticket();

  const CreateOutcome outcome = create_ok(*store, input);
  CHECK(outcome.created);
  const StoredTicket& created = outcome.ticket;
  CHECK(created.id > 0);
  CHECK(created.ticket.subject == input.ticket.subject);
  CHECK(created.ticket.body == input.ticket.body);
  CHECK(created.ticket.requester.name == input.ticket.requester.name);
  CHECK(created.ticket.requester.email == input.ticket.requester.email);
  CHECK(created.ticket.requester.phone == input.ticket.requester.phone);
  CHECK(created.ticket.fields == input.ticket.fields);
  CHECK(created.ticket.headers == input.ticket.headers);
  CHECK(created.ticket.channel == "email");
  CHECK(created.ticket.topic == "delivery");
  CHECK(created.topic == "delivery");
  CHECK(created.department == "logistics");
  CHECK(created.priority == routing::Priority::high);
  CHECK(created.status == "new");
  CHECK(created.due_at == input.due_at);
  CHECK(created.created_at == at_ms(1'700'000'000'123));
  CHECK(created.updated_at == created.created_at);
  CHECK(created.rules_version == input.rules_version);
  CHECK(created.decision_json == input.decision_json);
  CHECK(created.idempotency_key == "key-1");

  auto by_id = store->get(created.id);
  REQUIRE(by_id);
  REQUIRE(by_id->has_value());
  require_same(**by_id, created);

  auto by_ref = store->get_by_ref(created.ref);
  REQUIRE(by_ref);
  REQUIRE(by_ref->has_value());
  require_same(**by_ref, created);
}

TEST_CASE("a ticket without due time or idempotency key reads back without them", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  NewTicket input = make_ticket("No deadline");
  input.priority = routing::Priority::low;
  const StoredTicket created = create_ok(*store, input).ticket;

  auto read = store->get(created.id);
  REQUIRE(read);
  REQUIRE(read->has_value());
  CHECK_FALSE((*read)->due_at.has_value());
  CHECK((*read)->idempotency_key.empty());
  CHECK((*read)->priority == routing::Priority::low);
}

TEST_CASE("an unknown id or ref is not found rather than an error", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  create_ok(*store, make_ticket("only one"));

  auto by_id = store->get(9999);
  REQUIRE(by_id);
  CHECK_FALSE(by_id->has_value());
  for (const std::string ref : {"ZZZ-ZZZ", "not a ref!", "", "AB"}) {
    auto by_ref = store->get_by_ref(ref);
    REQUIRE(by_ref);
    CHECK_FALSE(by_ref->has_value());
  }
}

TEST_CASE("refs are unique and shaped XXX-XXX from Crockford symbols and not sequential",
          "[storage]") {
  auto store = open_store({.path = ":memory:", .max_batch_wait = std::chrono::microseconds(0)});
  Outcomes outcomes;
  constexpr std::size_t kTickets = 300;
  for (std::size_t i = 0; i < kTickets; ++i) {
    store->create(make_ticket("ticket " + std::to_string(i)), outcomes.callback());
  }
  std::vector<StoredTicket> tickets;
  for (auto& outcome : outcomes.wait_for(kTickets)) {
    REQUIRE(outcome);
    tickets.push_back(outcome->ticket);
  }
  std::sort(tickets.begin(), tickets.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });

  const std::regex shape("[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{3}");
  std::set<std::string> refs;
  for (const auto& t : tickets) {
    INFO("ref " << t.ref);
    CHECK(std::regex_match(t.ref, shape));
    refs.insert(t.ref);
  }
  CHECK(refs.size() == kTickets);
  // Consecutive ids must not give refs that count up: no run of ascending refs is long.
  int ascending = 0;
  for (std::size_t i = 1; i < tickets.size(); ++i) ascending += tickets[i - 1].ref < tickets[i].ref;
  CHECK(ascending < static_cast<int>(kTickets) * 3 / 4);
  std::set<std::string> leading_symbols;
  for (const auto& t : tickets) leading_symbols.insert(t.ref.substr(0, 1));
  CHECK(leading_symbols.size() > 16);
}

TEST_CASE("get_by_ref accepts lower case and no dash and Crockford's aliases", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  // Enough tickets that some refs contain 0 and 1, whose aliases O, I and L are then tested.
  std::vector<StoredTicket> tickets;
  for (int i = 0; i < 40; ++i) {
    tickets.push_back(create_ok(*store, make_ticket("t" + std::to_string(i))).ticket);
  }

  int aliased = 0;
  for (const auto& t : tickets) {
    std::string lower = t.ref;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string no_dash = t.ref;
    no_dash.erase(std::remove(no_dash.begin(), no_dash.end(), '-'), no_dash.end());
    std::string alias = no_dash;
    for (char& c : alias) {
      if (c == '0') c = 'o';
      if (c == '1') c = (aliased % 2 == 0) ? 'I' : 'l';
    }
    if (alias != no_dash) ++aliased;
    const std::string spaced = t.ref.substr(0, 3) + " " + t.ref.substr(4);

    for (const std::string& typed : {lower, no_dash, alias, spaced}) {
      INFO("typed " << typed << " for " << t.ref);
      auto found = store->get_by_ref(typed);
      REQUIRE(found);
      REQUIRE(found->has_value());
      CHECK((*found)->id == t.id);
    }
  }
  CHECK(aliased > 0);
}

TEST_CASE("an idempotent replay returns the first ticket with created=false", "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  NewTicket first = make_ticket("first");
  first.idempotency_key = "retry-me";
  first.request_hash = "same";
  NewTicket replay = make_ticket("second attempt");
  replay.idempotency_key = "retry-me";
  replay.request_hash = "same";

  const CreateOutcome original = create_ok(*store, first);
  const CreateOutcome again = create_ok(*store, replay);

  CHECK(original.created);
  CHECK_FALSE(again.created);
  CHECK(again.ticket.id == original.ticket.id);
  CHECK(again.ticket.ref == original.ticket.ref);
  CHECK(again.ticket.ticket.subject == "first");
  auto page = store->list({});
  REQUIRE(page);
  CHECK(page->tickets.size() == 1);
}

TEST_CASE("reusing an idempotency key for a different request is a conflict", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  NewTicket first = make_ticket("first");
  first.idempotency_key = "k";
  first.request_hash = "hash-a";
  NewTicket other = make_ticket("other");
  other.idempotency_key = "k";
  other.request_hash = "hash-b";

  create_ok(*store, first);
  auto outcome = store->create_and_wait(other);

  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().code == StoreError::Code::conflict);
  CHECK_THAT(outcome.error().message, Contains("'k'"));
}

// A long batch wait with max_batch 2 makes the two creates share one transaction: the
// writer waits for the second, then commits at once because the batch is full.
StoreOptions two_per_batch() {
  return {.path = ":memory:", .max_batch = 2, .max_batch_wait = std::chrono::seconds(5)};
}

TEST_CASE("two creates with the same key in one batch create one ticket", "[storage]") {
  auto store = open_store(two_per_batch());
  NewTicket a = make_ticket("a");
  a.idempotency_key = "same-key";
  a.request_hash = "h";
  NewTicket b = a;
  Outcomes outcomes;

  store->create(a, outcomes.callback());
  store->create(b, outcomes.callback());
  auto results = outcomes.wait_for(2);

  CHECK(store->transactions_committed() == 1);
  REQUIRE(results[0]);
  REQUIRE(results[1]);
  CHECK(results[0]->created);
  CHECK_FALSE(results[1]->created);
  CHECK(results[1]->ticket.id == results[0]->ticket.id);
}

TEST_CASE("a same-key create with another request in the same batch is a conflict", "[storage]") {
  auto store = open_store(two_per_batch());
  NewTicket a = make_ticket("a");
  a.idempotency_key = "same-key";
  a.request_hash = "h1";
  NewTicket b = a;
  b.request_hash = "h2";
  Outcomes outcomes;

  store->create(a, outcomes.callback());
  store->create(b, outcomes.callback());
  auto results = outcomes.wait_for(2);

  CHECK(store->transactions_committed() == 1);
  REQUIRE(results[0]);
  CHECK(results[0]->created);
  REQUIRE_FALSE(results[1]);
  CHECK(results[1].error().code == StoreError::Code::conflict);
}

TEST_CASE("events lists the created event with its status and topic and department",
          "[storage]") {
  auto store = open_store({.path = ":memory:"});
  const StoredTicket t =
      create_ok(*store, make_ticket("x", "finance", "needs_info", "refund")).ticket;

  auto events = store->events(t.id);

  REQUIRE(events);
  REQUIRE(events->size() == 1);
  const TicketEvent& created = events->front();
  CHECK(created.kind == "created");
  CHECK(created.ticket_id == t.id);
  CHECK(created.at == t.created_at);
  CHECK(created.data_json ==
        R"({"status":"needs_info","topic":"refund","department":"finance"})");
  auto none = store->events(t.id + 100);
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("record_rule_set keeps the first recording of a version", "[storage]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));

  REQUIRE(store->record_rule_set("v1", "Pharmacy", "rules.yaml", "version: 1", at_ms(1000)));
  REQUIRE(store->record_rule_set("v1", "Renamed", "other.yaml", "changed", at_ms(2000)));
  REQUIRE(store->record_rule_set("v2", "Pharmacy", "rules.yaml", "version: 2", at_ms(3000)));

  RawConnection raw(file.path());
  CHECK(raw.query("SELECT count(*) FROM rule_sets") == "2");
  CHECK(raw.query("SELECT name || '|' || source || '|' || text || '|' || first_loaded_at "
                  "FROM rule_sets WHERE version = 'v1'") == "Pharmacy|rules.yaml|version: 1|1000");
}

TEST_CASE("close drains queued creates before returning", "[storage]") {
  TempDatabase file;
  StoreOptions options = options_for(Backing::file, file);
  options.max_batch = 4;  // many transactions, so close() really has a queue to drain
  constexpr std::size_t kTickets = 60;
  {
    auto store = open_store(options);
    Outcomes outcomes;
    for (std::size_t i = 0; i < kTickets; ++i) {
      store->create(make_ticket("drain " + std::to_string(i)), outcomes.callback());
    }
    store->close();

    CHECK(outcomes.size() == kTickets);
    for (auto& outcome : outcomes.wait_for(kTickets)) CHECK(outcome);
  }
  auto reopened = open_store(options);
  auto page = reopened->list({.limit = 500});
  REQUIRE(page);
  CHECK(page->tickets.size() == kTickets);
}

TEST_CASE("after close creates are refused as closed at once and reads still work", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  const StoredTicket t = create_ok(*store, make_ticket("before close")).ticket;
  store->close();
  store->close();  // idempotent

  bool answered = false;
  store->create(make_ticket("too late"), [&](Result<CreateOutcome> outcome) {
    answered = true;
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().code == StoreError::Code::closed);
  });
  CHECK(answered);
  auto rule_set = store->record_rule_set("v", "n", "s", "t", at_ms(0));
  REQUIRE_FALSE(rule_set);
  CHECK(rule_set.error().code == StoreError::Code::closed);
  auto read = store->get(t.id);
  REQUIRE(read);
  CHECK(read->has_value());
}

}  // namespace
}  // namespace triaged::storage::test

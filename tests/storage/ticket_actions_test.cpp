// Staff work on a ticket: claims and status changes update the ticket and leave events, in
// one transaction, and a repeated or contested action records nothing.
#include <boost/json.hpp>

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;
constexpr std::int64_t kLaterMs = kStartMs + 60'000;

Claim claim_by(std::int64_t id, const std::string& assignee, bool take_over = false) {
  Claim c;
  c.ticket_id = id;
  c.assignee = assignee;
  c.take_over = take_over;
  c.at = at_ms(kLaterMs);
  return c;
}

StatusChange status_to(std::int64_t id, const std::string& status, const std::string& reason = "") {
  StatusChange c;
  c.ticket_id = id;
  c.status = status;
  c.reason = reason;
  c.actor = "olga";
  c.at = at_ms(kLaterMs);
  return c;
}

std::vector<TicketEvent> events_of(TicketStore& store, std::int64_t id) {
  auto events = store.events(id);
  REQUIRE(events);
  return *events;
}

boost::json::object data_of(const TicketEvent& event) { return boost::json::parse(event.data_json).as_object(); }

TEST_CASE("claiming a new ticket assigns it and moves it to in_progress with two events", "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const StoredTicket before = create_ok(*store, make_ticket("late")).ticket;
  CHECK(before.assignee.empty());

  auto outcome = store->claim(claim_by(before.id, "olga"));
  REQUIRE(outcome);
  CHECK(outcome->changed);
  CHECK(outcome->ticket.assignee == "olga");
  CHECK(outcome->ticket.status == "in_progress");
  CHECK(outcome->ticket.updated_at == at_ms(kLaterMs));

  auto read = store->get(before.id);
  REQUIRE(read);
  REQUIRE(read->has_value());
  CHECK((*read)->assignee == "olga");
  CHECK((*read)->status == "in_progress");

  const auto events = events_of(*store, before.id);
  REQUIRE(events.size() == 3);
  CHECK(events[1].kind == "claimed");
  CHECK(data_of(events[1]).at("assignee") == "olga");
  CHECK(data_of(events[1]).at("previous_assignee") == "");
  CHECK(events[2].kind == "status_changed");
  CHECK(data_of(events[2]).at("from") == "new");
  CHECK(data_of(events[2]).at("to") == "in_progress");
  CHECK(data_of(events[2]).at("reason") == "claimed");
}

TEST_CASE("claiming a ticket that is not new keeps its status", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, make_ticket("late", "logistics", "needs_info")).ticket;
  auto outcome = store->claim(claim_by(before.id, "olga"));
  REQUIRE(outcome);
  CHECK(outcome->ticket.status == "needs_info");
  CHECK(events_of(*store, before.id).size() == 2);
}

TEST_CASE("claiming a ticket one already holds records nothing", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, make_ticket("late")).ticket;
  REQUIRE(store->claim(claim_by(before.id, "olga")));
  auto again = store->claim(claim_by(before.id, "olga"));
  REQUIRE(again);
  CHECK_FALSE(again->changed);
  CHECK(events_of(*store, before.id).size() == 3);
}

TEST_CASE("a ticket someone else holds is taken only with take_over", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, make_ticket("late")).ticket;
  REQUIRE(store->claim(claim_by(before.id, "olga")));

  auto refused = store->claim(claim_by(before.id, "ivan"));
  REQUIRE(refused);
  CHECK_FALSE(refused->changed);
  CHECK(refused->ticket.assignee == "olga");
  CHECK(events_of(*store, before.id).size() == 3);

  auto taken = store->claim(claim_by(before.id, "ivan", true));
  REQUIRE(taken);
  CHECK(taken->changed);
  CHECK(taken->ticket.assignee == "ivan");
  const auto events = events_of(*store, before.id);
  REQUIRE(events.size() == 4);
  CHECK(events[3].kind == "claimed");
  CHECK(data_of(events[3]).at("previous_assignee") == "olga");
}

TEST_CASE("changing the status records from and to with the reason and actor", "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const StoredTicket before = create_ok(*store, make_ticket("late")).ticket;

  auto outcome = store->change_status(status_to(before.id, "resolved", "courier came back"));
  REQUIRE(outcome);
  CHECK(outcome->changed);
  CHECK(outcome->ticket.status == "resolved");
  CHECK(outcome->ticket.updated_at == at_ms(kLaterMs));
  auto read = store->get(before.id);
  REQUIRE(read);
  REQUIRE(read->has_value());
  CHECK((*read)->status == "resolved");

  const auto events = events_of(*store, before.id);
  REQUIRE(events.size() == 2);
  CHECK(events[1].kind == "status_changed");
  CHECK(events[1].at == at_ms(kLaterMs));
  const auto data = data_of(events[1]);
  CHECK(data.at("from") == "new");
  CHECK(data.at("to") == "resolved");
  CHECK(data.at("reason") == "courier came back");
  CHECK(data.at("actor") == "olga");
}

TEST_CASE("a resolved ticket no longer counts as open in its queue", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, make_ticket("late")).ticket;
  REQUIRE(store->change_status(status_to(before.id, "resolved")));
  auto stats = store->queue_stats(at_ms(kLaterMs));
  REQUIRE(stats);
  REQUIRE(stats->size() == 1);
  CHECK(stats->front().open == 0);
  CHECK(stats->front().by_status.at("resolved") == 1);
}

TEST_CASE("changing to the status a ticket already has records nothing", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, make_ticket("late")).ticket;
  auto outcome = store->change_status(status_to(before.id, "new"));
  REQUIRE(outcome);
  CHECK_FALSE(outcome->changed);
  CHECK(outcome->ticket.updated_at == before.updated_at);
  CHECK(events_of(*store, before.id).size() == 1);
}

TEST_CASE("claims and status changes of a missing ticket or with empty values are bad requests", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, make_ticket("late")).ticket;
  auto missing_claim = store->claim(claim_by(42, "olga"));
  REQUIRE_FALSE(missing_claim);
  CHECK(missing_claim.error().code == StoreError::Code::bad_request);
  CHECK(missing_claim.error().message == "no ticket 42");
  auto missing_status = store->change_status(status_to(42, "resolved"));
  REQUIRE_FALSE(missing_status);
  CHECK(missing_status.error().code == StoreError::Code::bad_request);
  auto no_assignee = store->claim(claim_by(before.id, ""));
  REQUIRE_FALSE(no_assignee);
  CHECK(no_assignee.error().code == StoreError::Code::bad_request);
  auto no_status = store->change_status(status_to(before.id, ""));
  REQUIRE_FALSE(no_status);
  CHECK(no_status.error().code == StoreError::Code::bad_request);
  CHECK(events_of(*store, before.id).size() == 1);
}

TEST_CASE("claims and status changes after close fail as closed", "[storage]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket before = create_ok(*store, make_ticket("late")).ticket;
  store->close();
  auto claimed = store->claim(claim_by(before.id, "olga"));
  REQUIRE_FALSE(claimed);
  CHECK(claimed.error().code == StoreError::Code::closed);
  auto changed = store->change_status(status_to(before.id, "resolved"));
  REQUIRE_FALSE(changed);
  CHECK(changed.error().code == StoreError::Code::closed);
}

TEST_CASE("a version 3 database keeps its tickets unclaimed after migrating and they can be claimed", "[storage]") {
  TempDatabase file;
  const StoreOptions options = options_for(Backing::file, file);
  StoredTicket before;
  std::string fresh_version;
  {
    auto store = open_store(options);
    before = create_ok(*store, make_ticket("from version 3")).ticket;
  }
  {
    // Back to version 3: without the assignee column (and without what newer migrations add).
    RawConnection raw(file.path());
    fresh_version = raw.query("PRAGMA user_version");
    REQUIRE(raw.exec(std::string(kDropStaffThreadSchema) + kDropRequesterSchema + kDropMessageIdempotency +
                     "ALTER TABLE tickets DROP COLUMN assignee; DROP TABLE IF EXISTS webhook_outbox; "
                     "DROP TABLE IF EXISTS escalations; DROP INDEX IF EXISTS tickets_open; "
                     "PRAGMA user_version = 3") == SQLITE_OK);
  }
  auto store = open_store(options);
  {
    RawConnection raw(file.path());
    CHECK(raw.query("PRAGMA user_version") == fresh_version);
    CHECK(raw.query("SELECT count(*) FROM pragma_table_info('tickets') WHERE name = 'assignee'") == "1");
  }
  auto read = store->get(before.id);
  REQUIRE(read);
  REQUIRE(read->has_value());
  CHECK((*read)->assignee.empty());
  auto claimed = store->claim(claim_by(before.id, "olga"));
  REQUIRE(claimed);
  CHECK(claimed->ticket.assignee == "olga");
}

}  // namespace
}  // namespace triaged::storage::test

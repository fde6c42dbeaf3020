// Persistence across reopen, schema versioning and the connection settings a file gets.
#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("data survives closing and reopening a file", "[storage]") {
  TempDatabase file;
  StoreOptions options = options_for(Backing::file, file);
  std::vector<StoredTicket> before;
  {
    auto store = open_store(options);
    for (int i = 0; i < 3; ++i) {
      before.push_back(create_ok(*store, make_ticket("persist " + std::to_string(i))).ticket);
    }
  }
  options.create_if_missing = false;
  auto store = open_store(options);

  for (const auto& t : before) {
    auto read = store->get_by_ref(t.ref);
    REQUIRE(read);
    REQUIRE(read->has_value());
    CHECK((*read)->id == t.id);
    CHECK((*read)->ticket.subject == t.ticket.subject);
  }
  auto events = store->events(before.front().id);
  REQUIRE(events);
  CHECK(events->size() == 1);
  const StoredTicket next = create_ok(*store, make_ticket("after reopen")).ticket;
  CHECK(next.id == before.back().id + 1);
  CHECK(next.ref != before.back().ref);
}

TEST_CASE("reopening a database does not re-apply its migrations", "[storage]") {
  TempDatabase file;
  const StoreOptions options = options_for(Backing::file, file);
  open_store(options)->close();
  std::string version, schema;
  {
    RawConnection raw(file.path());
    version = raw.query("PRAGMA user_version");
    schema = raw.query("SELECT group_concat(sql, ';') FROM sqlite_master");
    // A marker that re-running migration 1 (which creates tables) could not leave alone.
    REQUIRE(raw.exec("INSERT INTO rule_sets VALUES ('marker', 'n', 's', 't', 0)") == SQLITE_OK);
  }
  CHECK(std::stoi(version) >= 1);

  open_store(options)->close();

  RawConnection raw(file.path());
  CHECK(raw.query("PRAGMA user_version") == version);
  CHECK(raw.query("SELECT group_concat(sql, ';') FROM sqlite_master") == schema);
  CHECK(raw.query("SELECT count(*) FROM rule_sets WHERE version = 'marker'") == "1");
}

TEST_CASE("a version 1 database with tickets migrates to the latest version and keeps them", "[storage]") {
  TempDatabase file;
  const StoreOptions options = options_for(Backing::file, file);
  std::string fresh_schema, fresh_version;
  StoredTicket before;
  {
    auto store = open_store(options);
    before = create_ok(*store, make_ticket("from version 1")).ticket;
  }
  {
    // Back to what migration 1 left: later migrations only added these tables, indexes and
    // the assignee column (IF EXISTS: those of migrations newer than this test).
    RawConnection raw(file.path());
    fresh_schema = raw.query("SELECT group_concat(sql, ';') FROM sqlite_master");
    fresh_version = raw.query("PRAGMA user_version");
    REQUIRE(raw.exec(std::string(kDropStaffThreadSchema) + kDropRequesterSchema +
                     "DROP TABLE attachments; DROP TABLE messages; DROP TABLE quarantine; "
                     "DROP TABLE outbox; DROP INDEX tickets_by_created_at; "
                     "DROP INDEX ticket_events_by_kind; ALTER TABLE tickets DROP COLUMN assignee; "
                     "DROP TABLE IF EXISTS webhook_outbox; DROP TABLE IF EXISTS escalations; "
                     "DROP INDEX IF EXISTS tickets_open; PRAGMA user_version = 1") == SQLITE_OK);
    REQUIRE(raw.query("SELECT count(*) FROM sqlite_master WHERE name = 'messages'") == "0");
  }

  auto store = open_store(options);

  {
    RawConnection raw(file.path());
    CHECK(raw.query("PRAGMA user_version") == fresh_version);
    CHECK(raw.query("SELECT group_concat(sql, ';') FROM sqlite_master") == fresh_schema);
  }
  auto read = store->get(before.id);
  REQUIRE(read);
  REQUIRE(read->has_value());
  CHECK((*read)->ref == before.ref);
  MailWrite append;
  append.kind = MailWrite::Kind::append_to_ticket;
  append.ticket_id = before.id;
  append.mailbox = "help@corp.example";
  append.message_id = "after-upgrade@x";
  append.received_at = before.created_at;
  auto appended = store->write_mail_and_wait(append);
  REQUIRE(appended);
  CHECK(appended->kind == MailOutcome::Kind::appended);
}

TEST_CASE("a database written by a newer build is refused", "[storage]") {
  TempDatabase file;
  const StoreOptions options = options_for(Backing::file, file);
  open_store(options)->close();
  {
    RawConnection raw(file.path());
    REQUIRE(raw.exec("PRAGMA user_version = 9999") == SQLITE_OK);
  }

  auto store = TicketStore::open(options);

  REQUIRE_FALSE(store);
  CHECK(store.error().code == StoreError::Code::io);
  CHECK_THAT(store.error().message, Contains("9999") && Contains(file.path()));
}

TEST_CASE("opening a missing file without create_if_missing fails naming the path", "[storage]") {
  TempDatabase file;
  StoreOptions options = options_for(Backing::file, file);
  options.create_if_missing = false;

  auto store = TicketStore::open(options);

  REQUIRE_FALSE(store);
  CHECK(store.error().code == StoreError::Code::unavailable);
  CHECK(store.error().cause == "cannot open a database file");
  CHECK_THAT(store.error().message, Contains(file.path()));
  CHECK_FALSE(std::filesystem::exists(file.path()));
}

TEST_CASE("a file database runs in WAL mode", "[storage]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));

  RawConnection raw(file.path());
  CHECK(raw.query("PRAGMA journal_mode") == "wal");
}

TEST_CASE("ticket events cannot be rewritten", "[storage]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  create_ok(*store, make_ticket("history"));

  RawConnection raw(file.path());
  CHECK(raw.exec("UPDATE ticket_events SET kind = 'forged'") != SQLITE_OK);
  CHECK(raw.exec("DELETE FROM ticket_events") != SQLITE_OK);
  CHECK(raw.query("SELECT kind FROM ticket_events") == "created");
}

}  // namespace
}  // namespace triaged::storage::test

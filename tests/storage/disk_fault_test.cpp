// A disk that refuses writes (full, read-only, failing, failing fsync) met through a real
// SQLite VFS underneath a real store: writes fail as Code::unavailable with their cause,
// nothing half-written stays, and the next write after the cause is gone commits on the same
// connection.
#include <catch2/catch.hpp>

#include <utility>

#include "faulty_vfs.h"
#include "mail_test_support.h"
#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

using triaged::test::DiskFault;
using triaged::test::faulty_uri;
using triaged::test::refused_calls;
using triaged::test::ScopedDiskFault;

struct FaultCase {
  DiskFault fault;
  const char* cause;
};

FaultCase any_fault() {
  return GENERATE(FaultCase{DiskFault::full, "disk full"},
                  FaultCase{DiskFault::read_only, "read-only database"},
                  FaultCase{DiskFault::io_error, "I/O error"},
                  FaultCase{DiskFault::sync_fails, "I/O error"});
}

StoreOptions faulty_options(const TempDatabase& file) {
  StoreOptions options;
  options.path = faulty_uri(file.path());
  options.create_if_missing = true;
  return options;
}

// What lies in the file, read past the store through a plain connection.
struct OnDisk {
  std::string integrity;
  std::string tickets;
  std::string events;
};

OnDisk on_disk(const TempDatabase& file) {
  RawConnection raw(file.path());
  return {raw.query("PRAGMA integrity_check"), raw.query("SELECT count(*) FROM tickets"),
          raw.query("SELECT count(*) FROM ticket_events")};
}

template <typename Value>
void check_unavailable(const Result<Value>& outcome, const char* cause) {
  REQUIRE_FALSE(outcome);
  INFO(outcome.error().message);
  CHECK(outcome.error().code == StoreError::Code::unavailable);
  CHECK(outcome.error().cause == cause);
}

}  // namespace

TEST_CASE("a create on a disk that refuses writes fails as unavailable and the next commits on the same connection",
          "[storage][disk]") {
  const FaultCase fault = any_fault();
  INFO("fault: " << to_string(fault.fault));
  TempDatabase file;
  auto store = open_store(faulty_options(file));
  const CreateOutcome before = create_ok(*store, make_ticket("before"));
  const auto committed_before = store->transactions_committed();

  {
    ScopedDiskFault disk(fault.fault);
    check_unavailable(store->create_and_wait(make_ticket("during")), fault.cause);
    CHECK(refused_calls() > 0);
    CHECK_FALSE(store->writable());
    auto read = store->get(before.ticket.id);  // reading needs no write
    REQUIRE(read);
    CHECK(read->has_value());
  }
  CHECK(store->transactions_committed() == committed_before);
  CHECK_FALSE(store->writable());  // nothing has committed since

  const CreateOutcome after = create_ok(*store, make_ticket("after"));

  CHECK(store->writable());
  CHECK(after.ticket.id == before.ticket.id + 1);
  auto page = store->list({});
  REQUIRE(page);
  REQUIRE(page->tickets.size() == 2);
  CHECK(page->tickets[0].ticket.subject == "after");
  CHECK(page->tickets[1].ticket.subject == "before");
  const OnDisk disk = on_disk(file);
  CHECK(disk.integrity == "ok");
  CHECK(disk.tickets == "2");
  CHECK(disk.events == "2");
}

TEST_CASE("a batch that meets a full disk is refused whole and leaves no ticket or event after a reopen",
          "[storage][disk]") {
  TempDatabase file;
  StoreOptions options = faulty_options(file);
  create_ok(*open_store(options), make_ticket("before"));  // its own store: no batch wait
  options.max_batch = 20;
  options.max_batch_wait = std::chrono::seconds(5);  // the twenty creates share one batch
  auto store = open_store(options);
  Outcomes outcomes;

  std::vector<Result<CreateOutcome>> results;
  {
    ScopedDiskFault disk(DiskFault::full);
    for (int i = 0; i < 20; ++i) {
      NewTicket ticket = make_ticket("during " + std::to_string(i));
      ticket.idempotency_key = "key-" + std::to_string(i);
      store->create(std::move(ticket), outcomes.callback());
    }
    results = outcomes.wait_for(20);
  }
  store->close();
  store.reset();

  for (const auto& result : results) check_unavailable(result, "disk full");
  options.path = file.path();  // reopened plainly: WAL recovery finds no trace of the batch
  auto reopened = open_store(options);
  const OnDisk disk = on_disk(file);
  CHECK(disk.integrity == "ok");
  CHECK(disk.tickets == "1");
  CHECK(disk.events == "1");
  // The keys were never stored: a retry creates the ticket instead of replaying a ghost.
  NewTicket retry = make_ticket("during 0");
  retry.idempotency_key = "key-0";
  CHECK(create_ok(*reopened, std::move(retry)).created);
}

TEST_CASE("a mail write on a full disk fails as unavailable and the next commits", "[storage][disk]") {
  TempDatabase file;
  auto store = open_store(faulty_options(file));

  {
    ScopedDiskFault disk(DiskFault::full);
    check_unavailable(store->write_mail_and_wait(create_write("support@shop.example", "m1@example.com", "Broken")),
                      "disk full");
    check_unavailable(store->write_mail_and_wait(quarantine_write("support@shop.example", "q1@example.com", "junk")),
                      "disk full");
    CHECK_FALSE(store->writable());
  }
  // Not a duplicate: the refused write left no trace of its Message-ID.
  const MailOutcome created =
      mail_ok(*store, create_write("support@shop.example", "m1@example.com", "Broken"));

  CHECK(created.kind == MailOutcome::Kind::created);
  CHECK(store->writable());
  auto held = store->quarantined("", 10);
  REQUIRE(held);
  CHECK(held->empty());
  RawConnection raw(file.path());
  CHECK(raw.query("PRAGMA integrity_check") == "ok");
  CHECK(raw.query("SELECT count(*) FROM messages") == "1");
  CHECK(raw.query("SELECT count(*) FROM tickets") == "1");
}

TEST_CASE("a reroute on a read-only disk fails as unavailable and the ticket keeps its route",
          "[storage][disk]") {
  TempDatabase file;
  auto store = open_store(faulty_options(file));
  const CreateOutcome created = create_ok(*store, make_ticket("misrouted"));
  Reroute reroute;
  reroute.ticket_id = created.ticket.id;
  reroute.topic = "refund";
  reroute.department = "finance";
  reroute.reason = "about money";
  reroute.at = at_ms(1'700'000'100'000);

  {
    ScopedDiskFault disk(DiskFault::read_only);
    check_unavailable(store->reroute(reroute), "read-only database");
    CHECK_FALSE(store->writable());
  }
  auto unchanged = store->get(created.ticket.id);
  REQUIRE(unchanged);
  REQUIRE(unchanged->has_value());
  CHECK((*unchanged)->department == "logistics");

  auto moved = store->reroute(reroute);

  REQUIRE(moved);
  CHECK(moved->ticket.department == "finance");
  CHECK(store->writable());
}

}  // namespace triaged::storage::test

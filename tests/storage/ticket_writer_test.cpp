// The writer thread under load: group commit, back-pressure and lock contention.
#include <set>
#include <thread>

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

TEST_CASE("creates are refused as overloaded while the writer is blocked and the queue is full",
          "[storage]") {
  TempDatabase file;
  StoreOptions options = options_for(Backing::file, file);
  options.queue_limit = 2;
  options.max_batch = 1;
  options.max_batch_wait = std::chrono::microseconds(0);
  options.busy_timeout = std::chrono::seconds(30);
  auto store = open_store(options);
  // Another connection holds the write lock, so the writer sits in BEGIN IMMEDIATE's busy
  // wait with its first ticket while the queue fills behind it.
  RawConnection blocker(file.path());
  REQUIRE(blocker.exec("BEGIN IMMEDIATE") == SQLITE_OK);

  Outcomes accepted;
  std::size_t submitted = 0;
  bool overloaded = false;
  while (!overloaded && submitted < 10) {
    bool answered_now = false;
    std::optional<StoreError> refusal;
    auto forward = accepted.callback();
    store->create(make_ticket("queued " + std::to_string(submitted)),
                  [&answered_now, &refusal, forward](Result<CreateOutcome> outcome) {
                    if (!outcome && outcome.error().code == StoreError::Code::overloaded) {
                      answered_now = true;
                      refusal = outcome.error();
                      return;
                    }
                    forward(std::move(outcome));
                  });
    overloaded = answered_now;
    if (!overloaded) ++submitted;
  }

  REQUIRE(overloaded);
  // queue_limit waiting, plus at most one batch of max_batch already taken by the writer.
  CHECK(submitted >= options.queue_limit);
  CHECK(submitted <= options.queue_limit + 1);
  CHECK(accepted.size() == 0);  // nothing can have committed while the lock is held

  REQUIRE(blocker.exec("COMMIT") == SQLITE_OK);
  for (auto& outcome : accepted.wait_for(submitted)) CHECK(outcome);
}

TEST_CASE("a write lock held past busy_timeout fails the batch as unavailable and the next batch commits", "[storage]") {
  TempDatabase file;
  StoreOptions options = options_for(Backing::file, file);
  options.busy_timeout = std::chrono::milliseconds(50);
  auto store = open_store(options);
  RawConnection blocker(file.path());
  REQUIRE(blocker.exec("BEGIN IMMEDIATE") == SQLITE_OK);

  auto outcome = store->create_and_wait(make_ticket("blocked"));

  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().code == StoreError::Code::unavailable);
  CHECK(outcome.error().cause == "database locked");
  REQUIRE(blocker.exec("ROLLBACK") == SQLITE_OK);
  CHECK(store->create_and_wait(make_ticket("unblocked")));
}

TEST_CASE("a ticket the database rejects fails alone while the rest of its batch commits",
          "[storage]") {
  TempDatabase file;
  StoreOptions options = options_for(Backing::file, file);
  options.max_batch = 3;
  options.max_batch_wait = std::chrono::seconds(5);  // the three creates share one batch
  auto store = open_store(options);
  {
    // Fails the poison ticket's second write (its event), after its row went in: only
    // undoing that ticket's own writes leaves no half-created ticket behind.
    RawConnection raw(file.path());
    REQUIRE(raw.exec("CREATE TRIGGER reject_poison BEFORE INSERT ON ticket_events "
                     "WHEN (SELECT subject FROM tickets WHERE id = NEW.ticket_id) = 'poison' "
                     "BEGIN SELECT RAISE(ABORT, 'poison ticket refused'); END") == SQLITE_OK);
  }
  Outcomes outcomes;

  store->create(make_ticket("good 1"), outcomes.callback());
  store->create(make_ticket("poison"), outcomes.callback());
  store->create(make_ticket("good 2"), outcomes.callback());
  auto results = outcomes.wait_for(3);

  CHECK(store->transactions_committed() == 1);
  REQUIRE(results[0]);
  REQUIRE_FALSE(results[1]);
  CHECK(results[1].error().code == StoreError::Code::io);
  CHECK_THAT(results[1].error().message, Catch::Matchers::Contains("poison ticket refused"));
  REQUIRE(results[2]);
  auto page = store->list({});
  REQUIRE(page);
  REQUIRE(page->tickets.size() == 2);
  CHECK(page->tickets[0].ticket.subject == "good 2");
  CHECK(page->tickets[1].ticket.subject == "good 1");
  auto events = store->events(results[2]->ticket.id);
  REQUIRE(events);
  CHECK(events->size() == 1);
}

TEST_CASE("concurrent creates from several threads all commit in fewer transactions than tickets",
          "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 150;
  constexpr std::size_t kTickets = kThreads * kPerThread;
  Outcomes outcomes;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store->create(make_ticket("thread " + std::to_string(t) + " #" + std::to_string(i)),
                      outcomes.callback());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto results = outcomes.wait_for(kTickets);

  std::set<std::int64_t> ids;
  std::set<std::string> refs;
  for (auto& outcome : results) {
    REQUIRE(outcome);
    CHECK(outcome->created);
    ids.insert(outcome->ticket.id);
    refs.insert(outcome->ticket.ref);
  }
  CHECK(ids.size() == kTickets);
  CHECK(refs.size() == kTickets);
  CHECK(*ids.begin() == 1);
  CHECK(*ids.rbegin() == static_cast<std::int64_t>(kTickets));
  CHECK(store->transactions_committed() < kTickets);
  auto page = store->list({.limit = 500});
  REQUIRE(page);
  CHECK(page->tickets.size() == 500);
}

TEST_CASE("create_and_wait from several threads at once batches their commits", "[storage]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!store->create_and_wait(make_ticket("sync"))) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();

  CHECK(failures == 0);
  CHECK(store->transactions_committed() < static_cast<std::uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace triaged::storage::test

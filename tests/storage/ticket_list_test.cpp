// Reading many tickets: filtered keyset pagination and per-department queue statistics.
#include <algorithm>
#include <set>

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

struct Seeded {
  std::vector<StoredTicket> tickets;  // in id order
};

// 40 tickets spread over two departments, three statuses and two topics.
Seeded seed(TicketStore& store) {
  const std::vector<std::string> departments{"logistics", "finance"};
  const std::vector<std::string> statuses{"new", "in_progress", "resolved"};
  const std::vector<std::string> topics{"delivery", "refund"};
  Seeded seeded;
  for (std::size_t i = 0; i < 40; ++i) {
    NewTicket t = make_ticket("seed " + std::to_string(i), departments[i % 2], statuses[i % 3],
                              topics[(i / 2) % 2]);
    seeded.tickets.push_back(create_ok(store, t).ticket);
  }
  return seeded;
}

std::vector<std::int64_t> ids_newest_first(const Seeded& seeded,
                                           const std::function<bool(const StoredTicket&)>& keep) {
  std::vector<std::int64_t> ids;
  for (const auto& t : seeded.tickets) {
    if (keep(t)) ids.push_back(t.id);
  }
  std::reverse(ids.begin(), ids.end());
  return ids;
}

// Follows next_cursor to the end, returning every id seen in order.
std::vector<std::int64_t> page_through(TicketStore& store, TicketQuery query, int* pages) {
  std::vector<std::int64_t> ids;
  *pages = 0;
  for (;;) {
    auto page = store.list(query);
    REQUIRE(page);
    ++*pages;
    REQUIRE(page->tickets.size() <= static_cast<std::size_t>(query.limit));
    for (const auto& t : page->tickets) ids.push_back(t.id);
    if (page->next_cursor.empty()) break;
    REQUIRE(page->tickets.size() == static_cast<std::size_t>(query.limit));
    query.cursor = page->next_cursor;
    REQUIRE(*pages < 100);
  }
  return ids;
}

TEST_CASE("list pages through every matching ticket newest first without duplicates or gaps",
          "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const Seeded seeded = seed(*store);

  int pages = 0;
  const auto all = page_through(*store, {.limit = 7}, &pages);
  CHECK(all == ids_newest_first(seeded, [](const auto&) { return true; }));
  CHECK(pages == 6);

  const auto logistics = page_through(*store, {.department = "logistics", .limit = 5}, &pages);
  CHECK(logistics ==
        ids_newest_first(seeded, [](const auto& t) { return t.department == "logistics"; }));
  CHECK(pages == 4);  // 20 tickets fill four pages exactly; the fourth knows it is the last
  CHECK(std::set<std::int64_t>(logistics.begin(), logistics.end()).size() == logistics.size());
}

TEST_CASE("list combines department and status and topic filters", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  const Seeded seeded = seed(*store);

  int pages = 0;
  const auto ids = page_through(
      *store, {.department = "finance", .status = "new", .topic = "refund", .limit = 2}, &pages);
  const auto expected = ids_newest_first(seeded, [](const StoredTicket& t) {
    return t.department == "finance" && t.status == "new" && t.topic == "refund";
  });
  REQUIRE_FALSE(expected.empty());
  CHECK(ids == expected);

  auto by_status = store->list({.status = "resolved", .limit = 500});
  REQUIRE(by_status);
  for (const auto& t : by_status->tickets) CHECK(t.status == "resolved");
  CHECK(by_status->tickets.size() ==
        ids_newest_first(seeded, [](const auto& t) { return t.status == "resolved"; }).size());

  auto nothing = store->list({.department = "nobody"});
  REQUIRE(nothing);
  CHECK(nothing->tickets.empty());
  CHECK(nothing->next_cursor.empty());
}

TEST_CASE("list clamps the page size to between 1 and 500", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  Outcomes outcomes;
  for (int i = 0; i < 502; ++i) store->create(make_ticket("bulk"), outcomes.callback());
  outcomes.wait_for(502);

  for (const int tiny : {0, -5}) {
    auto page = store->list({.limit = tiny});
    REQUIRE(page);
    CHECK(page->tickets.size() == 1);
    CHECK_FALSE(page->next_cursor.empty());
  }
  auto huge = store->list({.limit = 100000});
  REQUIRE(huge);
  CHECK(huge->tickets.size() == 500);
  CHECK_FALSE(huge->next_cursor.empty());
}

TEST_CASE("a malformed list cursor is a bad request", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  seed(*store);
  auto first = store->list({.limit = 3});
  REQUIRE(first);
  REQUIRE_FALSE(first->next_cursor.empty());

  const std::vector<std::string> malformed{
      "garbage", "k", "k0", "kUUU", first->next_cursor + "!", "kZZZZZZZZZZZZZZ",
      " " + first->next_cursor};
  for (const std::string& cursor : malformed) {
    INFO("cursor '" << cursor << "'");
    auto page = store->list({.limit = 3, .cursor = cursor});
    REQUIRE_FALSE(page);
    CHECK(page.error().code == StoreError::Code::bad_request);
  }
}

TEST_CASE("queue_stats counts statuses and overdue tickets and finds the oldest open one",
          "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const Clock::time_point now = at_ms(1'000'000);
  const auto add = [&](const std::string& department, const std::string& status,
                       std::int64_t created_ms, std::optional<std::int64_t> due_ms) {
    NewTicket t = make_ticket("stats", department, status);
    t.received_at = at_ms(created_ms);
    if (due_ms) t.due_at = at_ms(*due_ms);
    create_ok(*store, t);
  };
  add("logistics", "resolved", 100, 200);         // closed statuses are never overdue or oldest
  add("logistics", "closed", 150, std::nullopt);
  add("logistics", "in_progress", 300, std::nullopt);
  add("logistics", "new", 400, 999'999);          // overdue
  add("logistics", "new", 500, 1'000'000);        // due exactly now: not yet overdue
  add("logistics", "new", 600, 2'000'000);
  add("finance", "new", 700, 5);                  // overdue
  add("archive", "closed", 800, 5);

  auto stats = store->queue_stats(now);

  REQUIRE(stats);
  REQUIRE(stats->size() == 3);
  const QueueStats& archive = (*stats)[0];
  const QueueStats& finance = (*stats)[1];
  const QueueStats& logistics = (*stats)[2];
  CHECK(archive.department == "archive");
  CHECK(archive.open == 0);
  CHECK(archive.overdue == 0);
  CHECK_FALSE(archive.oldest_open_created_at.has_value());
  CHECK(archive.by_status == std::map<std::string, std::int64_t>{{"closed", 1}});

  CHECK(finance.department == "finance");
  CHECK(finance.open == 1);
  CHECK(finance.overdue == 1);
  CHECK(finance.oldest_open_created_at == at_ms(700));

  CHECK(logistics.department == "logistics");
  CHECK(logistics.by_status == std::map<std::string, std::int64_t>{
                                   {"closed", 1}, {"in_progress", 1}, {"new", 3}, {"resolved", 1}});
  CHECK(logistics.open == 4);
  CHECK(logistics.overdue == 1);
  CHECK(logistics.oldest_open_created_at == at_ms(300));
}

TEST_CASE("queue_stats of an empty store is empty", "[storage]") {
  auto store = open_store({.path = ":memory:"});
  auto stats = store->queue_stats(at_ms(0));
  REQUIRE(stats);
  CHECK(stats->empty());
}

}  // namespace
}  // namespace triaged::storage::test

// Two stores on one database, as two triaged nodes on one PostgreSQL (or two processes on one
// SQLite file): a request retried on the other store, ids handed out by both, and two reports
// of one problem arriving at both at once. Each pair of writes is submitted to both stores
// before either is answered, so on PostgreSQL their transactions overlap.
#include <set>

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

// Two stores on `file`'s database, as two nodes would open it.
std::pair<std::unique_ptr<TicketStore>, std::unique_ptr<TicketStore>> two_nodes(const TempDatabase& file) {
  StoreOptions options = options_for(Backing::file, file);
  options.busy_timeout = std::chrono::seconds(30);  // SQLite: the other node's write lock
  auto a = open_store(options);
  auto b = open_store(options);
  return {std::move(a), std::move(b)};
}

}  // namespace

TEST_CASE("a request retried on the other node returns the ticket the first node created", "[storage][nodes]") {
  TempDatabase file;
  auto [a, b] = two_nodes(file);
  constexpr int kRequests = 20;
  Outcomes on_a, on_b;
  for (int i = 0; i < kRequests; ++i) {
    NewTicket t = make_ticket("retried " + std::to_string(i));
    t.idempotency_key = "key-" + std::to_string(i);
    a->create(t, on_a.callback());
    b->create(t, on_b.callback());
  }
  const auto from_a = on_a.wait_for(kRequests);
  const auto from_b = on_b.wait_for(kRequests);
  std::map<std::string, std::set<std::int64_t>> ids_by_key;
  int created = 0;
  for (const auto* outcomes : {&from_a, &from_b}) {
    for (const auto& outcome : *outcomes) {
      REQUIRE(outcome);
      ids_by_key[outcome->ticket.idempotency_key].insert(outcome->ticket.id);
      created += outcome->created ? 1 : 0;
      CHECK(outcome->created != outcome->replayed);
    }
  }
  CHECK(created == kRequests);
  REQUIRE(ids_by_key.size() == kRequests);
  for (const auto& [key, ids] : ids_by_key) {
    INFO(key);
    CHECK(ids.size() == 1);
  }
  auto count = a->count_tickets(std::nullopt);
  REQUIRE(count);
  CHECK(*count == kRequests);
}

TEST_CASE("two nodes creating at once never hand out one id or ref twice", "[storage][nodes]") {
  TempDatabase file;
  auto [a, b] = two_nodes(file);
  constexpr int kPerNode = 40;
  Outcomes on_a, on_b;
  for (int i = 0; i < kPerNode; ++i) {
    a->create(make_ticket("from a " + std::to_string(i)), on_a.callback());
    b->create(make_ticket("from b " + std::to_string(i)), on_b.callback());
  }
  std::set<std::int64_t> ids;
  std::set<std::string> refs;
  for (auto* outcomes : {&on_a, &on_b}) {
    for (const auto& outcome : outcomes->wait_for(kPerNode)) {
      REQUIRE(outcome);
      ids.insert(outcome->ticket.id);
      refs.insert(outcome->ticket.ref);
    }
  }
  CHECK(ids.size() == 2 * kPerNode);
  CHECK(refs.size() == 2 * kPerNode);
  for (const std::int64_t id : ids) {
    auto on_other = b->get(id);
    REQUIRE(on_other);
    CHECK(on_other->has_value());
  }
}

TEST_CASE("the same order reported to two nodes at once makes one ticket and one merge", "[storage][nodes]") {
  TempDatabase file;
  auto [a, b] = two_nodes(file);
  const auto report = [](const std::string& subject, std::int64_t at) {
    NewTicket t = make_ticket(subject);
    t.received_at = at_ms(at);
    t.requester_keys = {"ivan@example.ru", "+79161234567"};
    DuplicatePolicy policy;
    policy.window = std::chrono::hours(24);
    policy.match_values["order_id"] = "12345678";
    t.duplicates = policy;
    return t;
  };
  Outcomes on_a, on_b;
  a->create(report("where is order 12345678", kStartMs), on_a.callback());
  b->create(report("order 12345678 is late", kStartMs + 1), on_b.callback());
  const auto first = on_a.wait_for(1).front();
  const auto second = on_b.wait_for(1).front();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->created + second->created == 1);
  CHECK(first->merged + second->merged == 1);
  CHECK(first->ticket.id == second->ticket.id);
  auto count = a->count_tickets(std::nullopt);
  REQUIRE(count);
  CHECK(*count == 1);
  auto profile = b->find_requester({"ivan@example.ru", ""});
  REQUIRE(profile);
  REQUIRE(profile->has_value());
  CHECK((*profile)->tickets.size() == 1);
}

}  // namespace triaged::storage::test

// Requester profiles and repeats: tickets join the profile their keys name, remembered values
// are kept, and a repeat of an open ticket is merged into it or linked to it, decided in the
// writer's transaction.
#include <boost/json.hpp>

#include "storage/stats.h"
#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;
constexpr std::int64_t kHourMs = 3'600'000;

NewTicket from_ivan(const std::string& subject, std::int64_t at_ms_value, const std::string& order = "12345678",
                    const std::string& topic = "delivery", const std::string& department = "logistics") {
  NewTicket t = make_ticket(subject, department, "new", topic);
  t.received_at = at_ms(at_ms_value);
  t.ticket.requester = {"Иван", "Ivan@Example.ru", "8 916 123-45-67"};
  t.requester_keys = {"ivan@example.ru", "+79161234567"};
  t.remember = {{"phone", "8 916 123-45-67"}, {"name", "Иван"}};
  DuplicatePolicy policy;
  policy.window = std::chrono::hours(24 * 7);
  if (!order.empty()) policy.match_values["order_id"] = order;
  t.duplicates = policy;
  return t;
}

std::vector<std::string> event_kinds(TicketStore& store, std::int64_t id) {
  auto events = store.events(id);
  REQUIRE(events);
  std::vector<std::string> kinds;
  for (const auto& e : *events) kinds.push_back(e.kind);
  return kinds;
}

TEST_CASE("tickets with the same email or phone key share one requester profile", "[storage][requesters]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  NewTicket first = make_ticket("first");
  first.requester_keys = {"anna@example.com", ""};
  NewTicket second = make_ticket("second");
  second.requester_keys = {"", "+79000000001"};
  NewTicket third = make_ticket("third");  // both keys: joins the email's profile, adds the phone
  third.requester_keys = {"anna@example.com", "+79000000001"};
  const auto a = create_ok(*store, first).ticket;
  const auto b = create_ok(*store, second).ticket;
  const auto c = create_ok(*store, third).ticket;
  REQUIRE(a.requester_id);
  REQUIRE(b.requester_id);
  CHECK(a.requester_id != b.requester_id);
  CHECK(c.requester_id == a.requester_id);

  auto by_phone = store->find_requester({"", "+79000000001"});
  REQUIRE(by_phone);
  REQUIRE(by_phone->has_value());
  // The phone was first seen on b's profile and stays there: a key names one profile for good.
  CHECK((*by_phone)->id == *b.requester_id);
  auto by_email = store->find_requester({"anna@example.com", ""});
  REQUIRE(by_email);
  REQUIRE(by_email->has_value());
  CHECK((*by_email)->emails == std::vector<std::string>{"anna@example.com"});
  CHECK((*by_email)->phones.empty());
  REQUIRE((*by_email)->tickets.size() == 2);
  CHECK((*by_email)->tickets[0].ref == c.ref);  // newest first
  CHECK((*by_email)->tickets[1].ref == a.ref);
}

TEST_CASE("a ticket without keys has no requester profile", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const auto t = create_ok(*store, make_ticket("anonymous")).ticket;
  CHECK_FALSE(t.requester_id);
  auto found = store->find_requester({});
  REQUIRE(found);
  CHECK_FALSE(found->has_value());
}

TEST_CASE("remembered values keep the latest value and the ticket that gave it", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  NewTicket first = from_ivan("card", kStartMs, "11111111");
  first.remember["loyalty_card"] = "1234567890123";
  const auto a = create_ok(*store, first).ticket;
  NewTicket second = from_ivan("new card", kStartMs + kHourMs, "22222222");
  second.remember = {{"loyalty_card", "9999999999999"}};
  const auto b = create_ok(*store, second).ticket;
  auto profile = store->requester(*a.requester_id);
  REQUIRE(profile);
  REQUIRE(profile->has_value());
  const auto& values = (*profile)->values;
  REQUIRE(values.count("loyalty_card"));
  CHECK(values.at("loyalty_card").value == "9999999999999");
  CHECK(values.at("loyalty_card").ticket_ref == b.ref);
  CHECK(values.at("phone").value == "8 916 123-45-67");
  CHECK(values.at("phone").ticket_ref == a.ref);
  CHECK((*profile)->name == "Иван");
}

TEST_CASE("a repeat with the same order number is merged into the open ticket as a message", "[storage][requesters]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const auto first = create_ok(*store, from_ivan("late order", kStartMs)).ticket;
  NewTicket repeat = from_ivan("where is my order", kStartMs + kHourMs);
  repeat.ticket.channel = "phone";
  repeat.ticket.body = "Где заказ 12345678?";
  repeat.topic = "other";  // the order number decides, whatever the topic
  auto outcome = store->create_and_wait(repeat);
  REQUIRE(outcome);
  CHECK(outcome->merged);
  CHECK_FALSE(outcome->created);
  CHECK_FALSE(outcome->replayed);
  CHECK(outcome->matched_by == "order_id");
  CHECK(outcome->ticket.id == first.id);
  CHECK(outcome->ticket.updated_at == at_ms(kStartMs + kHourMs));

  auto count = store->count_tickets(std::nullopt);
  REQUIRE(count);
  CHECK(*count == 1);
  auto messages = store->messages(first.id);
  REQUIRE(messages);
  // The form's own first report is threaded before the repeat, so the thread reads in order.
  REQUIRE(messages->size() == 2);
  CHECK((*messages)[0].text == first.ticket.body);
  CHECK((*messages)[0].channel == "web");
  CHECK((*messages)[1].text == "Где заказ 12345678?");
  CHECK((*messages)[1].channel == "phone");
  CHECK((*messages)[1].id == outcome->message_id);
  CHECK(event_kinds(*store, first.id) == std::vector<std::string>{"created", "merged"});
  auto events = store->events(first.id);
  REQUIRE(events);
  const auto data = boost::json::parse(events->back().data_json).as_object();
  CHECK(data.at("channel").as_string() == "phone");
  CHECK(data.at("topic").as_string() == "other");
  CHECK(data.at("matched_by").as_string() == "order_id");
}

TEST_CASE("a repeat on the same topic about a different order stays a ticket of its own", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const auto first = create_ok(*store, from_ivan("late order", kStartMs, "12345678")).ticket;
  auto other = store->create_and_wait(from_ivan("another late order", kStartMs + kHourMs, "87654321"));
  REQUIRE(other);
  CHECK(other->created);
  CHECK_FALSE(other->merged);
  CHECK_FALSE(other->duplicate_of);
  CHECK(other->ticket.id != first.id);
  CHECK(other->ticket.requester_id == first.requester_id);
}

TEST_CASE("a repeat on the same topic without an order number is merged by topic", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const auto first = create_ok(*store, from_ivan("late order", kStartMs, "12345678")).ticket;
  auto repeat = store->create_and_wait(from_ivan("courier again", kStartMs + kHourMs, ""));
  REQUIRE(repeat);
  CHECK(repeat->merged);
  CHECK(repeat->matched_by == "topic");
  CHECK(repeat->ticket.id == first.id);
}

TEST_CASE("a topic match does not count at the default topic", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  NewTicket first = from_ivan("question", kStartMs, "", "other", "support_l1");
  first.duplicates->by_topic = false;
  create_ok(*store, first);
  NewTicket second = from_ivan("another question", kStartMs + kHourMs, "", "other", "support_l1");
  second.duplicates->by_topic = false;
  auto outcome = store->create_and_wait(second);
  REQUIRE(outcome);
  CHECK(outcome->created);
  CHECK_FALSE(outcome->merged);
}

TEST_CASE("repeats outside the window or of closed tickets are new tickets", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const auto first = create_ok(*store, from_ivan("late order", kStartMs)).ticket;
  auto late = store->create_and_wait(from_ivan("still late", kStartMs + 8 * 24 * kHourMs));
  REQUIRE(late);
  CHECK(late->created);

  StatusChange close;
  close.ticket_id = late->ticket.id;
  close.status = "resolved";
  close.at = at_ms(kStartMs + 8 * 24 * kHourMs + 1);
  REQUIRE(store->change_status(close));
  // first is outside the window, late is resolved: nothing to merge into.
  auto again = store->create_and_wait(from_ivan("once more", kStartMs + 8 * 24 * kHourMs + kHourMs));
  REQUIRE(again);
  CHECK(again->created);
  CHECK(again->ticket.id != first.id);
}

TEST_CASE("a repeat routed to another department is created and linked and never merged", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const auto first = create_ok(*store, from_ivan("late order", kStartMs)).ticket;
  auto refund = store->create_and_wait(from_ivan("refund please", kStartMs + kHourMs, "12345678", "refund", "finance"));
  REQUIRE(refund);
  CHECK(refund->created);
  CHECK_FALSE(refund->merged);
  REQUIRE(refund->duplicate_of);
  CHECK(*refund->duplicate_of == first.id);
  CHECK(refund->ticket.department == "finance");

  auto links = store->links(refund->ticket.id);
  REQUIRE(links);
  REQUIRE(links->size() == 1);
  CHECK((*links)[0].other_ref == first.ref);
  CHECK((*links)[0].kind == "duplicate_of");
  auto back = store->links(first.id);
  REQUIRE(back);
  REQUIRE(back->size() == 1);
  CHECK((*back)[0].kind == "duplicated_by");
  CHECK(event_kinds(*store, first.id) == std::vector<std::string>{"created", "linked"});
}

TEST_CASE("the link action creates and links a repeat in the same department", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const auto first = create_ok(*store, from_ivan("bad pills", kStartMs, "12345678", "product_quality", "quality")).ticket;
  NewTicket second = from_ivan("bad pills again", kStartMs + kHourMs, "12345678", "product_quality", "quality");
  second.duplicates->action = DuplicatePolicy::Action::link;
  auto outcome = store->create_and_wait(second);
  REQUIRE(outcome);
  CHECK(outcome->created);
  REQUIRE(outcome->duplicate_of);
  CHECK(*outcome->duplicate_of == first.id);
}

TEST_CASE("a replayed merged request finds its merge instead of merging twice", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const auto first = create_ok(*store, from_ivan("late order", kStartMs)).ticket;
  NewTicket repeat = from_ivan("where is it", kStartMs + kHourMs);
  repeat.idempotency_key = "call-42";
  repeat.request_hash = "h1";
  auto once = store->create_and_wait(repeat);
  REQUIRE(once);
  REQUIRE(once->merged);
  auto twice = store->create_and_wait(repeat);
  REQUIRE(twice);
  CHECK(twice->merged);
  CHECK(twice->replayed);
  CHECK(twice->ticket.id == first.id);
  CHECK(twice->message_id == once->message_id);
  auto messages = store->messages(first.id);
  REQUIRE(messages);
  CHECK(messages->size() == 2);

  repeat.request_hash = "h2";
  auto conflict = store->create_and_wait(repeat);
  REQUIRE_FALSE(conflict);
  CHECK(conflict.error().code == StoreError::Code::conflict);
}

TEST_CASE("two repeats in one batch merge into the first ticket and not into each other", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::file, TempDatabase()));
  Outcomes collector;
  for (int i = 0; i < 3; ++i) store->create(from_ivan("report " + std::to_string(i), kStartMs + i), collector.callback());
  auto outcomes = collector.wait_for(3);
  int created = 0, merged = 0;
  for (const auto& o : outcomes) {
    REQUIRE(o);
    created += o->created;
    merged += o->merged;
  }
  CHECK(created == 1);
  CHECK(merged == 2);
}

TEST_CASE("staff link and unlink tickets by hand with events on both", "[storage][requesters]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const auto a = create_ok(*store, make_ticket("a")).ticket;
  const auto b = create_ok(*store, make_ticket("b")).ticket;
  LinkChange link{a.id, b.id, false, "related", "same shop", "olga", at_ms(kStartMs)};
  auto linked = store->change_link(link);
  REQUIRE(linked);
  CHECK(linked->changed);
  auto again = store->change_link(link);
  REQUIRE(again);
  CHECK_FALSE(again->changed);
  auto links = store->links(b.id);
  REQUIRE(links);
  REQUIRE(links->size() == 1);
  CHECK((*links)[0].kind == "related");
  CHECK((*links)[0].other_id == a.id);

  LinkChange unlink = link;
  unlink.unlink = true;
  unlink.ticket_id = b.id;  // from either side
  unlink.other_id = a.id;
  auto removed = store->change_link(unlink);
  REQUIRE(removed);
  CHECK(removed->changed);
  links = store->links(a.id);
  REQUIRE(links);
  CHECK(links->empty());
  CHECK(event_kinds(*store, a.id) == std::vector<std::string>{"created", "linked", "unlinked"});

  LinkChange self{a.id, a.id, false, "related", "", "", at_ms(kStartMs)};
  auto refused = store->change_link(self);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == StoreError::Code::bad_request);
}

}  // namespace
}  // namespace triaged::storage::test

namespace triaged::storage::test {
namespace {

TEST_CASE("stats count repeats per channel and routed topic as merged or linked", "[storage][requesters]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  create_ok(*store, from_ivan("late order", kStartMs));  // web delivery: created
  NewTicket repeat = from_ivan("where is it", kStartMs + kHourMs);
  repeat.ticket.channel = "phone";
  auto merged = store->create_and_wait(repeat);  // phone delivery: merged
  REQUIRE(merged);
  REQUIRE(merged->merged);
  auto linked = store->create_and_wait(from_ivan("refund", kStartMs + 2 * kHourMs, "12345678", "refund", "finance"));
  REQUIRE(linked);  // web refund: linked
  REQUIRE(linked->duplicate_of);
  store->close();

  auto stats = read_stats(file.path(), {at_ms(kStartMs), at_ms(kStartMs + 24 * kHourMs), at_ms(kStartMs)});
  REQUIRE(stats);
  std::map<std::string, std::tuple<std::int64_t, std::int64_t, std::int64_t>> by;
  for (const auto& d : stats->duplicates) by[d.channel + "/" + d.topic] = {d.reports, d.merged, d.linked};
  CHECK(by == std::map<std::string, std::tuple<std::int64_t, std::int64_t, std::int64_t>>{
                  {"phone/delivery", {1, 1, 0}}, {"web/delivery", {1, 0, 0}}, {"web/refund", {1, 0, 1}}});
}

}  // namespace
}  // namespace triaged::storage::test

// Staff's side of a ticket's conversation: a reply is queued as mail and kept on the public
// thread; an internal note is kept apart, where no read of the thread or the events can reach
// its text. And deflections are stored rows.
#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kLaterMs = 1'700'000'000'000 + 60'000;

StaffReply reply_to(const StoredTicket& t, const std::string& text) {
  StaffReply r;
  r.ticket_id = t.id;
  r.at = at_ms(kLaterMs);
  r.author = "olga";
  r.mail.to_address = t.ticket.requester.email;
  r.mail.to_name = t.ticket.requester.name;
  r.mail.subject = "Re: [#{ref}] " + t.ticket.subject;
  r.mail.text = text;
  r.mail.message_id = "staff-1@triaged.test";
  r.mail.in_reply_to = "original@customer.test";
  r.mail.references = {"original@customer.test"};
  r.mail.purpose = "staff_reply";
  return r;
}

NewNote note_on(const StoredTicket& t, const std::string& text) {
  return NewNote{t.id, at_ms(kLaterMs), "olga", text};
}

}  // namespace

TEST_CASE("a staff reply is queued as mail and kept on the thread as an out message", "[storage][staff]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const StoredTicket ticket = create_ok(*store, make_ticket("late courier")).ticket;

  auto outcome = store->add_reply(reply_to(ticket, "Курьер будет завтра. Номер {ref}."));
  REQUIRE(outcome);
  CHECK(outcome->ticket.updated_at == at_ms(kLaterMs));

  auto due = store->due_outbox(at_ms(kLaterMs), 10);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].id == outcome->outbox_id);
  CHECK((*due)[0].mail.subject == "Re: [#" + ticket.ref + "] late courier");
  CHECK((*due)[0].mail.text == "Курьер будет завтра. Номер " + ticket.ref + ".");
  CHECK((*due)[0].mail.in_reply_to == "original@customer.test");
  CHECK((*due)[0].mail.purpose == "staff_reply");

  auto thread = store->messages(ticket.id);
  REQUIRE(thread);
  REQUIRE(thread->size() == 1);
  CHECK((*thread)[0].id == outcome->message_row_id);
  CHECK((*thread)[0].direction == "out");
  CHECK((*thread)[0].from_name == "olga");
  CHECK((*thread)[0].text == "Курьер будет завтра. Номер " + ticket.ref + ".");

  // The customer's answer to it threads back by our Message-ID.
  auto threaded = store->find_ticket_by_message_ids({"staff-1@triaged.test"});
  REQUIRE(threaded);
  CHECK(*threaded == std::optional<std::int64_t>(ticket.id));

  auto events = store->events(ticket.id);
  REQUIRE(events);
  CHECK(events->back().kind == "staff_reply");
}

TEST_CASE("a staff reply does not count against the daily cap on automatic replies", "[storage][staff]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  const StoredTicket ticket = create_ok(*store, make_ticket("late courier")).ticket;
  REQUIRE(store->add_reply(reply_to(ticket, "Первый ответ")));
  auto second = reply_to(ticket, "Второй ответ");
  second.mail.message_id = "staff-2@triaged.test";
  REQUIRE(store->add_reply(second));
  auto counted = store->replies_to_since(ticket.ticket.requester.email, at_ms(kLaterMs - 1000));
  REQUIRE(counted);
  CHECK(*counted == 0);
}

TEST_CASE("an internal note is never returned by the thread or the events", "[storage][staff]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const StoredTicket ticket = create_ok(*store, make_ticket("late courier")).ticket;
  REQUIRE(store->add_reply(reply_to(ticket, "Публичный ответ")));

  const std::string secret = "Клиент грубит; курьер Петров опоздал уже третий раз";
  auto note = store->add_note(note_on(ticket, secret));
  REQUIRE(note);
  CHECK(note->id > 0);
  CHECK(note->text == secret);

  auto notes = store->notes(ticket.id);
  REQUIRE(notes);
  REQUIRE(notes->size() == 1);
  CHECK((*notes)[0].text == secret);
  CHECK((*notes)[0].author == "olga");
  CHECK((*notes)[0].at == at_ms(kLaterMs));

  auto thread = store->messages(ticket.id);
  REQUIRE(thread);
  REQUIRE(thread->size() == 1);
  for (const auto& m : *thread) CHECK(m.text.find("Петров") == std::string::npos);
  auto events = store->events(ticket.id);
  REQUIRE(events);
  CHECK(events->back().kind == "note_added");
  for (const auto& e : *events) CHECK(e.data_json.find("Петров") == std::string::npos);
  auto outbox = store->due_outbox(at_ms(kLaterMs), 10);
  REQUIRE(outbox);
  for (const auto& item : *outbox) CHECK(item.mail.text.find("Петров") == std::string::npos);
}

TEST_CASE("notes of one ticket are not the notes of another", "[storage][staff]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  const StoredTicket first = create_ok(*store, make_ticket("first")).ticket;
  const StoredTicket second = create_ok(*store, make_ticket("second", "support", "new", "other")).ticket;
  REQUIRE(store->add_note(note_on(first, "one")));
  REQUIRE(store->add_note(note_on(first, "two")));
  auto notes = store->notes(second.id);
  REQUIRE(notes);
  CHECK(notes->empty());
  notes = store->notes(first.id);
  REQUIRE(notes);
  REQUIRE(notes->size() == 2);
  CHECK((*notes)[0].text == "one");
  CHECK((*notes)[1].text == "two");
}

TEST_CASE("a reply or a note on a ticket that does not exist is a bad request", "[storage][staff]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  StoredTicket ghost;
  ghost.id = 4242;
  auto reply = store->add_reply(reply_to(ghost, "hello"));
  REQUIRE_FALSE(reply);
  CHECK(reply.error().code == StoreError::Code::bad_request);
  auto note = store->add_note(note_on(ghost, "hello"));
  REQUIRE_FALSE(note);
  CHECK(note.error().code == StoreError::Code::bad_request);
}

TEST_CASE("a deflection is stored and one without a topic is a bad request", "[storage][staff]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto id = store->record_deflection({at_ms(kLaterMs), "delivery", "track", "phone"});
  REQUIRE(id);
  CHECK(*id > 0);
  auto bad = store->record_deflection({at_ms(kLaterMs), "", "track", "phone"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == StoreError::Code::bad_request);
}

}  // namespace triaged::storage::test

// The customer loop's storage on both backends: a create's acknowledgement (queued in the
// ticket's own transaction, under the daily cap, never for a merge or a replay), the thread a
// customer may read (messages in and out only, never notes, without addresses), and a staff
// reply as the first response on the SLA clock.
#include <algorithm>

#include "mail_test_support.h"
#include "storage/escalations.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

OutboxMail acknowledgement(const std::string& message_id, int daily_cap = 0) {
  OutboxMail ack;
  ack.to_address = "anna@example.com";
  ack.to_name = "Anna";
  ack.subject = "Your request [#{ref}]";
  ack.text = "We got it. Your number is {ref}.";
  ack.message_id = message_id;
  ack.purpose = "acknowledgement";
  ack.daily_cap = daily_cap;
  return ack;
}

// Counted underneath the store: due_outbox() claims what it returns on PostgreSQL, so a
// second look through it would not see the first one's rows.
std::string outbox_count(const TempDatabase& file) {
  RawConnection raw(file.path());
  return raw.query("SELECT count(*) FROM outbox");
}

bool has_event(TicketStore& store, std::int64_t ticket_id, const std::string& kind) {
  const auto kinds = event_kinds(store, ticket_id);
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

StaffReply staff_reply(const StoredTicket& t, std::int64_t at, const std::string& message_id) {
  StaffReply r;
  r.ticket_id = t.id;
  r.at = at_ms(at);
  r.author = "olga";
  r.mail.to_address = "anna@example.com";
  r.mail.subject = "Re: [#{ref}]";
  r.mail.text = "Answer from staff";
  r.mail.message_id = message_id;
  r.mail.purpose = "staff_reply";
  return r;
}

}  // namespace

TEST_CASE("a created ticket's acknowledgement is queued with its ref and threads back to it", "[storage][customer]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  NewTicket t = make_ticket("late courier");
  t.acknowledgement = acknowledgement("ack-1@triaged.test");
  const StoredTicket ticket = create_ok(*store, std::move(t)).ticket;

  auto due = store->due_outbox(at_ms(kStartMs), 10);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].ticket_id == ticket.id);
  CHECK((*due)[0].mail.subject == "Your request [#" + ticket.ref + "]");
  CHECK((*due)[0].mail.text == "We got it. Your number is " + ticket.ref + ".");
  CHECK((*due)[0].mail.purpose == "acknowledgement");
  CHECK(event_kinds(*store, ticket.id) == std::vector<std::string>{"created", "auto_reply_queued"});
  auto threaded = store->find_ticket_by_message_ids({"ack-1@triaged.test"});
  REQUIRE(threaded);
  CHECK(*threaded == std::optional<std::int64_t>(ticket.id));
}

TEST_CASE("an acknowledgement is not queued again for a replay or for a merge", "[storage][customer]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  NewTicket first = make_ticket("late courier");
  first.idempotency_key = "key-1";
  first.requester_keys = {"anna@example.com", ""};
  DuplicatePolicy policy;
  policy.window = std::chrono::hours(24);
  first.duplicates = policy;
  first.acknowledgement = acknowledgement("ack-1@triaged.test");
  const CreateOutcome made = create_ok(*store, first);
  REQUIRE(made.created);
  CHECK(outbox_count(file) == "1");

  const CreateOutcome replay = create_ok(*store, first);
  CHECK(replay.replayed);
  CHECK(outbox_count(file) == "1");

  NewTicket repeat = first;
  repeat.idempotency_key = "key-2";
  repeat.received_at = at_ms(kStartMs + 60'000);
  repeat.acknowledgement = acknowledgement("ack-2@triaged.test");
  const CreateOutcome merged = create_ok(*store, repeat);
  CHECK(merged.merged);
  CHECK(merged.ticket.id == made.ticket.id);
  CHECK(outbox_count(file) == "1");
}

TEST_CASE("an acknowledgement over the daily cap is suppressed and staff replies do not count", "[storage][customer]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  const StoredTicket earlier = create_ok(*store, make_ticket("earlier")).ticket;
  REQUIRE(store->add_reply(staff_reply(earlier, kStartMs, "staff-1@triaged.test")));
  REQUIRE(store->add_reply(staff_reply(earlier, kStartMs, "staff-2@triaged.test")));

  NewTicket second = make_ticket("second", "support", "new", "other");
  second.acknowledgement = acknowledgement("ack-2@triaged.test", 1);
  const StoredTicket acknowledged = create_ok(*store, std::move(second)).ticket;
  CHECK(has_event(*store, acknowledged.id, "auto_reply_queued"));

  NewTicket third = make_ticket("third", "billing", "new", "billing");
  third.acknowledgement = acknowledgement("ack-3@triaged.test", 1);
  const StoredTicket capped = create_ok(*store, std::move(third)).ticket;
  CHECK(event_kinds(*store, capped.id) == std::vector<std::string>{"created", "auto_reply_suppressed"});
  CHECK(outbox_count(file) == "3");  // two staff replies and one acknowledgement
}

TEST_CASE("the customer thread holds the messages in and out and nothing staff keep to themselves",
          "[storage][customer]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  MailWrite write = create_write("help@corp.example", "m1@x", "Where is my parcel", "needs_info");
  write.reply = make_reply("anna@example.com", "reply-1@triaged.test");
  const MailOutcome made = mail_ok(*store, std::move(write));
  const StoredTicket ticket = *made.ticket;
  MailWrite automatic = append_write(ticket.id, "help@corp.example", "auto@x", "Out of office");
  automatic.message.kind = "note";  // automatic mail kept for the record
  mail_ok(*store, std::move(automatic));
  REQUIRE(store->add_reply(staff_reply(ticket, kStartMs + 600'000, "staff-1@triaged.test")));
  REQUIRE(store->add_note(NewNote{ticket.id, at_ms(kStartMs + 700'000), "olga", "secret remark"}));

  auto thread = store->customer_thread(ticket.id);
  REQUIRE(thread);
  REQUIRE(thread->size() == 3);
  CHECK((*thread)[0].direction == "in");
  CHECK((*thread)[0].text == "Text of Where is my parcel");
  CHECK((*thread)[1].direction == "out");
  CHECK((*thread)[1].text == "Your ticket " + ticket.ref + " needs more. Quote " + ticket.ref + " when you reply.");
  CHECK((*thread)[2].direction == "out");
  CHECK((*thread)[2].text == "Answer from staff");
  for (const StoredMessage& m : *thread) {
    CHECK(m.kind == "message");
    CHECK(m.ticket_id == ticket.id);
    CHECK(m.from_address.empty());
    CHECK(m.to_address.empty());
    CHECK(m.from_name.empty());
    CHECK(m.mailbox.empty());
    CHECK(m.raw_size == 0);
    CHECK(m.attachments.empty());
    CHECK(m.text.find("secret") == std::string::npos);
  }
  auto none = store->customer_thread(ticket.id + 1000);
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("a staff reply is the first response on the SLA clock", "[storage][customer][sla]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto esc = open_escalations(*store);
  REQUIRE(esc);
  const StoredTicket ticket = create_ok(*store, make_ticket("unanswered")).ticket;
  REQUIRE(store->add_note(NewNote{ticket.id, at_ms(kStartMs + 30'000), "olga", "a note is no response"}));
  auto page = (*esc)->open_tickets(0, 10);
  REQUIRE(page);
  REQUIRE(page->tickets.size() == 1);
  CHECK_FALSE(page->tickets[0].first_response_at);

  REQUIRE(store->add_reply(staff_reply(ticket, kStartMs + 60'000, "staff-1@triaged.test")));
  page = (*esc)->open_tickets(0, 10);
  REQUIRE(page);
  REQUIRE(page->tickets.size() == 1);
  CHECK(page->tickets[0].first_response_at == at_ms(kStartMs + 60'000));
}

}  // namespace triaged::storage::test

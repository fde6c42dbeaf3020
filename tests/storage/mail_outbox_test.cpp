// The email path's automatic replies, threading lookups and quarantine.
#include "mail_test_support.h"

namespace triaged::storage::test {
namespace {

using Kind = MailOutcome::Kind;
using Catch::Matchers::Contains;

TEST_CASE("a queued reply carries the new ticket ref and is due in the outbox", "[storage][mail]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  MailWrite write = create_write("help@corp.example", "q@x", "Question", "needs_info");
  write.reply = make_reply("anna@example.com", "reply-1@triaged");

  const MailOutcome outcome = mail_ok(*store, write);

  REQUIRE(outcome.kind == Kind::created);
  CHECK(outcome.outbox_id > 0);
  const StoredTicket& ticket = *outcome.ticket;
  auto due = store->due_outbox(kReceived, 50);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  const OutboxItem& item = due->front();
  CHECK(item.id == outcome.outbox_id);
  CHECK(item.ticket_id == ticket.id);
  CHECK(item.ticket_ref == ticket.ref);
  CHECK(item.mail.subject == "Re: question [#" + ticket.ref + "]");
  CHECK(item.mail.text ==
        "Your ticket " + ticket.ref + " needs more. Quote " + ticket.ref + " when you reply.");
  CHECK(item.mail.references == std::vector<std::string>{"root@example.com", "original@example.com"});
  CHECK(item.mail.in_reply_to == "original@example.com");
  CHECK(item.mail.purpose == "needs_info");
  CHECK(item.status == "pending");
  CHECK(item.attempts == 0);
  CHECK(item.next_attempt_at == kReceived);
  CHECK_FALSE(item.sent_at);
  auto early = store->due_outbox(kReceived - std::chrono::seconds(1), 50);
  REQUIRE(early);
  CHECK(early->empty());

  auto messages = store->messages(ticket.id);
  REQUIRE(messages);
  REQUIRE(messages->size() == 2);
  CHECK(messages->back().direction == "out");
  CHECK(messages->back().message_id == "reply-1@triaged");
  CHECK(messages->back().to_address == "anna@example.com");
  CHECK(messages->back().subject == item.mail.subject);
  CHECK(messages->back().raw_size == 0);
  auto no_raw = store->raw_message(messages->back().id);
  REQUIRE(no_raw);
  CHECK_FALSE(no_raw->has_value());
  CHECK(event_kinds(*store, ticket.id) == std::vector<std::string>{"created", "auto_reply_queued"});

  auto threaded = store->find_ticket_by_message_ids({"unknown@x", "reply-1@triaged"});
  REQUIRE(threaded);
  CHECK(*threaded == ticket.id);
  auto unknown = store->find_ticket_by_message_ids({"unknown@x", ""});
  REQUIRE(unknown);
  CHECK_FALSE(unknown->has_value());
}

TEST_CASE("a reply on an append uses the existing ticket ref", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const MailOutcome first = mail_ok(*store, create_write("help@corp.example", "a@x", "First"));
  MailWrite write = append_write(first.ticket->id, "help@corp.example", "b@x", "Second");
  write.reply = make_reply("anna@example.com", "reply-2@triaged");

  const MailOutcome outcome = mail_ok(*store, write);

  CHECK(outcome.kind == Kind::appended);
  auto due = store->due_outbox(kReceived + std::chrono::hours(1), 50);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  CHECK(due->front().mail.subject == "Re: question [#" + first.ticket->ref + "]");
  CHECK(due->front().next_attempt_at == kReceived + std::chrono::minutes(5));
}

TEST_CASE("the most recently stored message wins a threading lookup", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const MailOutcome older = mail_ok(*store, create_write("help@corp.example", "old@x", "Old"));
  MailWrite newer_write = create_write("help@corp.example", "new@x", "New");
  newer_write.reply = make_reply("anna@example.com", "ours@triaged");
  const MailOutcome newer = mail_ok(*store, newer_write);

  auto found = store->find_ticket_by_message_ids({"ours@triaged", "old@x"});
  REQUIRE(found);
  CHECK(*found == newer.ticket->id);
  auto only_old = store->find_ticket_by_message_ids({"old@x"});
  REQUIRE(only_old);
  CHECK(*only_old == older.ticket->id);
}

TEST_CASE("mark_sent and mark_attempt_failed change the outbox status and add events",
          "[storage][mail]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  MailWrite first = create_write("help@corp.example", "s@x", "Sent");
  first.reply = make_reply("anna@example.com", "sent@triaged");
  const MailOutcome sent = mail_ok(*store, first);
  MailWrite second = create_write("help@corp.example", "f@x", "Failing");
  second.reply = make_reply("bob@example.com", "fail@triaged");
  const MailOutcome failing = mail_ok(*store, second);

  REQUIRE(store->mark_sent(sent.outbox_id, kReceived + std::chrono::seconds(3)));
  const auto retry_at = kReceived + std::chrono::minutes(10);
  REQUIRE(store->mark_attempt_failed(failing.outbox_id, "421 try later", retry_at));

  auto due_now = store->due_outbox(kReceived + std::chrono::minutes(1), 50);
  REQUIRE(due_now);
  CHECK(due_now->empty());
  auto due_later = store->due_outbox(retry_at, 50);
  REQUIRE(due_later);
  REQUIRE(due_later->size() == 1);
  CHECK(due_later->front().attempts == 1);
  CHECK(due_later->front().last_error == "421 try later");

  REQUIRE(store->mark_attempt_failed(failing.outbox_id, "550 no such user", std::nullopt));
  auto due_never = store->due_outbox(retry_at + std::chrono::hours(100), 50);
  REQUIRE(due_never);
  CHECK(due_never->empty());

  RawConnection raw(file.path());
  CHECK(raw.query("SELECT status FROM outbox WHERE id = " + std::to_string(sent.outbox_id)) ==
        "sent");
  CHECK(raw.query("SELECT sent_at FROM outbox WHERE id = " + std::to_string(sent.outbox_id)) ==
        std::to_string(1'700'000'003'000));
  CHECK(raw.query("SELECT status || ' ' || attempts FROM outbox WHERE id = " +
                  std::to_string(failing.outbox_id)) == "failed 2");
  CHECK(event_kinds(*store, sent.ticket->id).back() == "auto_reply_sent");
  auto events = store->events(failing.ticket->id);
  REQUIRE(events);
  REQUIRE(events->size() == 4);
  CHECK((*events)[2].kind == "auto_reply_failed");
  CHECK_THAT((*events)[2].data_json, Contains(R"("gave_up":false)"));
  CHECK_THAT((*events)[3].data_json, Contains(R"("gave_up":true)") && Contains("550"));
  CHECK(store->mark_sent(9999, kReceived).error().code == StoreError::Code::bad_request);
}

TEST_CASE("replies_to_since counts by address in any case and from the given time",
          "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  for (int i = 0; i < 3; ++i) {
    MailWrite write = create_write("help@corp.example", "c" + std::to_string(i) + "@x", "Cap");
    write.received_at = kReceived + std::chrono::hours(i);
    write.reply = make_reply(i == 1 ? "Anna@Example.COM" : "anna@example.com",
                             "cap" + std::to_string(i) + "@triaged");
    mail_ok(*store, write);
  }

  auto all = store->replies_to_since("ANNA@example.com", kReceived);
  auto later = store->replies_to_since("anna@example.com", kReceived + std::chrono::hours(1));
  auto other = store->replies_to_since("bob@example.com", kReceived);

  REQUIRE(all);
  CHECK(*all == 3);
  REQUIRE(later);
  CHECK(*later == 2);
  REQUIRE(other);
  CHECK(*other == 0);
}

TEST_CASE("a quarantined mail keeps its raw bytes and can be marked reprocessed",
          "[storage][mail]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const std::string bytes = "From: x\r\n\r\nnul\0byte and \xff\xfe"s;
  const MailOutcome held = mail_ok(*store, quarantine_write("help@corp.example", "", bytes));
  const MailOutcome ticketed = mail_ok(*store, create_write("help@corp.example", "t@x", "T"));

  CHECK(held.kind == Kind::quarantined);
  CHECK(held.quarantine_id > 0);
  CHECK_FALSE(held.ticket);
  auto listed = store->quarantined("held", 10);
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().id == held.quarantine_id);
  CHECK(listed->front().raw_size == static_cast<std::int64_t>(bytes.size()));
  CHECK(listed->front().raw.empty());
  CHECK(listed->front().reason == "cannot be parsed: test");
  CHECK(listed->front().at == kReceived);
  auto entry = store->get_quarantined(held.quarantine_id);
  REQUIRE(entry);
  REQUIRE(entry->has_value());
  CHECK((*entry)->raw == bytes);
  CHECK((*entry)->status == "held");

  REQUIRE(store->mark_reprocessed(held.quarantine_id, ticketed.ticket->id));

  auto still_held = store->quarantined("held", 10);
  REQUIRE(still_held);
  CHECK(still_held->empty());
  auto reprocessed = store->quarantined("", 0);
  REQUIRE(reprocessed);
  REQUIRE(reprocessed->size() == 1);
  CHECK(reprocessed->front().status == "reprocessed");
  CHECK(reprocessed->front().ticket_id == ticketed.ticket->id);
  CHECK(store->mark_reprocessed(9999, std::nullopt).error().code ==
        StoreError::Code::bad_request);
}

TEST_CASE("a quarantined message delivered again is a duplicate of its entry", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const MailOutcome first = mail_ok(*store, quarantine_write("help@corp.example", "b@x", "raw"));
  const MailOutcome again = mail_ok(*store, quarantine_write("help@corp.example", "b@x", "raw"));
  const MailOutcome elsewhere = mail_ok(*store, quarantine_write("sales@corp.example", "b@x", "r"));

  CHECK(again.kind == Kind::duplicate);
  CHECK(again.quarantine_id == first.quarantine_id);
  CHECK_FALSE(again.ticket);
  CHECK(elsewhere.kind == Kind::quarantined);
  auto listed = store->quarantined("", 50);
  REQUIRE(listed);
  CHECK(listed->size() == 2);
}

TEST_CASE("reprocessing a quarantined message may make a ticket once", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const MailOutcome held = mail_ok(*store, quarantine_write("help@corp.example", "auto@x", "r"));

  const MailOutcome made = mail_ok(*store, create_write("help@corp.example", "auto@x", "Now"));
  const MailOutcome again = mail_ok(*store, create_write("help@corp.example", "auto@x", "Now"));
  const MailOutcome requarantined =
      mail_ok(*store, quarantine_write("help@corp.example", "auto@x", "r"));

  CHECK(made.kind == Kind::created);
  CHECK(again.kind == Kind::duplicate);
  CHECK(again.ticket->id == made.ticket->id);
  CHECK(requarantined.kind == Kind::duplicate);
  REQUIRE(requarantined.ticket);
  CHECK(requarantined.ticket->id == made.ticket->id);
  CHECK(held.quarantine_id > 0);
}

}  // namespace
}  // namespace triaged::storage::test

namespace triaged::storage::test {
namespace {

TEST_CASE("the daily reply cap holds for parallel writes in one batch", "[storage][mail]") {
  TempDatabase file;
  auto store = open_store(batching_options(file, 3));
  MailOutcomes outcomes;
  for (const char* id : {"p1@x", "p2@x", "p3@x"}) {
    MailWrite write = create_write("help@corp.example", id, id, "needs_info");
    write.reply = make_reply("Anna@Example.com", std::string("reply-") + id);
    write.reply->daily_cap = 2;
    store->write_mail(std::move(write), outcomes.callback());
  }
  auto results = outcomes.wait_for(3);
  CHECK(store->transactions_committed() == 1);
  int queued = 0;
  for (const auto& r : results) {
    REQUIRE(r);
    if (r->outbox_id != 0) ++queued;
  }
  CHECK(queued == 2);
  const auto suppressed = std::find_if(results.begin(), results.end(), [](const auto& r) { return r->outbox_id == 0; });
  REQUIRE(suppressed != results.end());
  CHECK(event_kinds(*store, (*suppressed)->ticket->id) == std::vector<std::string>{"created", "auto_reply_suppressed"});
}

TEST_CASE("an update that no longer applies skips the events and reply decided for it", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const MailOutcome first = mail_ok(*store, create_write("help@corp.example", "a@x", "First", "new"));
  MailWrite write = append_write(first.ticket->id, "help@corp.example", "b@x", "Second");
  TicketUpdate update;
  update.status = "new";
  update.only_if_status = "needs_info";
  write.update = update;
  write.events.push_back({"fields_completed", "{}"});
  write.reply = make_reply("anna@example.com", "reply-skip@triaged");

  const MailOutcome outcome = mail_ok(*store, write);

  CHECK(outcome.kind == Kind::appended);
  CHECK_FALSE(outcome.update_applied);
  CHECK(outcome.outbox_id == 0);
  CHECK(event_kinds(*store, first.ticket->id) == std::vector<std::string>{"created", "message_received"});
}

}  // namespace
}  // namespace triaged::storage::test

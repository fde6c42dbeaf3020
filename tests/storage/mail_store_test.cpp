// The email path's writes: tickets made and appended to by mail, duplicates, links, close.
#include <algorithm>

#include "mail_test_support.h"

namespace triaged::storage::test {
namespace {

using Kind = MailOutcome::Kind;

TEST_CASE("a mail that creates a ticket stores the ticket with its message and attachments",
          "[storage][mail]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  MailWrite write = create_write("help@corp.example", "m1@example.com", "Broken printer");
  const std::string pdf = "%PDF\0\x01\xff binary"s;
  write.message.attachments.push_back(
      {.filename = "scan.pdf", .content_type = "application/pdf", .size = 13, .sha256 = "abc",
       .data = pdf});
  write.message.attachments.push_back({.filename = "huge.zip",
                                       .content_type = "application/zip",
                                       .size = 99'000'000,
                                       .dropped = true,
                                       .drop_reason = "too large"});
  write.events.push_back({"needs_info", R"({"missing":[]})"});

  const MailOutcome outcome = mail_ok(*store, write);

  CHECK(outcome.kind == Kind::created);
  REQUIRE(outcome.ticket);
  CHECK(outcome.ticket->ticket.subject == "Broken printer");
  CHECK(outcome.ticket->created_at == kReceived);
  CHECK(outcome.message_id > 0);
  CHECK(outcome.outbox_id == 0);
  CHECK(event_kinds(*store, outcome.ticket->id) == std::vector<std::string>{"created", "needs_info"});

  auto messages = store->messages(outcome.ticket->id);
  REQUIRE(messages);
  REQUIRE(messages->size() == 1);
  const StoredMessage& m = messages->front();
  CHECK(m.id == outcome.message_id);
  CHECK(m.direction == "in");
  CHECK(m.mailbox == "help@corp.example");
  CHECK(m.message_id == "m1@example.com");
  CHECK(m.from_address == "anna@example.com");
  CHECK(m.text == "Text of Broken printer");
  CHECK(m.at == kReceived);
  CHECK(m.raw_size == static_cast<std::int64_t>(write.message.raw.size()));
  REQUIRE(m.attachments.size() == 2);
  CHECK(m.attachments[0].filename == "scan.pdf");
  CHECK(m.attachments[0].data.empty());
  CHECK(m.attachments[0].size == 13);
  CHECK(m.attachments[1].dropped);
  CHECK(m.attachments[1].drop_reason == "too large");

  auto attachment = store->attachment(m.attachments[0].id);
  REQUIRE(attachment);
  REQUIRE(attachment->has_value());
  CHECK((*attachment)->data == pdf);
  CHECK((*attachment)->sha256 == "abc");
  auto raw = store->raw_message(m.id);
  REQUIRE(raw);
  REQUIRE(raw->has_value());
  CHECK(**raw == write.message.raw);
  auto missing = store->attachment(9999);
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("the same message delivered twice to one mailbox is a duplicate of the first ticket",
          "[storage][mail]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  const MailOutcome first = mail_ok(*store, create_write("help@corp.example", "m1@x", "First"));

  const MailOutcome again = mail_ok(*store, create_write("help@corp.example", "m1@x", "Again"));
  MailWrite as_append = append_write(first.ticket->id, "help@corp.example", "m1@x", "Again");
  const MailOutcome appended_again = mail_ok(*store, as_append);

  for (const MailOutcome& duplicate : {again, appended_again}) {
    CHECK(duplicate.kind == Kind::duplicate);
    REQUIRE(duplicate.ticket);
    CHECK(duplicate.ticket->id == first.ticket->id);
    CHECK(duplicate.message_id == first.message_id);
    CHECK(duplicate.quarantine_id == 0);
  }
  RawConnection raw(file.path());
  CHECK(raw.query("SELECT count(*) FROM tickets") == "1");
  CHECK(raw.query("SELECT count(*) FROM messages") == "1");
  CHECK(event_kinds(*store, first.ticket->id) == std::vector<std::string>{"created"});
}

TEST_CASE("two deliveries of one message in the same batch store it once", "[storage][mail]") {
  TempDatabase file;
  auto store = open_store(batching_options(file, 2));
  MailOutcomes outcomes;

  store->write_mail(create_write("help@corp.example", "same@x", "One"), outcomes.callback());
  store->write_mail(create_write("help@corp.example", "same@x", "Two"), outcomes.callback());
  auto results = outcomes.wait_for(2);

  CHECK(store->transactions_committed() == 1);
  REQUIRE(results[0]);
  REQUIRE(results[1]);
  CHECK(results[0]->kind == Kind::created);
  CHECK(results[1]->kind == Kind::duplicate);
  REQUIRE(results[1]->ticket);
  CHECK(results[1]->ticket->id == results[0]->ticket->id);
  RawConnection raw(file.path());
  CHECK(raw.query("SELECT count(*) FROM tickets") == "1");
}

TEST_CASE("the same message id at two mailboxes makes two tickets", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const MailOutcome sales = mail_ok(*store, create_write("sales@corp.example", "cc@x", "Hi"));
  const MailOutcome help = mail_ok(*store, create_write("help@corp.example", "cc@x", "Hi"));

  CHECK(sales.kind == Kind::created);
  CHECK(help.kind == Kind::created);
  CHECK(sales.ticket->id != help.ticket->id);
}

TEST_CASE("mail without a message id is never a duplicate", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const MailOutcome first = mail_ok(*store, create_write("help@corp.example", "", "No id"));
  const MailOutcome second = mail_ok(*store, create_write("help@corp.example", "", "No id"));

  CHECK(first.kind == Kind::created);
  CHECK(second.kind == Kind::created);
  CHECK(first.ticket->id != second.ticket->id);
}

TEST_CASE("two racing replies release a needs_info ticket once", "[storage][mail]") {
  TempDatabase file;
  auto store = open_store(batching_options(file, 2));
  const MailOutcome asked =
      mail_ok(*store, create_write("help@corp.example", "q@x", "Question", "needs_info"));
  const std::int64_t id = asked.ticket->id;
  MailOutcomes outcomes;

  for (const char* reply_id : {"r1@x", "r2@x"}) {
    MailWrite reply = append_write(id, "help@corp.example", reply_id, "Re: Question");
    TicketUpdate update;
    update.status = "new";
    update.fields_json = R"({"order":"A-1"})";
    update.due_at = kReceived + std::chrono::hours(8);
    update.only_if_status = "needs_info";
    reply.update = update;
    reply.events.push_back({"fields_completed", "{}"});
    store->write_mail(std::move(reply), outcomes.callback());
  }
  auto results = outcomes.wait_for(2);

  REQUIRE(results[0]);
  REQUIRE(results[1]);
  CHECK(results[0]->kind == Kind::appended);
  CHECK(results[1]->kind == Kind::appended);
  CHECK(results[0]->update_applied != results[1]->update_applied);
  REQUIRE(results[1]->ticket);
  CHECK(results[1]->ticket->status == "new");
  CHECK(results[1]->ticket->ticket.fields.at("order") == "A-1");
  CHECK(results[1]->ticket->due_at == kReceived + std::chrono::hours(8));
  CHECK(results[1]->ticket->updated_at == kReceived + std::chrono::minutes(5));
  // The second reply is kept as a message, but what was decided for releasing the ticket
  // (its events) is not written again once the first reply released it.
  CHECK(event_kinds(*store, id) ==
        std::vector<std::string>{"created", "message_received", "status_changed",
                                 "fields_completed", "message_received"});
  auto messages = store->messages(id);
  REQUIRE(messages);
  CHECK(messages->size() == 3);
}

TEST_CASE("appending to a missing ticket fails with bad_request and writes nothing",
          "[storage][mail]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  MailWrite write = append_write(42, "help@corp.example", "lost@x", "Lost");
  write.events.push_back({"threaded", "{}"});
  write.reply = make_reply("anna@example.com", "reply-lost@triaged");

  auto outcome = store->write_mail_and_wait(write);

  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().code == StoreError::Code::bad_request);
  CHECK_THAT(outcome.error().message, Catch::Matchers::Contains("42"));
  RawConnection raw(file.path());
  CHECK(raw.query("SELECT count(*) FROM messages") == "0");
  CHECK(raw.query("SELECT count(*) FROM outbox") == "0");
  CHECK(raw.query("SELECT count(*) FROM ticket_events") == "0");
}

TEST_CASE("a link records linked events on both tickets", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  const StoredTicket other = create_ok(*store, make_ticket("Someone else")).ticket;
  MailWrite write = create_write("help@corp.example", "tagged@x", "Re: [#" + other.ref + "]");
  write.link_to = other.id;
  write.events.push_back({"foreign_tag", "{}"});

  const MailOutcome outcome = mail_ok(*store, write);

  REQUIRE(outcome.kind == Kind::created);
  auto mine = store->events(outcome.ticket->id);
  REQUIRE(mine);
  REQUIRE(mine->size() == 3);
  CHECK((*mine)[1].kind == "linked");
  CHECK_THAT((*mine)[1].data_json, Catch::Matchers::Contains(other.ref) &&
                                       Catch::Matchers::Contains("reason"));
  CHECK((*mine)[2].kind == "foreign_tag");
  auto theirs = store->events(other.id);
  REQUIRE(theirs);
  REQUIRE(theirs->size() == 2);
  CHECK(theirs->back().kind == "linked");
  CHECK_THAT(theirs->back().data_json, Catch::Matchers::Contains(outcome.ticket->ref));
}

TEST_CASE("after close write_mail and the outbox writes answer closed", "[storage][mail]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase()));
  store->close();

  auto outcome = store->write_mail_and_wait(create_write("help@corp.example", "late@x", "Late"));

  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().code == StoreError::Code::closed);
  CHECK(store->mark_sent(1, kReceived).error().code == StoreError::Code::closed);
  CHECK(store->mark_attempt_failed(1, "x", std::nullopt).error().code == StoreError::Code::closed);
  CHECK(store->mark_reprocessed(1, std::nullopt).error().code == StoreError::Code::closed);
}

}  // namespace
}  // namespace triaged::storage::test

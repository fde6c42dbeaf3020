// The steps of the email path one at a time (intake/email_steps.h), on a store filled through
// the API. email_ingest_test.cpp runs them together, through the endpoint.
#include <catch2/catch.hpp>

#include "api_harness.h"
#include "intake/email_steps.h"
#include "intake/mail_ticket.h"
#include "mail_samples.h"

namespace triaged::testing {
namespace {

namespace email = daemon::email;
using storage::MailWrite;

mail::ParsedMessage parse(const std::string& raw) {
  auto m = mail::parse_message(raw, {});
  REQUIRE(m);
  return *m;
}

std::shared_ptr<const routing::RuleSet> mail_rules() {
  auto loaded = rules::load_rules_text(kMailRules, "mail-rules.yaml");
  REQUIRE(loaded);
  return loaded->rules;
}

// A needs_info ticket of Ivan's (no order number), and the question we sent him.
struct Waiting {
  storage::StoredTicket ticket;
  std::string question_id;
};
Waiting waiting_ticket(ApiHarness& api) {
  auto body = body_json(api.post_email(mail("Ivan <ivan@example.com>", "Courier is late", "Nobody came.")));
  REQUIRE(str(body.at("outcome")) == "needs_info");
  auto ticket = api.store().get_by_ref(str(body.at("ticket").at("ref")));
  REQUIRE(ticket);
  REQUIRE(*ticket);
  auto due = api.store().due_outbox(test_epoch() + std::chrono::hours(1000), 10);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  return {**ticket, due->at(0).mail.message_id};
}

std::vector<std::string> event_kinds(const MailWrite& w) {
  std::vector<std::string> kinds;
  for (const auto& e : w.events) kinds.push_back(e.kind);
  return kinds;
}

TEST_CASE("find_thread threads on our Message-ID and on a tag only from the ticket's requester", "[email]") {
  ApiHarness api(kMailRules);
  const auto waiting = waiting_ticket(api);
  const std::string tag = "Re: [#" + waiting.ticket.ref + "] Courier is late";

  auto by_id = email::find_thread(api.store(), api.store(),
                                  parse(mail("Someone <x@example.org>", "Re: hello", "Hi", "In-Reply-To: <" +
                                                                                    waiting.question_id + ">\r\n")));
  REQUIRE(by_id);
  REQUIRE(by_id->ticket);
  CHECK(by_id->ticket->id == waiting.ticket.id);
  CHECK(by_id->threaded_by == "message-id");
  CHECK_FALSE(by_id->foreign);

  auto by_tag = email::find_thread(api.store(), api.store(), parse(mail("IVAN@example.com", tag, "Order 12345678")));
  REQUIRE(by_tag);
  REQUIRE(by_tag->ticket);
  CHECK(by_tag->threaded_by == "subject tag");

  auto foreign = email::find_thread(api.store(), api.store(), parse(mail("olga@example.com", tag, "Me too")));
  REQUIRE(foreign);
  CHECK_FALSE(foreign->ticket);
  REQUIRE(foreign->foreign);
  CHECK(foreign->foreign->id == waiting.ticket.id);
}

TEST_CASE("automatic mail on its thread is a note and without one is quarantined", "[email]") {
  ApiHarness api(kMailRules);
  const auto waiting = waiting_ticket(api);
  const auto vacation = parse(mail("ivan@example.com", "Out of office", "Back on Monday.", "Auto-Submitted: auto-replied\r\n"));
  REQUIRE(vacation.is_automatic());

  MailWrite lost;
  email::file_automatic(lost, vacation, email::Thread{}, "support@shop.example", "raw bytes");
  CHECK(lost.kind == MailWrite::Kind::quarantine);
  CHECK_THAT(lost.quarantine_reason, Catch::StartsWith("automatic message (") && Catch::EndsWith("that matches no ticket"));
  CHECK(lost.raw == "raw bytes");

  MailWrite noted;
  email::file_automatic(noted, vacation, email::Thread{waiting.ticket, "message-id", {}}, "support@shop.example", "raw");
  CHECK(noted.kind == MailWrite::Kind::append_to_ticket);
  CHECK(noted.ticket_id == waiting.ticket.id);
  CHECK(noted.message.kind == "note");
  CHECK(event_kinds(noted) == std::vector<std::string>{"automatic_mail"});
  CHECK_FALSE(noted.reply);
}

// A reply bringing the order number to the waiting ticket, from `from`, as file_reply files it.
struct FiledReply {
  MailWrite w;
  storage::Result<email::ReplyEffect> effect;
};
FiledReply file_reply_from(ApiHarness& api, const Waiting& waiting, const routing::RuleSet& rules,
                           const std::string& from) {
  const auto now = test_epoch() + std::chrono::minutes(5);
  const auto m = parse(mail(from, "Re: Courier is late", "Order 12345678"));
  const email::Asker asker(api.store(), rules, {}, m, "support@shop.example", now);
  FiledReply filed;
  filed.effect = email::file_reply(filed.w, m, waiting.ticket, "message-id", rules, now, asker);
  return filed;
}

TEST_CASE("a requester's reply with the missing field releases the ticket and a colleague's only adds to it", "[email]") {
  ApiHarness api(kMailRules);
  const auto waiting = waiting_ticket(api);
  const auto rules = mail_rules();

  auto [w, effect] = file_reply_from(api, waiting, *rules, "Ivan <ivan@example.com>");
  REQUIRE(effect);
  CHECK(effect->released);
  CHECK(effect->missing.empty());
  CHECK(w.kind == MailWrite::Kind::append_to_ticket);
  REQUIRE(w.update);
  CHECK(w.update->status == "new");
  CHECK(w.update->only_if_status == "needs_info");
  REQUIRE(w.update->fields_json);
  CHECK_THAT(*w.update->fields_json, Catch::Contains("12345678"));
  CHECK(event_kinds(w) == std::vector<std::string>{"threaded", "fields_completed"});
  CHECK_FALSE(w.reply);

  auto [cc, added] = file_reply_from(api, waiting, *rules, "Olga <olga@shop.example>");
  REQUIRE(added);
  CHECK_FALSE(added->released);
  CHECK_FALSE(cc.update);
  CHECK(event_kinds(cc) == std::vector<std::string>{"threaded"});
}

TEST_CASE("a new incomplete mail waits for data asks its sender and links the foreign ticket it names", "[email]") {
  ApiHarness api(kMailRules);
  const auto waiting = waiting_ticket(api);
  const auto rules = mail_rules();
  const auto now = test_epoch() + std::chrono::minutes(5);
  const auto m = parse(mail("Olga <olga@example.com>", "[#" + waiting.ticket.ref + "] The courier is late", "Nobody came."));

  const email::Asker asker(api.store(), *rules, {}, m, "support@shop.example", now);
  MailWrite w;
  auto missing = email::file_new_ticket(w, api.store(), m, email::Thread{{}, "", waiting.ticket}, *rules, now, asker);
  REQUIRE(missing);
  CHECK(*missing == std::vector<std::string>{"order_id"});
  CHECK(w.kind == MailWrite::Kind::create_ticket);
  CHECK(w.ticket.status == "needs_info");
  CHECK(w.ticket.topic == "delivery");
  CHECK_FALSE(w.ticket.due_at);
  REQUIRE(w.reply);
  CHECK(w.reply->to_address == "olga@example.com");
  CHECK(w.link_to == waiting.ticket.id);
  CHECK(event_kinds(w) == std::vector<std::string>{"needs_info", "foreign_tag"});
}

TEST_CASE("the asker never writes to our own mailbox and stops at the daily cap", "[email]") {
  ApiHarness api(kMailRules);
  const auto rules = mail_rules();
  const auto now = test_epoch() + std::chrono::minutes(5);
  const auto d = routing::route(*rules, daemon::ticket_from_mail(parse(mail("Ivan <ivan@example.com>", "Courier", "Late"))), now);
  REQUIRE_FALSE(d.complete());

  const auto ours = parse(mail("support@shop.example", "Courier", "Late"));
  MailWrite loop;
  REQUIRE(email::Asker(api.store(), *rules, {}, ours, "support@shop.example", now).ask(loop, d, nullptr));
  CHECK_FALSE(loop.reply);
  CHECK(event_kinds(loop) == std::vector<std::string>{"auto_reply_suppressed"});

  waiting_ticket(api);  // one question to ivan@example.com already
  const auto ivan = parse(mail("Ivan <ivan@example.com>", "Courier", "Late"));
  daemon::EmailOptions one_a_day;
  one_a_day.max_auto_replies_per_day = 1;
  MailWrite capped;
  REQUIRE(email::Asker(api.store(), *rules, one_a_day, ivan, "support@shop.example", now).ask(capped, d, nullptr));
  CHECK_FALSE(capped.reply);
  CHECK_THAT(capped.events.at(0).data_json, Catch::Contains("daily automatic reply limit reached"));
}

TEST_CASE("the store's outcome becomes merged or released only when its update applied or quarantined with its reason", "[email]") {
  storage::StoredTicket t;
  t.ref = "K7M-3QX";
  t.status = "new";
  storage::MailOutcome merged;
  merged.kind = storage::MailOutcome::Kind::appended;
  merged.merged = true;
  merged.ticket = t;
  const auto m = email::result_of(merged, {}, false, "");
  CHECK(m.outcome == "merged");
  CHECK(m.reason == "repeats open ticket K7M-3QX of the same requester");

  storage::MailOutcome appended;
  appended.kind = storage::MailOutcome::Kind::appended;
  appended.ticket = t;
  CHECK_FALSE(email::result_of(appended, {}, true, "").released);
  appended.update_applied = true;
  CHECK(email::result_of(appended, {}, true, "").released);

  storage::MailOutcome held;
  held.kind = storage::MailOutcome::Kind::quarantined;
  held.quarantine_id = 7;
  const auto q = email::result_of(held, {}, false, "cannot be parsed: no header");
  CHECK(q.outcome == "quarantined");
  CHECK(q.quarantine_id == 7);
  CHECK(q.reason == "cannot be parsed: no header");
}

}  // namespace
}  // namespace triaged::testing

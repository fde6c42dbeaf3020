// The email path in-process: POST /api/v1/ingest/email through Api with a real store, the test
// rule set (with an `extract` for the order number) and the test clock.
#include <catch2/catch.hpp>

#include "api_harness.h"
#include "mail_samples.h"

namespace triaged::testing {
namespace {

namespace json = boost::json;

std::vector<storage::OutboxItem> outbox(ApiHarness& api) {
  auto due = api.store().due_outbox(test_epoch() + std::chrono::hours(1000), 100);
  REQUIRE(due);
  return *due;
}

TEST_CASE("an email missing a field is stored as needs_info and a reply in the rule set language asks for it",
          "[email]") {
  ApiHarness api(kMailRules);
  auto res = api.post_email(mail("Ivan <ivan@example.com>", "Courier is late", "The courier never came."));
  REQUIRE(res.status == 201);
  auto body = body_json(res);
  CHECK(str(body.at("outcome")) == "needs_info");
  CHECK(body.at("missing").as_array() == json::array{"order_id"});
  const std::string ref = str(body.at("ticket").at("ref"));
  auto queued = outbox(api);
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].mail.to_address == "ivan@example.com");
  CHECK(queued[0].mail.subject == "Re: [#" + ref + "] Courier is late");
  CHECK_THAT(queued[0].mail.text, Catch::Contains("Здравствуйте, Ivan!") && Catch::Contains(ref) &&
                                      Catch::Contains("  - Order number\n") && Catch::Contains("«Logistics»"));
  CHECK(queued[0].mail.in_reply_to == str(json::value(api.store().messages(queued[0].ticket_id)->at(0).message_id)));
}

TEST_CASE("a complete email goes straight to its queue and asks nothing", "[email]") {
  ApiHarness api(kMailRules);
  auto body = body_json(api.post_email(mail("Ivan <ivan@example.com>", "Courier is late", "Order 12345678, no courier.")));
  CHECK(str(body.at("outcome")) == "created");
  CHECK(str(body.at("ticket").at("status")) == "new");
  CHECK(str(body.at("ticket").at("department")) == "logistics");
  CHECK(body.at("reply_queued") == false);
  CHECK(outbox(api).empty());
}

TEST_CASE("a reply that still lacks a field keeps needs_info and asks only for what is left", "[email]") {
  ApiHarness api(kMailRules);
  // No display name: the template's `name` is missing too.
  auto first = body_json(api.post_email(mail("ivan@example.com", "Courier is late", "Nobody came.")));
  CHECK(first.at("missing").as_array() == json::array{"order_id", "name"});
  const std::string ref = str(first.at("ticket").at("ref"));
  auto second = body_json(api.post_email(mail("ivan@example.com", "Re: [#" + ref + "] Courier is late", "Order 12345678")));
  CHECK(str(second.at("outcome")) == "appended");
  CHECK(second.at("released") == false);
  CHECK(str(second.at("ticket").at("status")) == "needs_info");
  CHECK(str(second.at("ticket").at("fields").at("order_id")) == "12345678");
  auto queued = outbox(api);
  REQUIRE(queued.size() == 2);
  CHECK_FALSE(Catch::Contains("Order number").match(queued[1].mail.text));
  CHECK_THAT(queued[1].mail.text, Catch::Contains("  - name\n"));
}

TEST_CASE("quoted history and the signature do not decide the topic", "[email]") {
  ApiHarness api(kMailRules);
  const std::string body =
      "I want a refund for order 12345678.\r\n\r\nOn Mon, 2 Mar 2026 at 10:00, Shop <support@shop.example> wrote:\r\n"
      "> Your courier delivery is scheduled.\r\n> Regards\r\n";
  auto created = body_json(api.post_email(mail("Ivan <ivan@example.com>", "Question", body)));
  CHECK(str(created.at("ticket").at("topic")) == "refund");
}

TEST_CASE("no more automatic replies go to one address than the daily limit allows", "[email]") {
  daemon::EmailOptions options;
  options.max_auto_replies_per_day = 2;
  ApiHarness api(kMailRules, options);
  for (int i = 0; i < 3; ++i) api.post_email(mail("Ivan <ivan@example.com>", "Courier " + std::to_string(i), "Late again."));
  CHECK(outbox(api).size() == 2);
  auto third = body_json(api.post_email(mail("Ivan <ivan@example.com>", "Courier 4", "Late again.")));
  CHECK(third.at("reply_queued") == false);
  auto events = api.store().events(third.at("ticket").at("id").to_number<std::int64_t>());
  REQUIRE(events);
  CHECK(std::any_of(events->begin(), events->end(), [](const auto& e) { return e.kind == "auto_reply_suppressed"; }));
  // A day later the same customer is answered again.
  api.set_clock(test_epoch() + std::chrono::hours(25));
  CHECK(body_json(api.post_email(mail("Ivan <ivan@example.com>", "Courier 5", "Late."))).at("reply_queued") == true);
}

TEST_CASE("a bounce of our question is noted on its ticket and answered with nothing", "[email]") {
  ApiHarness api(kMailRules);
  auto first = body_json(api.post_email(mail("Ivan <ivan@example.com>", "Courier is late", "Nobody came.")));
  const std::string ours = outbox(api).at(0).mail.message_id;
  const std::string bounce =
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\nTo: support@shop.example\r\n"
      "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce1@mx.example.com>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
      "--B\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
      "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
      "Final-Recipient: rfc822; ivan@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"
      "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@shop.example\r\nTo: ivan@example.com\r\n"
      "Message-ID: <" + ours + ">\r\nSubject: Re: question\r\n\r\n--B--\r\n";
  auto noted = body_json(api.post_email(bounce));
  CHECK(str(noted.at("outcome")) == "appended");
  CHECK(noted.at("ticket").at("id") == first.at("ticket").at("id"));
  CHECK(outbox(api).size() == 1);
  auto messages = api.store().messages(first.at("ticket").at("id").to_number<std::int64_t>());
  REQUIRE(messages);
  CHECK(messages->back().kind == "note");
}

TEST_CASE("mail that carries our own loop header and matches nothing is quarantined not answered", "[email]") {
  ApiHarness api(kMailRules);
  auto res = api.post_email(mail("support@shop.example", "Re: [#AAA-AAA] x", "loop", "X-Triaged-Loop: triaged\r\n"));
  CHECK(res.status == 202);
  CHECK(str(body_json(res).at("outcome")) == "quarantined");
  CHECK(outbox(api).empty());
}

TEST_CASE("the email endpoint refuses a JSON body an empty body and unknown parameters", "[email]") {
  ApiHarness api(kMailRules);
  problem_of(api.send("POST", "/api/v1/ingest/email", "application/json", "{}"), 415);
  auto empty = problem_of(api.send("POST", "/api/v1/ingest/email", "message/rfc822", ""), 400);
  CHECK(error_codes(empty) == std::vector<std::string>{"body:missing"});
  auto unknown = problem_of(api.send("POST", "/api/v1/ingest/email?box=x", "message/rfc822", "x"), 400);
  CHECK(error_codes(unknown) == std::vector<std::string>{"box:unknown"});
  problem_of(api.get("/api/v1/ingest/email"), 405);
  problem_of(api.get("/api/v1/quarantine/999"), 404);
  problem_of(api.get("/api/v1/attachments/999"), 404);
  problem_of(api.get("/api/v1/messages/999/raw"), 404);
}

TEST_CASE("an attachment is served with its bytes type and a safe download name", "[email]") {
  ApiHarness api(kMailRules);
  const std::string raw =
      "From: Ivan <ivan@example.com>\r\nTo: support@shop.example\r\nSubject: Refund order 12345678\r\n"
      "Message-ID: <att@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"X\"\r\n\r\n"
      "--X\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nReceipt attached, refund please.\r\n"
      "--X\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
      "Content-Disposition: attachment; filename*=UTF-8''%D1%87%D0%B5%D0%BA.pdf\r\n\r\nJVBERi0xLjQK\r\n--X--\r\n";
  auto created = body_json(api.post_email(raw));
  const auto id = created.at("ticket").at("id").to_number<std::int64_t>();
  auto ticket = body_json(api.get("/api/v1/tickets/" + std::to_string(id)));
  const auto& a = ticket.at("messages").at(0).at("attachments").at(0);
  CHECK(str(a.at("filename")) == "чек.pdf");
  CHECK(a.at("size").to_number<int>() == 9);
  auto file = api.get(str(a.at("url")));
  CHECK(file.status == 200);
  CHECK(file.body == "%PDF-1.4\n");
  CHECK(file.header("Content-Type") == "application/pdf");
  CHECK(file.header("Content-Disposition") == "attachment; filename=\"___.pdf\"; filename*=UTF-8''%D1%87%D0%B5%D0%BA.pdf");
}

}  // namespace
}  // namespace triaged::testing

namespace triaged::testing {
namespace {

std::string without_message_id(const std::string& raw) {
  const auto at = raw.find("Message-ID:");
  return raw.substr(0, at) + raw.substr(raw.find("\r\n", at) + 2);
}

TEST_CASE("a mail without a Message-ID delivered twice is one ticket", "[email]") {
  ApiHarness api(kMailRules);
  const std::string raw = without_message_id(mail("Ivan <ivan@example.com>", "Courier", "Order 12345678, no courier."));
  auto first = body_json(api.post_email(raw));
  auto second = body_json(api.post_email(raw));
  CHECK(str(second.at("outcome")) == "duplicate");
  CHECK(second.at("ticket").at("id") == first.at("ticket").at("id"));
}

TEST_CASE("our tag after another system's tag still threads the reply", "[email]") {
  ApiHarness api(kMailRules);
  auto first = body_json(api.post_email(mail("Ivan <ivan@example.com>", "Courier", "Order 12345678, no courier.")));
  const std::string ref = str(first.at("ticket").at("ref"));
  auto reply = body_json(api.post_email(mail("ivan@example.com", "[#JIRA-12] Re: [#" + ref + "] Courier", "Any news?")));
  CHECK(str(reply.at("outcome")) == "appended");
  CHECK(reply.at("ticket").at("id") == first.at("ticket").at("id"));
}

TEST_CASE("a colleague in the thread adds to a needs_info ticket but neither completes it nor is asked", "[email]") {
  ApiHarness api(kMailRules);
  auto first = body_json(api.post_email(mail("Ivan <ivan@example.com>", "Courier is late", "Nobody came.")));
  CHECK(first.at("ticket").at("due_at").is_null());
  const std::string original = api.store().messages(first.at("ticket").at("id").to_number<std::int64_t>())->at(0).message_id;
  auto cc = body_json(api.post_email(mail("Olga <olga@example.com>", "Re: Courier is late", "Order 12345678",
                                          "In-Reply-To: <" + original + ">\r\n")));
  CHECK(str(cc.at("outcome")) == "appended");
  CHECK(str(cc.at("ticket").at("status")) == "needs_info");
  CHECK(cc.at("reply_queued") == false);
  CHECK(outbox(api).size() == 1);
}

TEST_CASE("a quarantine entry can be reprocessed once and then answers 409", "[email]") {
  ApiHarness api(kMailRules);
  auto held = body_json(api.post_email(mail("robot@example.com", "Auto", "away", "Auto-Submitted: auto-replied\r\n")));
  const std::string id = str(held.at("quarantine_id"));
  // Still nothing to attach it to: it stays held, and no second entry appears.
  auto again = body_json(api.send("POST", "/api/v1/quarantine/" + id + "/reprocess", "", ""));
  CHECK(str(again.at("outcome")) == "quarantined");
  CHECK(str(again.at("quarantine_id")) == id);
  auto entries = api.store().quarantined("", 10);
  REQUIRE(entries);
  CHECK(entries->size() == 1);
  REQUIRE(api.store().mark_reprocessed(std::stoll(id), std::nullopt));
  problem_of(api.send("POST", "/api/v1/quarantine/" + id + "/reprocess", "", ""), 409);
}

TEST_CASE("a person's mail that asks for no automatic answer becomes a ticket and is asked nothing", "[email]") {
  ApiHarness api(kMailRules);
  auto res = api.post_email(mail("Maria <maria@example.es>", "Courier is late", "Nobody came.",
                                 "Auto-Submitted: no\r\nX-Auto-Response-Suppress: All\r\n"));
  REQUIRE(res.status == 201);
  auto body = body_json(res);
  CHECK(str(body.at("outcome")) == "needs_info");
  CHECK(body.at("reply_queued") == false);
  CHECK(outbox(api).empty());
  auto events = api.store().events(body.at("ticket").at("id").to_number<std::int64_t>());
  REQUIRE(events);
  const auto suppressed = std::find_if(events->begin(), events->end(),
                                       [](const auto& e) { return e.kind == "auto_reply_suppressed"; });
  REQUIRE(suppressed != events->end());
  CHECK_THAT(suppressed->data_json, Catch::Contains("X-Auto-Response-Suppress"));
}

TEST_CASE("a person's mail redistributed by the group that is the mailbox becomes a ticket", "[email]") {
  ApiHarness api(kMailRules);
  const std::string list_headers =
      "Precedence: list\r\nList-ID: <support.shop.example>\r\nList-Post: <mailto:support@shop.example>\r\n";
  auto ours = body_json(api.post_email(mail("Ann <ann@example.com>", "Courier is late", "Order 12345678, no courier.",
                                            list_headers)));
  CHECK(str(ours.at("outcome")) == "created");
  // Delivered to another mailbox the same list mail is a robot's.
  auto other = body_json(api.post_email(
      mail("Ann <ann@example.com>", "Courier is late", "Order 12345678, no courier.", list_headers), "billing@shop.example"));
  CHECK(str(other.at("outcome")) == "quarantined");
}

}  // namespace
}  // namespace triaged::testing

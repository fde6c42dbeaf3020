#include <catch2/catch.hpp>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

namespace {
ParsedMessage parse_with_headers(const std::string& headers) {
  auto parsed = parse_message("From: Person <person@example.com>\nSubject: s\n" + headers + "\nhello\n");
  REQUIRE(parsed.has_value());
  return *parsed;
}
}  // namespace

TEST_CASE("Auto-Submitted auto-replied marks a vacation reply automatic") {
  const ParsedMessage m = parse_fixture("auto_replied.eml");
  CHECK(m.is_automatic());
  CHECK(m.automatic_reason == "Auto-Submitted: auto-replied");
  CHECK(m.subject == "Автоответ: на отпуске");
  CHECK_FALSE(m.is_bounce);
}

TEST_CASE("Auto-Submitted no is a person") {
  CHECK_FALSE(parse_with_headers("Auto-Submitted: No (comment)\n").is_automatic());
}

TEST_CASE("Auto-Submitted with parameters and odd case is automatic") {
  CHECK(parse_with_headers("Auto-Submitted: AUTO-GENERATED; owner-email=x@example.com\n").automatic_reason ==
        "Auto-Submitted: auto-generated");
}

TEST_CASE("Precedence bulk or junk or list is automatic") {
  const ParsedMessage bulk = parse_fixture("precedence_bulk.eml");
  CHECK(bulk.automatic_reason == "Precedence: bulk");
  CHECK(parse_with_headers("Precedence: junk\n").automatic_reason == "Precedence: junk");
  CHECK(parse_with_headers("Precedence: list\n").is_automatic());
  CHECK(parse_with_headers("Precedence: auto_reply\n").is_automatic());
  CHECK_FALSE(parse_with_headers("Precedence: first-class\n").is_automatic());
}

TEST_CASE("list mail with List-Id or List-Unsubscribe is automatic") {
  const ParsedMessage newsletter = parse_fixture("list_newsletter.eml");
  CHECK(newsletter.automatic_reason == "list mail (List-Unsubscribe)");
  CHECK_FALSE(newsletter.is_bounce);
  CHECK_FALSE(newsletter.may_auto_reply());
  CHECK(parse_with_headers("List-Id: <deals.news.example.com>\n").automatic_reason == "list mail (List-Id)");
}

TEST_CASE("X-Autoreply and X-Autorespond mark mail automatic") {
  CHECK(parse_fixture("x_autoreply.eml").automatic_reason == "X-Autoreply header: yes");
  CHECK(parse_with_headers("X-Autorespond: 1\n").automatic_reason == "X-Autorespond header: 1");
}

TEST_CASE("X-Auto-Response-Suppress on a person's mail withholds the auto-reply but not the ticket") {
  const ParsedMessage m = parse_fixture("auto_response_suppress_person.eml");
  CHECK_FALSE(m.is_automatic());
  CHECK_FALSE(m.may_auto_reply());
  CHECK(m.no_auto_reply_reason == "X-Auto-Response-Suppress: All");
  const ParsedMessage plain = parse_with_headers("X-Auto-Response-Suppress: All\n");
  CHECK_FALSE(plain.is_automatic());
  CHECK_FALSE(plain.may_auto_reply());
  CHECK_FALSE(parse_with_headers("X-Auto-Response-Suppress: DR, NDR, RN, NRN, AutoReply\n").may_auto_reply());
  // Suppressing only delivery and read receipts or out-of-office notes leaves our question allowed.
  CHECK(parse_with_headers("X-Auto-Response-Suppress: DR, RN, NRN, OOF\n").may_auto_reply());
  CHECK(parse_with_headers("X-Auto-Response-Suppress: None\n").may_auto_reply());
}

TEST_CASE("automatic mail may never be auto-replied and a person's plain mail may") {
  const ParsedMessage robot = parse_fixture("auto_replied.eml");
  CHECK_FALSE(robot.may_auto_reply());
  CHECK(robot.no_auto_reply_reason == robot.automatic_reason);
  CHECK(parse_fixture("plain_utf8.eml").may_auto_reply());
}

TEST_CASE("an empty Return-Path marks mail automatic") {
  const ParsedMessage m = parse_fixture("empty_return_path.eml");
  CHECK(m.automatic_reason == "empty Return-Path (a bounce or notification)");
  CHECK_FALSE(parse_with_headers("Return-Path: <person@example.com>\n").is_automatic());
}

TEST_CASE("a delivery-status report is a bounce that names the original Message-ID") {
  const ParsedMessage m = parse_fixture("bounce_dsn.eml");
  CHECK(m.is_bounce);
  CHECK(m.automatic_reason == "delivery status notification");
  CHECK(m.bounced_message_ids == std::vector<std::string>{"ticket-K7M-3QX.1@shop.example"});
  // The loop header inside the returned copy is not on the bounce itself.
  CHECK_FALSE(m.has_loop_header);
  CHECK(contains(m.text, "550 5.1.1 User unknown"));
  CHECK_FALSE(contains(m.text, "We received your request"));
  REQUIRE(m.attachments.size() == 2);
  CHECK(m.attachments[0].content_type == "message/delivery-status");
  CHECK(m.attachments[1].content_type == "message/rfc822");
}

TEST_CASE("a delivery report quoting only text rfc822-headers still yields the original id") {
  const ParsedMessage m = parse_fixture("bounce_headers_only.eml");
  CHECK(m.is_bounce);
  CHECK(m.bounced_message_ids == std::vector<std::string>{"ticket-QQQ-999.1@shop.example"});
  CHECK(m.text == "Delivery to the following recipient failed permanently: gone@example.ru");
}

TEST_CASE("mail from mailer-daemon or postmaster is a bounce even without a report") {
  auto daemon = parse_message("From: MAILER-DAEMON@mx.example.com\nSubject: failure\n\nundeliverable\n");
  REQUIRE(daemon.has_value());
  CHECK(daemon->is_bounce);
  CHECK(daemon->automatic_reason == "sent by mailer-daemon (a bounce)");
  CHECK(parse_message("From: MDaemon@mail.example.com\nSubject: failure\n\nx\n")->is_bounce);
  auto postmaster = parse_message("From: Postmaster <postmaster@example.com>\nSubject: failure\n\nx\n");
  REQUIRE(postmaster.has_value());
  CHECK(postmaster->is_bounce);
}

TEST_CASE("our loop header marks mail automatic and names the header") {
  const ParsedMessage m = parse_fixture("loop_header.eml");
  CHECK(m.has_loop_header);
  CHECK(m.automatic_reason == "carries our loop header X-Triaged-Loop");
  ParseOptions other;
  other.loop_header = "X-Other-Loop";
  const auto unrelated = parse_message(read_fixture("loop_header.eml"), other);
  REQUIRE(unrelated.has_value());
  CHECK_FALSE(unrelated->has_loop_header);
  CHECK_FALSE(unrelated->is_automatic());
}

TEST_CASE("ordinary customer mail is not automatic") {
  CHECK_FALSE(parse_fixture("plain_utf8.eml").is_automatic());
  CHECK_FALSE(parse_fixture("reply_gmail_quoted.eml").is_automatic());
  CHECK_FALSE(parse_fixture("forwarded_rfc822.eml").is_bounce);
}

TEST_CASE("From MAILER-DAEMON with an empty address is a bounce") {
  const ParsedMessage m = parse_fixture("bounce_null_sender_mailer_daemon.eml");
  CHECK(m.is_bounce);
  CHECK(m.automatic_reason == "sent by mailer-daemon (a bounce)");
}

TEST_CASE("an empty From address without a Return-Path is a bounce") {
  auto parsed = parse_message("From: <>\nSubject: Delivery failure\n\nundeliverable\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->is_bounce);
  CHECK(parsed->automatic_reason == "empty From address <> (a bounce)");
  auto named = parse_message("From: Mail Delivery System <>\nSubject: failed\n\nx\n");
  REQUIRE(named.has_value());
  CHECK(named->is_bounce);
}

TEST_CASE("a plain text DSN that is no multipart report is a bounce by its subject and text") {
  const ParsedMessage m = parse_fixture("bounce_plain_text_dsn.eml");
  CHECK(m.is_bounce);
  CHECK(m.automatic_reason == "delivery failure report (subject and text)");
}

TEST_CASE("a delivery-status part outside multipart report makes a bounce and yields the original id") {
  const auto parsed = parse_message(
      "From: Relay <relay@mx.example.net>\nSubject: Returned\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nnot delivered\n--b\nContent-Type: message/delivery-status\n\n"
      "Final-Recipient: rfc822; x@example.net\nAction: failed\n\n--b\nContent-Type: message/rfc822\n\n"
      "From: support@shop.example\nMessage-ID: <ticket-Q1.1@shop.example>\nSubject: hi\n\nbody\n--b--\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->is_bounce);
  CHECK(parsed->bounced_message_ids == std::vector<std::string>{"ticket-Q1.1@shop.example"});
}

TEST_CASE("a person forwarding or answering a bounce is a person") {
  const ParsedMessage forwarded = parse_fixture("forwarded_bounce_by_person.eml");
  CHECK_FALSE(forwarded.is_automatic());
  CHECK_FALSE(forwarded.is_bounce);
  CHECK(forwarded.may_auto_reply());
  auto reply = parse_message(
      "From: Ann <ann@example.com>\nSubject: Re: Undelivered Mail Returned to Sender\n\n"
      "Why did this bounce?\n> This is the mail system at host mx.example.com.\n");
  REQUIRE(reply.has_value());
  CHECK_FALSE(reply->is_automatic());
}

TEST_CASE("a customer quoting a bounce in their own words with their own subject is a person") {
  auto parsed = parse_message(
      "From: Ann <ann@example.com>\nSubject: Cannot reach returns\n\n"
      "My mail to returns@ came back saying: This is the mail system at host mx.example.com.\n");
  REQUIRE(parsed.has_value());
  CHECK_FALSE(parsed->is_automatic());
}

TEST_CASE("an ARF feedback report outside multipart report is automatic") {
  const ParsedMessage m = parse_fixture("arf_feedback_report.eml");
  CHECK(m.automatic_reason == "abuse feedback report (ARF)");
  CHECK_FALSE(m.is_bounce);
}

TEST_CASE("a no-reply notification sender is automatic") {
  const ParsedMessage m = parse_fixture("notification_noreply.eml");
  CHECK(m.automatic_reason == "notification sender no-reply@");
  CHECK_FALSE(m.is_bounce);
  CHECK(parse_message("From: Shop <notifications@shop.example>\nSubject: x\n\nhi\n")->is_automatic());
  CHECK(parse_message("From: bounces+a1b2@lists.example\nSubject: x\n\nhi\n")->is_automatic());
  CHECK_FALSE(parse_message("From: Noreen Plyer <noreen@example.com>\nSubject: x\n\nhi\n")->is_automatic());
}

TEST_CASE("auto-reply subjects are automatic and subjects about auto-replies are not") {
  const auto reason = [](const std::string& subject) {
    auto parsed = parse_message("From: Jane <jane@example.com>\nSubject: " + subject + "\n\nhi\n");
    REQUIRE(parsed.has_value());
    return parsed->automatic_reason;
  };
  CHECK(reason("Automatic reply: Order 4410") == "auto-reply subject");
  CHECK(reason("Out of Office: Order 4410") == "auto-reply subject");
  CHECK(reason("Réponse automatique : Commande 4410") == "auto-reply subject");
  CHECK(reason("Автоматический ответ: Заказ 4410") == "auto-reply subject");
  CHECK(reason("AUTO: Jane Doe is out of the office (returning 12/01/2026)") == "auto-reply subject");
  CHECK(reason("Automatisch antwoord: Bestelling 4410") == "auto-reply subject");
  CHECK(reason("[Auto-Reply] Order 4410") == "auto-reply subject");
  CHECK(reason("自动回复: 订单 4410") == "auto-reply subject");
  CHECK(reason("自動回覆：訂單 4410") == "auto-reply subject");
  CHECK(reason("Auto reply from your shop is in English").empty());
  CHECK(reason("Out of office hours delivery").empty());
  CHECK(reason("Re: Automatic reply: Order 4410").empty());
}

TEST_CASE("bounces of several MTAs are recognised without multipart report") {
  const auto automatic = [](const std::string& raw) {
    auto parsed = parse_message(raw);
    REQUIRE(parsed.has_value());
    return parsed->is_bounce;
  };
  // Courier's null sender and its own wording.
  CHECK(automatic("From: Courier mail server at mx.example <@>\nSubject: NOTICE: mail delivery status.\n\n"
                  "This is a delivery status notification from mx.example.\n"));
  // Lotus Notes: a failure subject and its own wording.
  CHECK(automatic("From: Mail Router <router@lotus.example>\nSubject: DELIVERY FAILURE: User jdoe unknown\n\n"
                  "Your message was not delivered to jdoe.\n"));
  // A relay with a mail failure subject and the original enclosed.
  CHECK(automatic("From: Relay <relay@mx.example>\nSubject: Mail delivery failed: returning message to sender\n"
                  "Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nnot delivered\n"
                  "--x\nContent-Type: message/rfc822\n\nFrom: support@shop.example\nMessage-ID: <t.1@shop.example>\n\nhi\n--x--\n"));
  // Exim's text from a relay that signs as itself, with X-Failed-Recipients.
  CHECK(automatic("From: mx@relay.example\nSubject: error\nX-Failed-Recipients: gone@example.net\n\nfailed\n"));
  // A single-part message/delivery-status.
  CHECK(automatic("From: relay@mx.example\nSubject: Returned\nContent-Type: message/delivery-status\n\n"
                  "Final-Recipient: rfc822; gone@example.net\nAction: failed\n"));
}

TEST_CASE("a customer's delivery complaint with a failure-like subject is a person") {
  const auto automatic = [](const std::string& subject, const std::string& text) {
    auto parsed = parse_message("From: Ann <ann@example.com>\nSubject: " + subject + "\n\n" + text + "\n");
    REQUIRE(parsed.has_value());
    return parsed->is_automatic();
  };
  CHECK_FALSE(automatic("Undelivered order 5510", "My order was not delivered, the courier says it could not be delivered."));
  CHECK_FALSE(automatic("Delivery failure for order 5510", "The parcel could not be delivered, please help."));
  CHECK_FALSE(automatic("Delivery notification never came", "I got no notification."));
  CHECK_FALSE(automatic("Returned mail order 5510", "I sent the parcel back."));
  CHECK_FALSE(automatic("Undelivered mail-order parcel", "It never came."));
  // With the shop's confirmation attached as a message.
  auto attached = parse_message(
      "From: Ann <ann@example.com>\nSubject: Delivery failure for order 5510\nContent-Type: multipart/mixed; boundary=x\n\n"
      "--x\nContent-Type: text/plain\n\nSee your confirmation attached.\n--x\nContent-Type: message/rfc822\n\n"
      "From: shop@shop.example\nSubject: Order 5510 confirmed\n\nThanks\n--x--\n");
  REQUIRE(attached.has_value());
  CHECK_FALSE(attached->is_automatic());
}

TEST_CASE("a person's mail redistributed by the group that is the support mailbox is not automatic") {
  const std::string raw =
      "From: Ann <ann@example.com>\nTo: support@shop.example\nSubject: Broken kettle\n"
      "Precedence: list\nMailing-list: list support@shop.example\nList-ID: <support.shop.example>\n"
      "List-Post: <mailto:support@shop.example>\nList-Unsubscribe: <mailto:support+unsubscribe@shop.example>\n\n"
      "It leaks.\n";
  ParseOptions ours;
  ours.mailbox = "Support@Shop.example";
  const auto person = parse_message(raw, ours);
  REQUIRE(person.has_value());
  CHECK_FALSE(person->is_automatic());
  // Without knowing the mailbox, or delivered to another one, it is list mail.
  CHECK(parse_message(raw)->automatic_reason == "Precedence: list");
  ParseOptions other;
  other.mailbox = "billing@shop.example";
  CHECK(parse_message(raw, other)->is_automatic());
}

TEST_CASE("a bounce that quotes the original as text yields the original Message-ID") {
  const auto parsed = parse_message(
      "From: MAILER-DAEMON@qm.example\nSubject: failure notice\n\n"
      "Hi. This is the qmail-send program at qm.example.\n<gone@example.net>:\nSorry, no mailbox here by that name.\n\n"
      "--- Below this line is a copy of the message.\n\nFrom: Shop Support <support@shop.example>\n"
      "Message-ID: <ticket-K7M-3QX.2@shop.example>\nSubject: [#K7M-3QX] Your order\n\nWe need your phone number.\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->is_bounce);
  CHECK(parsed->bounced_message_ids == std::vector<std::string>{"ticket-K7M-3QX.2@shop.example"});
}

TEST_CASE("a support group that rewrites From to itself yields the person from Reply-To or X-Original-From") {
  const std::string raw =
      "From: 'Ann Lee' via Support <support@shop.example>\nReply-To: Ann Lee <ann@example.com>\n"
      "X-Original-From: Ann Lee <ann@example.com>\nTo: support@shop.example\nSubject: Broken kettle\n"
      "Precedence: list\nList-ID: <support.shop.example>\nList-Post: <mailto:support@shop.example>\n\nIt leaks.\n";
  ParseOptions ours;
  ours.mailbox = "support@shop.example";
  const auto parsed = parse_message(raw, ours);
  REQUIRE(parsed.has_value());
  CHECK(parsed->from.address == "ann@example.com");
  CHECK(parsed->from.name == "Ann Lee");
  CHECK_FALSE(parsed->is_automatic());
  // Mail from the mailbox's own address that no list of it carried keeps its From.
  const auto own = parse_message("From: support@shop.example\nReply-To: x@example.com\nSubject: s\n\nhi\n", ours);
  REQUIRE(own.has_value());
  CHECK(own->from.address == "support@shop.example");
}

TEST_CASE("Auto-Submitted no outweighs soft robot signs but not a bounce") {
  const auto reason = [](const std::string& from, const std::string& headers) {
    auto parsed = parse_message("From: " + from + "\nSubject: Out of Office: back Monday\nAuto-Submitted: no\n" + headers + "\nhi\n");
    REQUIRE(parsed.has_value());
    return parsed->automatic_reason;
  };
  CHECK(reason("Ann <ann@example.com>", "Precedence: bulk\nList-Id: <l.example.com>\n").empty());
  CHECK(reason("Shop <noreply@shop.example>", "").empty());
  CHECK(reason("MAILER-DAEMON@mx.example", "") == "sent by mailer-daemon (a bounce)");
}

TEST_CASE("a person forwarding a bounce as an attachment under its own subject is a person") {
  const auto parsed = parse_message(
      "From: Ann <ann@example.com>\nSubject: Undeliverable: Return form\nContent-Type: multipart/mixed; boundary=x\n\n"
      "--x\nContent-Type: text/plain\n\nYour returns address bounces, see the attached message.\n"
      "--x\nContent-Type: message/rfc822\n\nFrom: postmaster@shop.example\nSubject: Undeliverable: Return form\n\n"
      "Delivery has failed to these recipients or groups.\n--x--\n");
  REQUIRE(parsed.has_value());
  CHECK_FALSE(parsed->is_automatic());
}

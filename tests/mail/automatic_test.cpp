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

TEST_CASE("Precedence bulk is automatic and List-Id alone is not") {
  const ParsedMessage bulk = parse_fixture("precedence_bulk.eml");
  CHECK(bulk.automatic_reason == "Precedence: bulk");
  CHECK(parse_with_headers("Precedence: junk\n").automatic_reason == "Precedence: junk");
  CHECK(parse_with_headers("Precedence: list\n").is_automatic());
  CHECK(parse_with_headers("Precedence: auto_reply\n").is_automatic());
  CHECK_FALSE(parse_with_headers("Precedence: first-class\n").is_automatic());
  CHECK_FALSE(parse_with_headers("List-Id: <deals.news.example.com>\nList-Unsubscribe: <mailto:u@x.example>\n")
                  .is_automatic());
}

TEST_CASE("X-Autoreply and X-Autorespond and X-Auto-Response-Suppress mark mail automatic") {
  CHECK(parse_fixture("x_autoreply.eml").automatic_reason == "X-Autoreply header: yes");
  CHECK(parse_with_headers("X-Autorespond: 1\n").automatic_reason == "X-Autorespond header: 1");
  CHECK(parse_with_headers("X-Auto-Response-Suppress: All\n").automatic_reason == "X-Auto-Response-Suppress header");
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

// Knowing the customer, through the real daemon and the example rules: a problem reported by
// the web form and again by email is one ticket; another order stays its own ticket; and a
// phone given once is not asked for again.
#include <catch2/catch.hpp>

#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;

std::string text_of(const json::value& v) { return std::string(v.as_string()); }

// Anna reports a late courier on the form: order 62201957, her phone and email.
constexpr const char kWebReport[] = R"({"channel": "web", "subject": "Курьер не приехал",
  "body": "Заказ 62201957 так и не привезли, курьер не звонил.",
  "requester": {"name": "Анна Петрова", "email": "Anna.Petrova@Example.ru", "phone": "8 916 204-37-81"}})";

// The same problem by mail the next hour, from the same address in other letter case.
std::string mail_about(const std::string& order, const std::string& message_id) {
  return "From: Anna Petrova <anna.petrova@example.RU>\r\n"
         "To: support@shop.example\r\n"
         "Subject: =?UTF-8?B?0JPQtNC1INC80L7QuSDQt9Cw0LrQsNC3Pw==?=\r\n"
         "Message-ID: <" + message_id + ">\r\n"
         "Date: Tue, 01 Dec 2026 10:15:00 +0300\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "Добрый день! Где мой заказ " + order + "? Курьер так и не приехал.\r\n"
         "Анна\r\n";
}

Reply post_mail(unsigned short port, const std::string& raw) {
  return http_request(port, http::verb::post, "/api/v1/ingest/email?mailbox=support@shop.example", raw,
                      "message/rfc822");
}

json::object ticket_by_ref(unsigned short port, const std::string& ref) {
  auto reply = http_get(port, "/api/v1/tickets/" + ref);
  REQUIRE(reply.status == 200);
  return json_of(reply);
}

TEST_CASE("the same order reported by web form and then by email becomes one ticket with two messages",
          "[e2e][requesters]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  auto web = http_post_json(daemon.port(), "/api/v1/tickets", kWebReport);
  REQUIRE(web.status == 201);
  const std::string ref = text_of(json_of(web).at("ref"));

  auto mail = post_mail(daemon.port(), mail_about("62201957", "again-1@example.ru"));
  INFO(mail.body);
  REQUIRE(mail.status == 200);
  auto merged = json_of(mail);
  CHECK(merged.at("outcome") == "merged");
  CHECK(text_of(merged.at("ticket").at("ref")) == ref);

  auto ticket = ticket_by_ref(daemon.port(), ref);
  const auto& messages = ticket.at("messages").as_array();
  // Our acknowledgement of the web ticket went out when it was created; its first report joins
  // the thread when the repeat does.
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].at("direction") == "out");
  CHECK(messages[1].at("channel") == "web");
  CHECK_THAT(text_of(messages[1].at("text")), Catch::Contains("так и не привезли"));
  CHECK(messages[2].at("channel") == "email");
  CHECK(messages[2].at("message_id") == "again-1@example.ru");
  bool merged_event = false;
  for (const auto& e : ticket.at("events").as_array())
    if (e.at("kind") == "merged") {
      merged_event = true;
      CHECK(e.at("data").at("matched_by") == "order_id");
      CHECK(e.at("data").at("channel") == "email");
    }
  CHECK(merged_event);
  // One ticket in all: the mail made none of its own.
  auto list = json_of(http_get(daemon.port(), "/api/v1/tickets"));
  CHECK(list.at("tickets").as_array().size() == 1);

  // The same mail delivered again is still the one message, not a third.
  auto redelivered = post_mail(daemon.port(), mail_about("62201957", "again-1@example.ru"));
  CHECK(json_of(redelivered).at("outcome") == "duplicate");
  CHECK(ticket_by_ref(daemon.port(), ref).at("messages").as_array().size() == 3);
}

TEST_CASE("a second ticket of the same requester about a different order stays separate", "[e2e][requesters]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  auto first = http_post_json(daemon.port(), "/api/v1/tickets", kWebReport);
  REQUIRE(first.status == 201);
  const std::string first_ref = text_of(json_of(first).at("ref"));

  auto mail = post_mail(daemon.port(), mail_about("71154303", "other-order@example.ru"));
  INFO(mail.body);
  REQUIRE(mail.status == 201);
  auto created = json_of(mail);
  CHECK(created.at("outcome") == "created");
  const std::string second_ref = text_of(created.at("ticket").at("ref"));
  CHECK(second_ref != first_ref);
  CHECK_FALSE(created.contains("duplicate_of"));

  // Both are the same requester's: each ticket lists the other among the open ones.
  auto second = ticket_by_ref(daemon.port(), second_ref);
  const auto& profile = second.at("requester_profile").as_object();
  CHECK(profile.at("emails").as_array() == json::array{"anna.petrova@example.ru"});
  CHECK(profile.at("phones").as_array() == json::array{"+79162043781"});
  const auto& open = profile.at("open_tickets").as_array();
  REQUIRE(open.size() == 1);
  CHECK(text_of(open[0].at("ref")) == first_ref);
}

TEST_CASE("a required phone known from history is not asked for again", "[e2e][requesters]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  REQUIRE(http_post_json(daemon.port(), "/api/v1/tickets", kWebReport).status == 201);

  // Loyalty tickets need a phone (the card is tied to it). Anna gives only her email now.
  const std::string loyalty = R"({"channel": "phone", "body": "Не начислили бонусные баллы за покупку",
    "requester": {"email": "anna.petrova@example.ru"}})";
  auto classified = json_of(http_post_json(daemon.port(), "/api/v1/classify", loyalty));
  CHECK(classified.at("topic") == "loyalty");
  CHECK(classified.at("problems").as_array().empty());
  const auto& phone = classified.at("fields").at("phone");
  CHECK(phone.at("value") == "8 916 204-37-81");
  CHECK(phone.at("source") == "history");

  auto created = http_post_json(daemon.port(), "/api/v1/tickets", loyalty);
  INFO(created.body);
  REQUIRE(created.status == 201);
  auto ticket = json_of(created);
  CHECK(ticket.at("merged") == false);
  CHECK(ticket.at("decision").at("fields").at("phone").at("source") == "history");

  // Someone unknown is still asked: the 422 names exactly the phone.
  const std::string stranger = R"({"channel": "phone", "body": "Не начислили бонусные баллы за покупку",
    "requester": {"email": "someone.else@example.ru"}})";
  auto refused = http_post_json(daemon.port(), "/api/v1/tickets", stranger);
  REQUIRE(refused.status == 422);
  const auto problem = json_of(refused);
  const auto& errors = problem.at("errors").as_array();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].at("field") == "phone");
}

TEST_CASE("the requester lookup finds a profile by any spelling of the phone", "[e2e][requesters]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  REQUIRE(http_post_json(daemon.port(), "/api/v1/tickets", kWebReport).status == 201);
  for (const char* spelling : {"8%20916%20204-37-81", "%2B7(916)2043781", "916-204-37-81"}) {
    INFO(spelling);
    auto found = http_get(daemon.port(), std::string("/api/v1/requesters?phone=") + spelling);
    REQUIRE(found.status == 200);
    auto profile = json_of(found);
    CHECK(profile.at("name") == "Анна Петрова");
    CHECK(profile.at("known").at("email").at("value") == "Anna.Petrova@Example.ru");
  }
  CHECK(http_get(daemon.port(), "/api/v1/requesters?phone=8%20916%20000-00-01").status == 404);
  auto bad = http_get(daemon.port(), "/api/v1/requesters?phone=12");
  REQUIRE(bad.status == 400);
  CHECK(json_of(bad).at("errors").as_array()[0].at("field") == "phone");
}

}  // namespace
}  // namespace triaged::e2e

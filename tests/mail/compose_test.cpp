#include <catch2/catch.hpp>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

namespace {
OutgoingMessage sample_reply() {
  OutgoingMessage m;
  m.from = {"Служба поддержки", "support@shop.example"};
  m.to = {"Иван Петров", "ivan@example.ru"};
  m.subject = "[#K7M-3QX] Мы получили ваше обращение";
  m.text = "Здравствуйте, Иван!\n\nМы ответим в течение дня.\nНомер обращения: K7M-3QX = ваш ключ.\n";
  m.message_id = "ticket-K7M-3QX.2@shop.example";
  m.in_reply_to = "CAF=abc123@mail.example.ru";
  m.references = {"order-5531@shop.example", "CAF=abc123@mail.example.ru"};
  m.date = std::chrono::system_clock::from_time_t(1796109300);
  m.extra_headers = {{"Auto-Submitted", "auto-replied"}, {"X-Triaged-Loop", "shop.example"}};
  return m;
}
}  // namespace

TEST_CASE("composed mail is ASCII with CRLF line ends and encoded words") {
  const std::string raw = compose_message(sample_reply());
  for (const unsigned char c : raw) REQUIRE(c < 0x80);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n') REQUIRE((i > 0 && raw[i - 1] == '\r'));
  }
  CHECK(contains(raw, "Subject: [#K7M-3QX] =?UTF-8?"));
  CHECK(contains(raw, "Content-Type: text/plain; charset=utf-8\r\n"));
  CHECK(contains(raw, "Content-Transfer-Encoding: quoted-printable\r\n"));
  CHECK(contains(raw, "Message-Id: <ticket-K7M-3QX.2@shop.example>\r\n"));
  CHECK(contains(raw, "In-Reply-To: <CAF=abc123@mail.example.ru>\r\n"));
  CHECK(contains(raw, "Auto-Submitted: auto-replied\r\n"));
  CHECK(contains(raw, "Date: Tue, 01 Dec 2026 07:15:00 +0000\r\n"));
}

TEST_CASE("composed mail parses back to the same subject and text and ids") {
  const auto parsed = parse_message(compose_message(sample_reply()));
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "[#K7M-3QX] Мы получили ваше обращение");
  CHECK(parsed->text == "Здравствуйте, Иван!\n\nМы ответим в течение дня.\nНомер обращения: K7M-3QX = ваш ключ.");
  CHECK(parsed->message_id == "ticket-K7M-3QX.2@shop.example");
  CHECK(parsed->in_reply_to == "CAF=abc123@mail.example.ru");
  CHECK(parsed->references == std::vector<std::string>{"order-5531@shop.example", "CAF=abc123@mail.example.ru"});
  CHECK(parsed->from.name == "Служба поддержки");
  CHECK(parsed->from.address == "support@shop.example");
  REQUIRE(parsed->to.size() == 1);
  CHECK(parsed->to[0].name == "Иван Петров");
  REQUIRE(parsed->date.has_value());
  CHECK(std::chrono::system_clock::to_time_t(*parsed->date) == 1796109300);
  CHECK(parsed->has_loop_header);
  CHECK(parsed->automatic_reason == "carries our loop header X-Triaged-Loop");
  CHECK(parsed->warnings.empty());
}

TEST_CASE("line breaks in caller strings cannot inject headers") {
  OutgoingMessage m = sample_reply();
  m.subject = "Order\r\nBcc: victim@example.com";
  m.extra_headers = {{"X-Note", "a\nBcc: victim@example.com"}, {"Bad\nName", "x"}};
  const std::string raw = compose_message(m);
  CHECK_FALSE(contains(raw, "\r\nBcc:"));
  CHECK_FALSE(contains(raw, "Bad"));
  const auto parsed = parse_message(raw);
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "Order Bcc: victim@example.com");
  CHECK_FALSE(parsed->headers.contains("bcc"));
}

TEST_CASE("a long non-ASCII subject is folded and still round-trips") {
  OutgoingMessage m = sample_reply();
  m.subject = "Очень длинная тема письма, которая точно не поместится в одну строку заголовка";
  const std::string raw = compose_message(m);
  const auto parsed = parse_message(raw);
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == m.subject);
}

#include <catch2/catch.hpp>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

TEST_CASE("reply and forward prefixes of any language and count are stripped") {
  CHECK(strip_reply_prefixes("Re: AW: Fwd: [#K7M-3QX] Где заказ") == "[#K7M-3QX] Где заказ");
  CHECK(strip_reply_prefixes("RE[2]: Re(3): FW: WG: SV: VS: hello") == "hello");
  CHECK(strip_reply_prefixes("  Ответ: ОТВ: Пересл: отв : вопрос ") == "вопрос");
  CHECK(strip_reply_prefixes("Fw:Re:tight") == "tight");
}

TEST_CASE("words that merely start like a prefix are kept") {
  CHECK(strip_reply_prefixes("Reminder: your order") == "Reminder: your order");
  CHECK(strip_reply_prefixes("Responsible person") == "Responsible person");
  CHECK(strip_reply_prefixes("Отвертка не пришла") == "Отвертка не пришла");
  CHECK(strip_reply_prefixes("Re") == "Re");
  CHECK(strip_reply_prefixes("") == "");
}

TEST_CASE("the ticket tag is found anywhere and upper-cased") {
  CHECK(find_ticket_tag("Re: [#k7m-3qx] Где заказ") == std::optional<std::string>("K7M-3QX"));
  CHECK(find_ticket_tag("Question [#ABC] about order") == std::optional<std::string>("ABC"));
  CHECK(find_ticket_tag("[order] [#123456789012]") == std::optional<std::string>("123456789012"));
}

TEST_CASE("malformed ticket tags are not tags") {
  CHECK_FALSE(find_ticket_tag("no tag here").has_value());
  CHECK_FALSE(find_ticket_tag("[#AB] too short").has_value());
  CHECK_FALSE(find_ticket_tag("[#1234567890123] too long").has_value());
  CHECK_FALSE(find_ticket_tag("[#K7M_3QX] bad character").has_value());
  CHECK_FALSE(find_ticket_tag("[#K7M-3QX unterminated").has_value());
  CHECK(find_ticket_tag("[#bad!] then [#GOOD-1]") == std::optional<std::string>("GOOD-1"));
}

TEST_CASE("a Gmail reply loses its signature and wrapped attribution and quote") {
  const ParsedMessage m = parse_fixture("reply_gmail_quoted.eml");
  CHECK(contains(m.text, "> Your order 5531 has shipped."));
  CHECK(m.text_for_rules == "The tracking number does not work, the carrier site says unknown parcel.");
}

TEST_CASE("a Russian reply loses Sent from iPhone and the Outlook block below it") {
  const ParsedMessage m = parse_fixture("reply_russian_outlook.eml");
  CHECK(m.subject == "Отв: [#ABC-123] Заказ отменен");
  CHECK(strip_reply_prefixes(m.subject) == "[#ABC-123] Заказ отменен");
  CHECK(m.text_for_rules == "Добрый день, деньги так и не вернулись на карту.");
}

TEST_CASE("an Outlook From Sent block and its rule start the history") {
  const std::string text =
      "Please cancel the order.\n\n________________________________\n"
      "From: Shop <support@shop.example>\nSent: Monday, December 1, 2026 10:00 AM\n"
      "To: Customer <c@example.com>\nSubject: Order 1\n\nYour order is confirmed.\n";
  CHECK(trim_quoted_and_signature(text) == "Please cancel the order.");
}

TEST_CASE("Russian Gmail and Yandex attribution lines start the history") {
  CHECK(trim_quoted_and_signature("Спасибо, получил.\n\nпн, 1 дек. 2026 г. в 10:00, Shop <x@y.example>:\n> старое\n") ==
        "Спасибо, получил.");
  CHECK(trim_quoted_and_signature("Жду ответа.\n\n01.12.2026 10:00, Магазин пишет:\n> старое\n") == "Жду ответа.");
  CHECK(trim_quoted_and_signature("Ок.\n\n-----Исходное сообщение-----\nОт: Магазин\nТема: заказ\n") == "Ок.");
  CHECK(trim_quoted_and_signature("Fine.\n\n-----Original Message-----\nFrom: Shop\n") == "Fine.");
}

TEST_CASE("the standard signature delimiter cuts the signature") {
  CHECK(trim_quoted_and_signature("Where is my parcel?\n-- \nIvan Petrov\n+7 900 000 00 00\n") == "Where is my parcel?");
}

TEST_CASE("interleaved quotes are removed and the answers between them kept") {
  const std::string text = "> When did you order?\nOn Monday.\n> Which colour?\nRed.\n";
  CHECK(trim_quoted_and_signature(text) == "On Monday.\nRed.");
}

TEST_CASE("a forwarded message header block is not trimmed as history") {
  const std::string text =
      "See below.\n\n---------- Forwarded message ----------\nFrom: Maria <m@example.ru>\n"
      "Date: Thu, 4 Dec 2026 20:00:00 +0300\nSubject: Courier\n\nThe courier was rude.";
  CHECK(trim_quoted_and_signature(text) == text);
}

TEST_CASE("trimming that would leave nothing returns the text unchanged") {
  const std::string text = "Sent from my iPhone\n";
  CHECK(trim_quoted_and_signature(text) == text);
  CHECK(trim_quoted_and_signature("> only quoted\n> lines\n").empty());
  CHECK(trim_quoted_and_signature("").empty());
}

TEST_CASE("text without history is returned trimmed but otherwise intact") {
  CHECK(trim_quoted_and_signature("\nMy friend wrote: the kettle leaks.\nPlease help.\n\n") ==
        "My friend wrote: the kettle leaks.\nPlease help.");
}

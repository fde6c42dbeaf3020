#include <catch2/catch.hpp>

#include <chrono>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

TEST_CASE("a plain UTF-8 message yields its ids without angle brackets and its addresses") {
  const ParsedMessage m = parse_fixture("plain_utf8.eml");
  CHECK(m.message_id == "CAF=abc123@mail.example.ru");
  CHECK(m.in_reply_to == "ticket-K7M-3QX.1@shop.example");
  CHECK(m.references == std::vector<std::string>{"order-5531@shop.example", "ticket-K7M-3QX.1@shop.example"});
  CHECK(m.subject == "Re: [#K7M-3QX] Где мой заказ?");
  CHECK(m.from.name == "Иван Петров");
  CHECK(m.from.address == "Ivan.Petrov@Example.ru");
  CHECK(m.reply_to.address == "ivan.home@example.ru");
  REQUIRE(m.to.size() == 1);
  CHECK(m.to[0].name == "Support");
  CHECK(m.to[0].address == "support@shop.example");
  REQUIRE(m.cc.size() == 2);
  CHECK(m.cc[0].name == "Anna K.");
  CHECK(m.cc[1].address == "orders@shop.example");
  REQUIRE(m.date.has_value());
  // Mon 1 Dec 2026 10:15:00 +0300 is 07:15:00 UTC (date -u -d @1796109300).
  CHECK(std::chrono::system_clock::to_time_t(*m.date) == 1796109300);
  CHECK(m.warnings.empty());
  CHECK_FALSE(m.is_automatic());
}

TEST_CASE("the header map is keyed by lower-case name with decoded unfolded values") {
  const ParsedMessage m = parse_fixture("plain_utf8.eml");
  CHECK(m.headers.at("x-mailer") == "Example Mail 5.2");
  CHECK(m.headers.at("subject") == "Re: [#K7M-3QX] Где мой заказ?");
  CHECK(m.headers.at("references") == "<order-5531@shop.example> <ticket-K7M-3QX.1@shop.example>");
  CHECK(m.headers.at("received").starts_with("from mx.example.ru (mx.example.ru [192.0.2.10]) by mail.shop.example"));
}

TEST_CASE("CRLF line ends in the raw message become LF in the text") {
  const std::string raw = read_fixture("plain_utf8.eml");
  REQUIRE(contains(raw, "\r\n"));
  const ParsedMessage m = parse_fixture("plain_utf8.eml");
  CHECK_FALSE(contains(m.text, "\r"));
  CHECK(m.text == "Здравствуйте!\n\nЗаказ №5531 оплачен 25 ноября, но до сих пор не отправлен.\n"
                  "Подскажите, пожалуйста, когда ждать доставку?\n\nИван");
}

TEST_CASE("an RFC 2047 subject split over folded B and Q words in several charsets decodes whole") {
  const ParsedMessage m = parse_fixture("rfc2047_subject.eml");
  CHECK(m.subject == "Вопрос по заказу ™ café and plain words");
  CHECK(m.from.name == "María José");
  REQUIRE(m.to.size() == 1);
  CHECK(m.to[0].name == "Поддержка");
}

TEST_CASE("an ISO-2022-JP subject and sender name decode to UTF-8") {
  const ParsedMessage m = parse_fixture("iso2022jp.eml");
  CHECK(m.subject == "注文の配送について");
  CHECK(m.from.name == "山田");
}

TEST_CASE("raw undeclared windows-1251 header bytes are decoded by a guessed charset with a warning") {
  const ParsedMessage m = parse_fixture("raw_8bit_header_cp1251.eml");
  CHECK(m.subject == "Где мой заказ?");
  CHECK(m.from.name == "Пётр");
  CHECK(m.text == "Жду уже неделю.");
  CHECK(any_warning_contains(m, "guessed windows-1251"));
}

TEST_CASE("a 10000-character header line is capped in the header map and does not disturb parsing") {
  std::string long_value;
  for (int i = 0; long_value.size() < 10000; ++i) long_value += "token" + std::to_string(i) + " ";
  const std::string raw = "From: a@example.com\r\nSubject: long header\r\nX-Tracking: " + long_value +
                          "\r\nMessage-ID: <long@example.com>\r\n\r\nBody after a long header.\r\n";
  ParseOptions options;
  options.max_header_bytes = 100;
  const auto parsed = parse_message(raw, options);
  REQUIRE(parsed.has_value());
  CHECK(parsed->headers.at("x-tracking").size() == 100);
  CHECK(parsed->headers.at("x-tracking").starts_with("token0 token1 token2"));
  CHECK(parsed->message_id == "long@example.com");
  CHECK(parsed->subject == "long header");
  CHECK(parsed->text == "Body after a long header.");
}

TEST_CASE("a message without Message-ID or Date leaves them empty") {
  const auto parsed = parse_message("From: a@example.com\nSubject: bare\n\nhi\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->message_id.empty());
  CHECK_FALSE(parsed->date.has_value());
  CHECK(parsed->text == "hi");
}

TEST_CASE("Sender stands in for a missing From") {
  const auto parsed = parse_message("Sender: Robot <robot@example.com>\nSubject: s\n\nhi\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->from.name == "Robot");
  CHECK(parsed->from.address == "robot@example.com");
}

TEST_CASE("empty or headerless input is a ParseError") {
  CHECK_FALSE(parse_message("").has_value());
  CHECK_FALSE(parse_message(" \r\n\t\n").has_value());
  CHECK_FALSE(parse_message(read_fixture("garbage_no_headers.bin")).has_value());
  const auto prose = parse_message("hello world\nthis is not mail\n");
  REQUIRE_FALSE(prose.has_value());
  CHECK_FALSE(prose.error().reason.empty());
}

TEST_CASE("a header block with no body still parses") {
  const auto parsed = parse_message("Subject: only headers\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "only headers");
  CHECK(parsed->text.empty());
}

TEST_CASE("a leading mbox From line is tolerated") {
  const auto parsed = parse_message("From foo@bar.example Mon Dec  1 10:00:00 2026\nSubject: mbox line\n\nbody\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "mbox line");
  CHECK(parsed->text == "body");
}

// GMime 3.2.13 (jstedfast/gmime issue #133) stops at the first word's base64 padding; the
// module joins such runs before GMime decodes them.
TEST_CASE("padded base64 encoded words split across folded lines decode whole") {
  const ParsedMessage m = parse_fixture("split_base64_words.eml");
  CHECK(m.subject == "Заказ 5531: курьер не приехал");
  CHECK(m.from.name == "Екатерина Смирнова");
  CHECK(m.headers.at("subject") == "Заказ 5531: курьер не приехал");
  CHECK(m.text == "Курьер не приехал, жду с утра.");
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].filename == "Акт сверки за ноябрь.pdf");
  CHECK(m.attachments[0].sha256 == "2ae28040e4e65031c0539758fe7314aba92f4616e01013f9ff41eaa6f8d19e37");
}

TEST_CASE("encoded-word lookalikes in a plain body are left alone") {
  const std::string body = "Paste: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?= end";
  const auto parsed = parse_message("From: a@example.com\nSubject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=\n\n" + body + "\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "Hello world");
  CHECK(parsed->text == body);
}

TEST_CASE("a Date beyond what system_clock can hold is treated as absent") {
  const auto parsed = parse_message("From: a@example.com\nDate: Mon, 1 Jan 5027 10:00:00 +0000\nSubject: s\n\nx\n");
  REQUIRE(parsed.has_value());
  CHECK_FALSE(parsed->date.has_value());
}

TEST_CASE("classic Mac CR-only line ends are read like LF") {
  const ParsedMessage m = parse_fixture("cr_only_line_ends.eml");
  CHECK(m.subject == "Colis abîmé");
  CHECK(m.from.address == "claire@example.fr");
  CHECK(m.message_id == "classic-mac-1@example.fr");
  CHECK(m.text == "Bonjour,\nle colis 5521 est arrivé abîmé.\n\nClaire");
  CHECK(any_warning_contains(m, "lines end in CR only"));
}

TEST_CASE("a leading UTF-8 byte order mark is ignored") {
  const ParsedMessage m = parse_fixture("leading_bom.eml");
  CHECK(m.from.address == "tom@example.com");
  CHECK(m.subject == "Saved from a text editor");
  CHECK(m.headers.contains("from"));
  CHECK(m.text == "The kettle lid does not close.");
}

TEST_CASE("blank lines and indentation before the first header are ignored") {
  const ParsedMessage m = parse_fixture("leading_whitespace.eml");
  CHECK(m.from.address == "tom@example.com");
  CHECK(m.subject == "Pasted with an indent");
  CHECK(m.headers.at("return-path") == "<tom@example.com>");
  CHECK(m.text == "The kettle lid still does not close.");
  CHECK(any_warning_contains(m, "whitespace before the first header"));
}

TEST_CASE("an mbox From_ line before the headers is skipped") {
  const auto parsed = parse_message(
      "From someone@example.com Mon Dec  7 10:00:00 2026\nFrom: A <a@example.com>\nSubject: from mbox\n\nbody\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->from.address == "a@example.com");
  CHECK(parsed->subject == "from mbox");
  CHECK(parsed->text == "body");
}

TEST_CASE("a duplicated Subject or Content-Type header is read from its first occurrence") {
  const ParsedMessage m = parse_fixture("duplicate_headers.eml");
  CHECK(m.subject == "Falsche Farbe geliefert");
  CHECK(m.headers.at("subject") == "Falsche Farbe geliefert");
  CHECK(m.text == "Ich habe einen grünen Wasserkocher bekommen, bestellt war ein roter.");
  CHECK(m.attachments.empty());
}

TEST_CASE("a duplicated From header is read from its first occurrence") {
  const auto parsed = parse_message(
      "From: First <first@example.com>\nFrom: Second <second@example.com>\nSubject: x\n\nhi\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->from.address == "first@example.com");
}

TEST_CASE("a duplicated Content-Type in a MIME part is read from its first occurrence") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain; charset=utf-8\nContent-Type: application/octet-stream\n\n"
      "gr\xC3\xBCn\n--b--\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "grün");
  CHECK(parsed->attachments.empty());
}

TEST_CASE("an unbracketed address after a display name is the sender") {
  const ParsedMessage m = parse_fixture("from_unbracketed.eml");
  CHECK(m.from.name == "Big Bug");
  CHECK(m.from.address == "bb@bug.example");
  CHECK(any_warning_contains(m, "From address without angle brackets"));
}

TEST_CASE("unbracketed senders with quoted or encoded names or a second address keep the first") {
  const auto sender_of = [](const std::string& from) {
    auto parsed = parse_message("From: " + from + "\nSubject: x\n\nhi\n");
    REQUIRE(parsed.has_value());
    return parsed->from;
  };
  CHECK(sender_of("\"Big Bug\" bb@bug.example").address == "bb@bug.example");
  CHECK(sender_of("\"Big Bug\" bb@bug.example").name == "Big Bug");
  const Address encoded = sender_of("=?utf-8?q?J=C3=B6rg_M?= joerg@example.de");
  CHECK(encoded.name == "Jörg M");
  CHECK(encoded.address == "joerg@example.de");
  CHECK(sender_of("Big Bug bb@bug.example, other@example.com").address == "bb@bug.example");
  // Forms GMime already reads are left to it.
  CHECK(sender_of("bb@bug.example (Big Bug)").name == "Big Bug");
  CHECK(sender_of("Big Bug <bb@bug.example>").address == "bb@bug.example");
  CHECK(sender_of("bb@bug.example").address == "bb@bug.example");
}

TEST_CASE("CR CR LF line ends are read as CRLF") {
  const auto parsed = parse_message("From: A <a@example.com>\r\r\nSubject: doubled\r\r\n\r\r\nline one\r\r\nline two\r\r\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "doubled");
  CHECK(parsed->text == "line one\nline two");
}

TEST_CASE("malformed From headers still yield a usable sender address") {
  const auto sender_of = [](const std::string& from) {
    auto parsed = parse_message("From: " + from + "\nSubject: x\n\nhi\n");
    REQUIRE(parsed.has_value());
    return parsed->from;
  };
  // The whole mailbox in one encoded word: "Ivan <ivan@example.ru>".
  const Address encoded = sender_of("=?UTF-8?B?SXZhbiA8aXZhbkBleGFtcGxlLnJ1Pg==?=");
  CHECK(encoded.address == "ivan@example.ru");
  CHECK(encoded.name == "Ivan");
  CHECK(sender_of("Petrov, Ivan <ivan@example.ru>").address == "ivan@example.ru");
  CHECK(sender_of("\"ivan@example.ru\"").address == "ivan@example.ru");
  CHECK(sender_of("'ivan@example.ru'").address == "ivan@example.ru");
  CHECK(sender_of("\"Ivan <ivan@example.ru>\"").address == "ivan@example.ru");
  CHECK(sender_of("Ivan <ivan@example.ru>>").address == "ivan@example.ru");
}

TEST_CASE("a title line before the real headers is skipped") {
  const auto parsed = parse_message(
      "Microsoft Mail Internet Headers Version 2.0\r\nReceived: from mx.example.com\r\nFrom: A <a@example.com>\r\n"
      "Subject: saved headers\r\n\r\nbody text\r\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->from.address == "a@example.com");
  CHECK(parsed->subject == "saved headers");
  CHECK(parsed->text == "body text");
  CHECK(any_warning_contains(*parsed, "1 line before the first header ignored"));
}

TEST_CASE("prose without headers is still no message") {
  CHECK_FALSE(parse_message("Hello there\nName: Ivan\nPhone: 123\n\nthanks\n").has_value());
  CHECK_FALSE(parse_message("Just some words\non two lines\n").has_value());
}

TEST_CASE("repeated To headers keep every recipient") {
  const auto parsed = parse_message("From: a@example.com\nTo: one@example.com\nTo: two@example.com\nSubject: x\n\nhi\n");
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->to.size() == 2);
  CHECK(parsed->to[1].address == "two@example.com");
}

TEST_CASE("a stray first line in a CR-only message is skipped too") {
  const auto parsed = parse_message("lena@example.de>\rFrom: Lena <lena@example.de>\rSubject: cut short\r\rbody\r");
  REQUIRE(parsed.has_value());
  CHECK(parsed->from.address == "lena@example.de");
  CHECK(parsed->subject == "cut short");
  CHECK(parsed->text == "body");
}

TEST_CASE("a message saved as UTF-16 with a byte order mark is read") {
  const std::string utf8 = "From: Ann <ann@example.com>\r\nSubject: Заказ\r\n\r\nГде заказ?\r\n";
  std::string utf16 = "\xFF\xFE";
  // UTF-16LE by hand for the BMP: every character of this text is below U+0800.
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    unsigned code = lead;
    if (lead >= 0xC0) {
      code = ((lead & 0x1F) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F);
      i += 2;
    } else {
      ++i;
    }
    utf16 += static_cast<char>(code & 0xFF);
    utf16 += static_cast<char>(code >> 8);
  }
  const auto parsed = parse_message(utf16);
  REQUIRE(parsed.has_value());
  CHECK(parsed->from.address == "ann@example.com");
  CHECK(parsed->subject == "Заказ");
  CHECK(parsed->text == "Где заказ?");
}

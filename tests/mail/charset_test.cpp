#include <catch2/catch.hpp>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

namespace {
const std::string kDamagedParcel =
    "Добрый день! Посылка пришла повреждённой, коробка смята. Прошу заменить товар.";
}

TEST_CASE("a KOI8-R labelled body and subject decode without warnings") {
  const ParsedMessage m = parse_fixture("koi8r_body.eml");
  CHECK(m.subject == "Не пришла посылка");
  CHECK(m.text == kDamagedParcel);
  CHECK(m.warnings.empty());
}

TEST_CASE("a windows-1251 quoted-printable body with soft line breaks decodes") {
  const ParsedMessage m = parse_fixture("cp1251_qp_body.eml");
  CHECK(m.subject == "Возврат товара");
  CHECK(m.text ==
        "Хочу вернуть товар: размер не подошёл. Номер заказа 7781, оформлен через сайт, оплачен картой. "
        "Как оформить возврат денег?");
  CHECK(m.warnings.empty());
}

TEST_CASE("an ISO-2022-JP body decodes to UTF-8") {
  const ParsedMessage m = parse_fixture("iso2022jp.eml");
  CHECK(m.text == "お世話になっております。\n注文番号 9012 の配送状況を教えてください。");
}

TEST_CASE("a base64 UTF-8 body decodes") {
  const ParsedMessage m = parse_fixture("base64_body.eml");
  CHECK(m.text == "Курьер не приехал в назначенное время.\nПрошу перезвонить по номеру +7 900 000-00-00.");
}

TEST_CASE("unlabelled windows-1251 bytes are guessed as windows-1251 with a warning") {
  const ParsedMessage m = parse_fixture("missing_charset_cp1251.eml");
  CHECK(m.text == kDamagedParcel);
  CHECK(any_warning_contains(m, "no charset declared; guessed windows-1251"));
}

TEST_CASE("unlabelled KOI8-R bytes are told apart from windows-1251 by letter case") {
  const ParsedMessage m = parse_fixture("missing_charset_koi8r.eml");
  CHECK(m.text == kDamagedParcel);
  CHECK(any_warning_contains(m, "guessed KOI8-R"));
}

TEST_CASE("windows-1251 bytes wrongly labelled UTF-8 are guessed instead of turned into mojibake") {
  const ParsedMessage m = parse_fixture("wrong_charset_utf8_is_cp1251.eml");
  CHECK(m.text == kDamagedParcel);
  CHECK(any_warning_contains(m, "declared charset \"utf-8\" does not decode it; guessed windows-1251"));
}

TEST_CASE("an unknown charset label falls back to the guess") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=x-no-such-charset\n\ncaf\xE9 cr\xE8me\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "café crème");
  CHECK(any_warning_contains(*parsed, "guessed windows-1252"));
}

TEST_CASE("8-bit bytes labelled us-ascii are guessed rather than dropped") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=us-ascii\n\n" +
      std::string("\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0\n"));
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "Привет, мир");
}

TEST_CASE("NUL bytes are removed from headers and body without a charset guess") {
  const ParsedMessage m = parse_fixture("nul_bytes.eml");
  CHECK(m.subject == "NUL bytes");
  CHECK(m.text == "Order 4411 failed\nat checkout.");
  CHECK(m.warnings.empty());
}

TEST_CASE("text from undecodable bytes is still valid UTF-8") {
  // Accents between ASCII letters are not Cyrillic; 0x81 is undefined in windows-1252, so this
  // ends in the ISO-8859-1 last resort.
  const auto parsed = parse_message("From: a@example.com\nSubject: x\n\nok caf\x81 end\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text.starts_with("ok "));
  CHECK(parsed->text.ends_with(" end"));
  CHECK(is_valid_utf8(parsed->text));
  CHECK(any_warning_contains(*parsed, "guessed ISO-8859-1"));
}

TEST_CASE("one invalid byte in a UTF-8 part is replaced and the rest decodes as labelled") {
  const ParsedMessage m = parse_fixture("utf8_one_bad_byte.eml");
  CHECK(m.text == "Здравствуйте! Заказ 6120 пришёл без зарядного устрой\uFFFDства.\nПрошу дослать его курьером.");
  CHECK(any_warning_contains(m, "text/plain part: 1 invalid UTF-8 byte replaced by U+FFFD"));
  CHECK_FALSE(any_warning_contains(m, "guessed"));
}

TEST_CASE("a stray windows-1252 byte beside UTF-8 accents does not turn the accents into mojibake") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=UTF-8\n\n"
      "Caf\xC3\xA9 cr\xC3\xA8me \x93sans sucre\x94 s'il vous pla\xC3\xAEt\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "Café crème \uFFFDsans sucre\uFFFD s'il vous plaît");
  CHECK(any_warning_contains(*parsed, "2 invalid UTF-8 bytes replaced by U+FFFD"));
}

TEST_CASE("a windows-1251 label with one byte it does not define keeps the label") {
  // 0x98 is the one byte windows-1251 leaves undefined.
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=windows-1251\n\n" +
      std::string("\xCF\xEE\xF1\xFB\xEB\xEA\xE0 \x98 \xEF\xF0\xE8\xF8\xEB\xE0 \xEF\xEE\xE2\xF0\xE5\xE6\xE4\xE5\xED\xED\xEE\xE9\n"));
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "Посылка \uFFFD пришла поврежденной");
  CHECK(any_warning_contains(*parsed, "1 byte invalid in windows-1251 replaced by U+FFFD"));
}

TEST_CASE("raw 8-bit headers are read in the big5 charset the body declares") {
  const ParsedMessage m = parse_fixture("raw_8bit_header_big5.eml");
  CHECK(m.subject == "訂單 8812 尚未到貨");
  CHECK(m.from.name == "陳小明");
  CHECK(m.text == "您好，我的訂單 8812 已經兩週了還沒到。");
  CHECK(any_warning_contains(m, "read as big5, a charset the message declares"));
}

TEST_CASE("raw 8-bit headers are read in the euc-jp charset a nested body part declares") {
  const ParsedMessage m = parse_fixture("raw_8bit_header_eucjp.eml");
  CHECK(m.subject == "返品について");
  CHECK(m.from.name == "佐藤");
  CHECK(m.text == "商品を返品したいです。注文番号は 5510 です。");
}

TEST_CASE("a broken big5 label decodes as big5 with U+FFFD instead of a confident guess") {
  // "訂單 8812" in big5 with the second byte of the last character cut off mid-text.
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=big5\n\n"
      "\xAD\x71\xB3\xE6 8812 \xA9\x7C\xA5\xBC\xA8\xEC\xB3 ok\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text.starts_with("訂單 8812 尚未到"));
  CHECK(contains(parsed->text, "\uFFFD"));
  CHECK_FALSE(any_warning_contains(*parsed, "guessed"));
}

TEST_CASE("an unlabelled part is read in the charset the subject's encoded words declare") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: =?shift_jis?B?g2WDWINn?=\n\n\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "テスト");
  CHECK(parsed->text == "こんにちは");
  CHECK(any_warning_contains(*parsed, "no charset declared; read as shift_jis"));
}

TEST_CASE("raw 8-bit headers are read in the charset of the encoded words beside them") {
  const auto parsed = parse_message(
      "From: =?euc-jp?B?uLbGowo=?= <sato@example.jp>\nSubject: \xca\xd6\xc9\xca\n\nhello\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "返品");
}

TEST_CASE("misspelled and vendor charset labels are understood") {
  const auto text_of = [](const std::string& label, const std::string& bytes) {
    auto parsed = parse_message("From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=" + label + "\n\n" + bytes + "\n");
    REQUIRE(parsed.has_value());
    CHECK(parsed->warnings.empty());
    return parsed->text;
  };
  CHECK(text_of("x-mac-cyrillic", "\x8F\xF0\xE8\xE2\xE5\xF2") == "Привет");
  CHECK(text_of("win-1251", "\xCF\xF0\xE8\xE2\xE5\xF2") == "Привет");
  CHECK(text_of("windows1251", "\xCF\xF0\xE8\xE2\xE5\xF2") == "Привет");
  CHECK(text_of("cp-850", "caf\x82") == "café");
  CHECK(text_of("x-sjis", "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd") == "こんにちは");
  CHECK(text_of("\"_iso-2022-jp$ESC\"", "\x1b$B$3$s$K$A$O\x1b(B") == "こんにちは");
  CHECK(text_of("unicode-1-1-utf-7", "caf+AOk-") == "café");
  CHECK(text_of("ks_c_5601-1987", "\xbe\xc8\xb3\xe7") == "안녕");
}

TEST_CASE("a label that names no charset is treated as no label") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=unknown-8bit\n\n\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "Привет, мир");
}

TEST_CASE("unlabelled bytes that read as no Cyrillic text become U+FFFD rather than mojibake") {
  // Shift_JIS with no label and no other charset in the message.
  const auto parsed = parse_message("From: a@example.com\nSubject: x\n\n\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd ok\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD ok");
  CHECK(any_warning_contains(*parsed, "no charset fits"));
  // GBK likewise.
  const auto gbk = parse_message("From: a@example.com\nSubject: x\n\n\xc4\xe3\xba\xc3\xa3\xac\xce\xd2\xb5\xc4\xb6\xa9\xb5\xa5\n");
  REQUIRE(gbk.has_value());
  CHECK(any_warning_contains(*gbk, "no charset fits"));
}

TEST_CASE("unlabelled Russian in capitals is still read as Cyrillic") {
  const auto parsed = parse_message("From: a@example.com\nSubject: x\n\n\xc7\xc0\xca\xc0\xc7 \xcd\xc5 \xcf\xd0\xc8\xd8\xc5\xcb\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "ЗАКАЗ НЕ ПРИШЕЛ");
}

TEST_CASE("raw CJK header bytes with no charset anywhere are shown as question marks rather than mojibake") {
  // "訂單 8812 尚未到貨" in Big5, whose second bytes are sometimes ASCII.
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: \xAD\x71\xB3\xE6 8812 \xA9\x7C\xA5\xBC\xA8\xEC\xB3\x66\n\nplain ascii body\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "?q? 8812 ?|?????f");
  CHECK(any_warning_contains(*parsed, "fit no charset"));
}

TEST_CASE("unlabelled Western accents are still guessed as windows-1252") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\n\nCaf\xE9 cr\xE8me br\xFBl\xE9" "e \x96 5\x80 \xB1" "5\xB0" "C, d\xE9j\xE0 vu\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "Café crème brûlée – 5€ ±5°C, déjà vu");
  // Accented letters side by side are still Western.
  const auto german = parse_message("From: a@example.com\nSubject: x\n\nGr\xF6\xDF" "e 42, \xDC" "bergr\xF6\xDF" "e verf\xFC" "gbar\n");
  REQUIRE(german.has_value());
  CHECK(german->text == "Größe 42, Übergröße verfügbar");
}

TEST_CASE("a charset label GMime cannot see as a parameter is still read") {
  for (const std::string type : {"text/plain charset=koi8-r", "text/plain, charset=koi8-r", "text/plain;charset:koi8-r",
                                 "text/plain; format=flowed charset=\"koi8-r\""}) {
    const auto parsed = parse_message("From: a@example.com\nSubject: x\nContent-Type: " + type + "\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n");
    REQUIRE(parsed.has_value());
    CHECK(parsed->text == "Привет");
    CHECK(parsed->warnings.empty());
  }
}

TEST_CASE("encoded words in a misspelled charset are decoded in the charset it means") {
  // "テスト" in Shift_JIS and "Привет" in windows-1251, under labels iconv does not know.
  const auto parsed = parse_message(
      "From: =?win-1251?B?z/Do4uXy?= <a@example.com>\nSubject: =?x-sjis?B?g2WDWINn?=\n\nhi\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "テスト");
  CHECK(parsed->from.name == "Привет");
}

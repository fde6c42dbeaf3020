#include <catch2/catch.hpp>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

TEST_CASE("a well-formed message reads cleanly") {
  const ReadingQuality q = reading_quality(parse_fixture("plain_utf8.eml"));
  CHECK(q.clean());
  CHECK_FALSE(q.empty_text);
  CHECK(q.replacement_characters == 0);
  CHECK(q.guessed_charsets.empty());
  CHECK_FALSE(q.missing_sender);
  CHECK_FALSE(q.automatic);
}

TEST_CASE("replacement characters from invalid bytes are counted") {
  const ReadingQuality q = reading_quality(parse_fixture("utf8_one_bad_byte.eml"));
  CHECK(q.replacement_characters == 1);
  CHECK(q.guessed_charsets.empty());
  CHECK_FALSE(q.clean());
}

TEST_CASE("guessed charsets of parts and headers are listed once each") {
  CHECK(reading_quality(parse_fixture("missing_charset_koi8r.eml")).guessed_charsets == std::vector<std::string>{"KOI8-R"});
  CHECK(reading_quality(parse_fixture("raw_8bit_header_cp1251.eml")).guessed_charsets ==
        std::vector<std::string>{"windows-1251"});
  CHECK(reading_quality(parse_fixture("raw_8bit_header_big5.eml")).guessed_charsets == std::vector<std::string>{"big5"});
  const auto twice = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\ncaf\xE9\n--b\nContent-Type: text/plain\n\ncr\xE8me\n--b--\n");
  REQUIRE(twice.has_value());
  CHECK(reading_quality(*twice).guessed_charsets == std::vector<std::string>{"windows-1252"});
}

TEST_CASE("a message without text or without a usable sender is not clean") {
  const auto no_text = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: image/gif; name=a.gif\nContent-Transfer-Encoding: base64\n\nR0lGODlhAQABAAAAACw=\n");
  REQUIRE(no_text.has_value());
  CHECK(reading_quality(*no_text).empty_text);
  const auto no_sender = parse_message("Subject: x\n\nhello\n");
  REQUIRE(no_sender.has_value());
  CHECK(reading_quality(*no_sender).missing_sender);
  CHECK_FALSE(reading_quality(*no_sender).clean());
}

TEST_CASE("robots and bounces are flagged") {
  const ReadingQuality bounce = reading_quality(parse_fixture("bounce_dsn.eml"));
  CHECK(bounce.automatic);
  CHECK(bounce.bounce);
  const ReadingQuality list = reading_quality(parse_fixture("list_newsletter.eml"));
  CHECK(list.automatic);
  CHECK_FALSE(list.bounce);
}

TEST_CASE("raw header bytes that fit no charset count as lost bytes") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: \xAD\x71\xB3\xE6 8812 \xA9\x7C\xA5\xBC\xA8\xEC\xB3\x66\n\nplain ascii body\n");
  REQUIRE(parsed.has_value());
  CHECK(reading_quality(*parsed).replacement_characters == 1);
  CHECK_FALSE(reading_quality(*parsed).clean());
}

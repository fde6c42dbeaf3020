#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include "mail/mbox.h"
#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

namespace {
std::vector<MboxMessage> read_all(const std::string& text, std::uint64_t start = 0, std::size_t max_bytes = 1 << 20) {
  std::istringstream in(text.substr(start));
  MboxReader reader(in, start, max_bytes);
  std::vector<MboxMessage> messages;
  while (auto message = reader.next()) messages.push_back(std::move(*message));
  return messages;
}

const std::string kMbox =
    "From ann@example.com Mon Dec  7 10:00:00 2026\n"
    "From: Ann <ann@example.com>\nSubject: first\n\nline one\n>From the start it leaked.\n\n"
    "From bob@example.com Mon Dec  7 11:00:00 2026\n"
    "From: Bob <bob@example.com>\nSubject: second\n\n>From here on, a quoted body line.\n>>From stays quoted once.\n";
}  // namespace

TEST_CASE("an mbox is split at From lines after blank lines with offsets to resume from") {
  const auto messages = read_all(kMbox);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].raw == "From: Ann <ann@example.com>\nSubject: first\n\nline one\nFrom the start it leaked.\n");
  CHECK(messages[0].offset == 0);
  CHECK(messages[0].end == kMbox.find("From bob"));
  CHECK(messages[1].offset == kMbox.find("From bob"));
  CHECK(messages[1].end == kMbox.size());
  CHECK(messages[1].raw ==
        "From: Bob <bob@example.com>\nSubject: second\n\nFrom here on, a quoted body line.\n>From stays quoted once.\n");
  const auto parsed = parse_message(messages[0].raw);
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "first");
}

TEST_CASE("reading resumes at a reported offset") {
  const auto all = read_all(kMbox);
  const auto rest = read_all(kMbox, all[0].end);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].raw == all[1].raw);
  CHECK(rest[0].offset == all[1].offset);
}

TEST_CASE("CRLF mbox files and a file that is one message without a From line are read") {
  const auto crlf = read_all("From a Mon\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom b Tue\r\nSubject: two\r\n\r\nbody two\r\n");
  REQUIRE(crlf.size() == 2);
  CHECK(crlf[0].raw == "Subject: one\r\n\r\nbody\r\n");
  CHECK(crlf[1].raw == "Subject: two\r\n\r\nbody two\r\n");
  const auto eml = read_all("From: a@example.com\nSubject: lone\n\nbody\n");
  REQUIRE(eml.size() == 1);
  CHECK(eml[0].raw == "From: a@example.com\nSubject: lone\n\nbody\n");
}

TEST_CASE("a message longer than the limit is cut and marked and the next one still starts right") {
  const std::string big = "From a\nSubject: big\n\n" + std::string(100, 'x') + "\n" + std::string(100, 'y') + "\n\nFrom b\nSubject: next\n\nok\n";
  const auto messages = read_all(big, 0, 64);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].truncated);
  CHECK(messages[0].raw.size() == 64);
  CHECK_FALSE(messages[1].truncated);
  CHECK(messages[1].raw == "Subject: next\n\nok\n");
}

TEST_CASE("empty blocks between From lines and an empty file yield no message") {
  CHECK(read_all("").empty());
  CHECK(read_all("From a\n\nFrom b\n\n").empty());
  CHECK(read_all("From a\n\n\nFrom b\nSubject: only\n\nx\n").size() == 1);
}

TEST_CASE("an envelope line with a date splits messages even without a blank line before it") {
  const auto messages = read_all(
      "From a@example.com Mon Dec  7 10:00:00 2026\nSubject: one\n\nbody one\n"
      "From b@example.com Mon Dec  7 11:00:00 2026\nSubject: two\n\nbody two\nFrom here on no split.\n");
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].raw == "Subject: one\n\nbody one\n");
  CHECK(messages[1].raw == "Subject: two\n\nbody two\nFrom here on no split.\n");
}

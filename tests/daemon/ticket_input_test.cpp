// The channel adapters on their own: form decoding and the checks both encodings share.
#include <catch2/catch.hpp>

#include <string>

#include "intake/ticket_input.h"

namespace triaged::daemon {
namespace {

std::vector<std::string> codes(const Problem& p) {
  std::vector<std::string> out;
  for (const auto& e : p.errors) out.push_back(e.field + ":" + e.code);
  return out;
}

TEST_CASE("form_decode turns %-escapes into bytes and '+' into a space", "[api]") {
  std::string out;
  REQUIRE(form_decode("a+b%20c%2Bd%2fe", out));
  CHECK(out == "a b c+d/e");
  REQUIRE(form_decode("%D0%9A%d1%83", out));
  CHECK(out == "Ку");
  REQUIRE(form_decode("", out));
  CHECK(out.empty());
}

TEST_CASE("form_decode rejects a broken or truncated escape", "[api]") {
  std::string out;
  CHECK_FALSE(form_decode("100%", out));
  CHECK_FALSE(form_decode("%4", out));
  CHECK_FALSE(form_decode("a%4g", out));
  CHECK_FALSE(form_decode("%%41", out));
}

TEST_CASE("a form accepts requester keys in three spellings and fields in two", "[api]") {
  auto t = ticket_from_form(
      "subject=s&requester.name=N&requester%5Bemail%5D=e%40x.ru&phone=1&field.a=1&fields%5Bb%5D=2&c=3&d=");
  REQUIRE(t.has_value());
  CHECK(t->requester.name == "N");
  CHECK(t->requester.email == "e@x.ru");
  CHECK(t->requester.phone == "1");
  CHECK(t->fields == std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"c", "3"}});
  CHECK(t->channel == "web");
}

TEST_CASE("form data that is not UTF-8 is a 400", "[api]") {
  auto t = ticket_from_form("subject=%FF%FE");
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error().status == 400);
}

TEST_CASE("a subject over 1000 bytes is too_long while 1000 bytes is accepted", "[api]") {
  auto long_subject = ticket_from_form("subject=" + std::string(1001, 'x'));
  REQUIRE_FALSE(long_subject.has_value());
  CHECK(long_subject.error().status == 422);
  CHECK(codes(long_subject.error()) == std::vector<std::string>{"subject:too_long"});
  CHECK(long_subject.error().errors.at(0).message == "is 1001 bytes; the limit is 1000");
  CHECK(ticket_from_form("subject=" + std::string(1000, 'x')).has_value());
}

TEST_CASE("every invalid attribute of a JSON ticket is reported at once", "[api]") {
  auto t = ticket_from_json(R"({"subject": ")" + std::string(1001, 's') + R"(", "channel": "Web Form",
      "requester": {"name": ")" + std::string(4097, 'n') + R"("}})");
  REQUIRE_FALSE(t.has_value());
  CHECK(codes(t.error()) == std::vector<std::string>{"subject:too_long", "requester.name:too_long", "channel:invalid"});
}

TEST_CASE("a JSON ticket's channel defaults to api and null members count as absent", "[api]") {
  auto t = ticket_from_json(R"({"subject": "x", "body": null, "requester": null, "fields": {"a": null, "b": 7}})");
  REQUIRE(t.has_value());
  CHECK(t->channel == "api");
  CHECK(t->body.empty());
  CHECK(t->fields == std::map<std::string, std::string>{{"b", "7"}});
}

// A decimal field's value must reach routing as text parse_number() reads ("1500.5"), not in
// Boost.JSON's serializer notation ("1.5005E3"), or the field is rejected as "not a number".
TEST_CASE("a fractional JSON number in fields is kept as plain decimal text", "[api]") {
  auto t = ticket_from_json(R"({"subject": "x", "fields": {"amount": 1500.5, "rate": 0.25}})");
  REQUIRE(t.has_value());
  CHECK(t->fields == std::map<std::string, std::string>{{"amount", "1500.5"}, {"rate", "0.25"}});
}

TEST_CASE("trailing bytes after the JSON object are malformed", "[api]") {
  auto t = ticket_from_json(R"({"subject": "x"} {})");
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error().status == 400);
  CHECK_THAT(t.error().detail, Catch::StartsWith("malformed JSON at byte 17:"));
}

}  // namespace
}  // namespace triaged::daemon

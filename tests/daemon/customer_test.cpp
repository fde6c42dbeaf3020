// The customer's side, socket-free: status tokens (signed, bound, expiring), the secret file,
// acknowledgement templates and their language (docs/customer.md).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "common/status_token.h"
#include "intake/acknowledgement.h"
#include "rules/rules.h"
#include "test_rules.h"

namespace {

using namespace triaged;
using namespace std::chrono_literals;
using daemon::StatusTokens;
using Clock = std::chrono::system_clock;

const std::string kSecret = "0123456789abcdef0123456789abcdef";
const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1'800'000'000));

std::shared_ptr<const routing::RuleSet> rules_with(const std::string& acknowledgement) {
  const std::string text = std::string(testing::kTestRules) + acknowledgement;
  auto loaded = rules::load_rules_text(text, "test.yaml");
  if (!loaded) FAIL(loaded.error().front().to_string());
  return loaded->rules;
}

routing::Decision route_text(const routing::RuleSet& rules, const std::string& body, bool with_order) {
  routing::Ticket t;
  t.subject = body;
  t.body = body;
  t.channel = "web";
  t.requester.name = "Ivan";
  t.requester.email = "ivan@example.com";
  if (with_order) t.fields["order_id"] = "12345678";
  return routing::route(rules, t, kNow);
}

}  // namespace

TEST_CASE("a status token verifies to the ticket it was signed for until it expires", "[customer]") {
  const StatusTokens tokens(kSecret);
  const std::string token = tokens.issue(42, "K7M-3QX", kNow + 1h);
  auto claim = tokens.verify(token, kNow);
  REQUIRE(claim);
  CHECK(claim->ticket_id == 42);
  CHECK(claim->ref == "K7M-3QX");
  CHECK(claim->expires_at == kNow + 1h);
}

TEST_CASE("a status token with another ticket id or reference is refused as forged", "[customer]") {
  const StatusTokens tokens(kSecret);
  const std::string token = tokens.issue(42, "K7M-3QX", kNow + 1h);
  std::string other_id = token;
  other_id.replace(0, 2, "43");
  auto refused = tokens.verify(other_id, kNow);
  REQUIRE(!refused);
  CHECK(refused.error().reason == "forged");
  std::string other_ref = token;
  other_ref.replace(other_ref.find("K7M"), 3, "K7N");
  CHECK(tokens.verify(other_ref, kNow).error().reason == "forged");
  std::string other_mac = token;
  other_mac.back() = other_mac.back() == '0' ? '1' : '0';
  CHECK(tokens.verify(other_mac, kNow).error().reason == "forged");
}

TEST_CASE("a status token past its expiry is refused as expired", "[customer]") {
  const StatusTokens tokens(kSecret);
  const std::string token = tokens.issue(42, "K7M-3QX", kNow + 1h);
  CHECK(tokens.verify(token, kNow + 1h).error().reason == "expired");
  // A later expiry written into the token breaks its signature.
  std::string extended = token;
  const auto at = extended.find(std::to_string(std::chrono::duration_cast<std::chrono::seconds>((kNow + 1h).time_since_epoch()).count()));
  extended.replace(at, 1, "9");
  CHECK(tokens.verify(extended, kNow + 2h).error().reason == "forged");
}

TEST_CASE("a status token signed under another secret is refused", "[customer]") {
  const StatusTokens ours(kSecret), theirs("another secret of enough length!");
  CHECK(ours.verify(theirs.issue(42, "K7M-3QX", kNow + 1h), kNow).error().reason == "forged");
}

TEST_CASE("a malformed status token is refused without a claim", "[customer]") {
  const StatusTokens tokens(kSecret);
  for (const char* bad : {"", "42", "42.K7M-3QX.1800003600", "x.K7M-3QX.1800003600.00", "42..1.ab"})
    CHECK(tokens.verify(bad, kNow).error().reason == "malformed");
}

TEST_CASE("the status secret file is made once and read back on the next start", "[customer]") {
  const auto dir = std::filesystem::temp_directory_path() / ("triaged-secret-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "t.db.status-secret").string();
  std::filesystem::remove(path);
  auto first = daemon::load_or_create_status_secret(path);
  REQUIRE(first);
  CHECK(first->size() == 64);
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::others_read) == std::filesystem::perms::none);
  auto second = daemon::load_or_create_status_secret(path);
  REQUIRE(second);
  CHECK(*second == *first);
  std::filesystem::remove_all(dir);
}

TEST_CASE("placeholders are filled and other braces stay as written", "[customer]") {
  CHECK(daemon::render_placeholders("Ticket {ref}: {topic} {unknown} {", {{"topic", "Delivery"}}) ==
        "Ticket {ref}: Delivery {unknown} {");
  // An empty {missing} leaves no run of empty lines behind.
  CHECK(daemon::render_placeholders("a\n\n{missing}\n\nb\n", {{"missing", ""}}) == "a\n\nb\n");
}

TEST_CASE("the customer language is the acknowledgement's own then the rule set's first known one", "[customer]") {
  CHECK(daemon::customer_language(*rules_with("acknowledgement:\n")) == "ru");  // languages: [ru, en]
  CHECK(daemon::customer_language(*rules_with("acknowledgement: { language: en }\n")) == "en");
}

TEST_CASE("an acknowledgement names the reference topic department and due time in Russian", "[customer]") {
  auto rules = rules_with("acknowledgement:\n");
  const routing::Decision d = route_text(*rules, "The courier did not come", true);
  REQUIRE(d.complete());
  auto mail = daemon::acknowledgement_mail(*rules, d, {"web", "ivan@example.com", "Ivan", "", {}, "id@test"});
  REQUIRE(mail);
  CHECK(mail->purpose == "acknowledgement");
  CHECK(mail->to_address == "ivan@example.com");
  CHECK(mail->subject == "[#{ref}] Обращение принято: Delivery");
  CHECK_THAT(mail->text, Catch::Contains("под номером {ref}") && Catch::Contains("«Logistics»") &&
                             Catch::Contains("Ответим до") && Catch::Contains("(UTC)") &&
                             Catch::Contains("{status_link}"));
  CHECK_THAT(mail->text, !Catch::Contains("не хватает"));
}

TEST_CASE("a needs_info acknowledgement folds the question for the missing fields into one message", "[customer]") {
  auto rules = rules_with("acknowledgement:\n");
  const routing::Decision d = route_text(*rules, "The courier did not come", false);
  REQUIRE(!d.complete());
  auto mail = daemon::acknowledgement_mail(*rules, d, {"email", "ivan@example.com", "Ivan", "orig@x", {}, "id@test"});
  REQUIRE(mail);
  CHECK(mail->purpose == "needs_info");
  CHECK(mail->subject == "Re: [#{ref}] Обращение принято: Delivery");
  CHECK(mail->in_reply_to == "orig@x");
  CHECK_THAT(mail->text, Catch::Contains("не хватает данных") && Catch::Contains("  - Order number") &&
                             Catch::Contains("как только получим недостающие данные"));
}

TEST_CASE("topic templates override the default and a template without a tag still gets one", "[customer]") {
  auto rules = rules_with(
      "acknowledgement:\n"
      "  language: en\n"
      "  topics:\n"
      "    delivery: { subject: \"About your parcel\", text: \"Ref {ref}, {topic}. {due}\" }\n");
  auto mail = daemon::acknowledgement_mail(*rules, route_text(*rules, "courier", true), {"web", "a@b.example", "", "", {}, "i@t"});
  REQUIRE(mail);
  CHECK(mail->subject == "[#{ref}] About your parcel");
  CHECK_THAT(mail->text, Catch::StartsWith("Ref {ref}, Delivery. We will answer by "));
}

TEST_CASE("a topic or channel turned off gets no acknowledgement", "[customer]") {
  auto rules = rules_with(
      "acknowledgement:\n"
      "  off_channels: [phone]\n"
      "  topics:\n"
      "    delivery: { enabled: false }\n");
  const routing::Decision delivery = route_text(*rules, "courier", true);
  CHECK(!daemon::acknowledgement_mail(*rules, delivery, {"web", "a@b.example", "", "", {}, "i@t"}));
  const routing::Decision refund = route_text(*rules, "I want a refund", true);
  REQUIRE(refund.topic == "refund");
  CHECK(daemon::acknowledgement_mail(*rules, refund, {"web", "a@b.example", "", "", {}, "i@t"}));
  CHECK(!daemon::acknowledgement_mail(*rules, refund, {"phone", "a@b.example", "", "", {}, "i@t"}));
  CHECK(!daemon::acknowledgement_mail(*rules_with(""), refund, {"web", "a@b.example", "", "", {}, "i@t"}));
}

TEST_CASE("an acknowledgement with an unknown placeholder or topic is a located load error", "[customer]") {
  const std::string text = std::string(testing::kTestRules) +
                           "acknowledgement:\n  text: \"Hi {nmae}\"\n  topics:\n    parcels: { enabled: false }\n";
  auto loaded = rules::load_rules_text(text, "test.yaml");
  REQUIRE(!loaded);
  std::string all;
  for (const auto& e : loaded.error()) all += e.to_string() + "\n";
  CHECK_THAT(all, Catch::Contains("unknown placeholder \"{nmae}\"") && Catch::Contains("unknown topic \"parcels\"") &&
                      Catch::Contains("test.yaml:"));
}

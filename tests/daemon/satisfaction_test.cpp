// The satisfaction survey, socket-free (docs/customer.md, "Satisfaction"): the rule set's
// `satisfaction:` block, the survey mail and its one-click links, and the rating endpoint
// through the Api with a real store: asked once at the first resolve, rated with the status
// token, changeable until the window closes, counted in /metrics (stats: tests/storage and
// tests/e2e satisfaction_test.cpp).
#include <catch2/catch.hpp>

#include <algorithm>

#include "api_harness.h"
#include "common/status_token.h"
#include "intake/satisfaction_mail.h"
#include "rules/rules.h"
#include "test_rules.h"

namespace {

using namespace triaged;
using namespace std::chrono_literals;
using testing::ApiHarness;
using testing::body_json;
using testing::problem_of;
using testing::str;
using Clock = std::chrono::system_clock;

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1'800'000'000));

std::shared_ptr<const routing::RuleSet> rules_with(const std::string& satisfaction) {
  auto loaded = rules::load_rules_text(std::string(testing::kTestRules) + satisfaction, "test.yaml");
  if (!loaded) FAIL(loaded.error().front().to_string());
  return loaded->rules;
}

storage::StoredTicket resolved_ticket(const std::string& topic, const std::string& channel, const std::string& email) {
  storage::StoredTicket t;
  t.id = 7;
  t.ref = "K7M-3QX";
  t.topic = topic;
  t.department = topic == "refund" ? "billing" : "logistics";
  t.status = "in_progress";
  t.ticket.channel = channel;
  t.ticket.requester.name = "Ivan";
  t.ticket.requester.email = email;
  return t;
}

std::vector<storage::StoredMessage> thread_of(const std::string& inbound_id) {
  storage::StoredMessage in;
  in.direction = "in";
  in.message_id = inbound_id;
  storage::StoredMessage out;
  out.direction = "out";
  out.message_id = "ack@triaged.test";
  return {in, out};
}

std::optional<storage::SurveyRequest> ask(const routing::RuleSet& rules, const storage::StoredTicket& t) {
  return daemon::survey_request(rules, t, thread_of("orig@customer.example"), {"survey@triaged.test", 5, kNow});
}

const std::string kSurveyRules = std::string(testing::kTestRules) + "satisfaction: { language: en }\n";

// Creates a complete delivery ticket for `email` and returns its ref.
std::string create_for(ApiHarness& api, const std::string& email) {
  auto created = api.create(R"({"subject": "The courier is late", "body": "Nobody came",
    "requester": {"name": "Ivan", "email": ")" + email + R"("}, "fields": {"order_id": "12345678"}})");
  return str(created.at("ref"));
}

daemon::Response set_status(ApiHarness& api, const std::string& ref, const std::string& status) {
  return api.post_json("/api/v1/tickets/" + ref + "/status", R"({"status": ")" + status + R"(", "actor": "olga"})");
}

std::string token_for(ApiHarness& api, const std::string& ref, const std::string& email) {
  auto res = api.post_json("/api/v1/status/lookup", R"({"ref": ")" + ref + R"(", "contact": ")" + email + R"("})");
  REQUIRE(res.status == 200);
  return str(body_json(res).at("token"));
}

daemon::Response rate(ApiHarness& api, const std::string& token, const std::string& rating, const std::string& comment = "") {
  return api.post_json("/api/v1/status/rating",
                       R"({"token": ")" + token + R"(", "rating": ")" + rating + R"(", "comment": ")" + comment + R"("})");
}

std::vector<std::string> event_kinds(ApiHarness& api, const std::string& ref) {
  std::vector<std::string> kinds;
  const boost::json::object ticket = body_json(api.get("/api/v1/tickets/" + ref));  // outlives the loop
  for (const auto& e : ticket.at("events").as_array())
    kinds.push_back(str(e.as_object().at("kind")));
  return kinds;
}

long count_of(const std::vector<std::string>& kinds, const std::string& kind) {
  return std::count(kinds.begin(), kinds.end(), kind);
}

}  // namespace

TEST_CASE("a survey mail names the reference and topic with one-click links and threads to the ticket", "[customer][satisfaction]") {
  auto rules = rules_with("satisfaction:\n");
  auto asked = ask(*rules, resolved_ticket("delivery", "email", "ivan@example.com"));
  REQUIRE(asked);
  CHECK(asked->closes_at == kNow + std::chrono::days{7});
  REQUIRE(asked->mail);
  const storage::OutboxMail& mail = *asked->mail;
  CHECK(mail.purpose == "satisfaction");
  CHECK(mail.to_address == "ivan@example.com");
  CHECK(mail.daily_cap == 5);
  CHECK(mail.subject == "[#{ref}] Оцените, как мы помогли: Delivery");
  CHECK(mail.in_reply_to == "orig@customer.example");
  CHECK(mail.references == std::vector<std::string>{"orig@customer.example", "ack@triaged.test"});
  CHECK(mail.message_id == "survey@triaged.test");
  CHECK_THAT(mail.text, Catch::Contains("Ваше обращение {ref} («Delivery») решено") &&
                            Catch::Contains("Хорошо: {good_link}") && Catch::Contains("Плохо:  {bad_link}") &&
                            Catch::Contains("в течение 7 дней") && Catch::Contains("{status_link}"));
}

TEST_CASE("the rating window and its words follow rating_days in English and Russian", "[customer][satisfaction]") {
  auto en = rules_with("satisfaction: { language: en, rating_days: 1 }\n");
  auto asked = ask(*en, resolved_ticket("delivery", "web", "ivan@example.com"));
  REQUIRE(asked);
  CHECK(asked->closes_at == kNow + std::chrono::days{1});
  CHECK_THAT(asked->mail->text, Catch::Contains("for 1 day on your request's page") && Catch::Contains("Good: {good_link}"));
  auto ru = rules_with("satisfaction: { rating_days: 3 }\n");
  CHECK_THAT(ask(*ru, resolved_ticket("delivery", "web", "ivan@example.com"))->mail->text, Catch::Contains("в течение 3 дня"));
}

TEST_CASE("no survey is asked without the block or where a topic or channel turns it off", "[customer][satisfaction]") {
  CHECK_FALSE(ask(*rules_with(""), resolved_ticket("delivery", "web", "ivan@example.com")));
  auto rules = rules_with(
      "satisfaction:\n"
      "  off_channels: [phone]\n"
      "  topics:\n"
      "    delivery: { enabled: false }\n"
      "    refund: { subject: \"Was the refund handled well?\", text: \"Rate {ref}: {good_link} or {bad_link}\" }\n");
  CHECK_FALSE(ask(*rules, resolved_ticket("delivery", "web", "ivan@example.com")));
  CHECK_FALSE(ask(*rules, resolved_ticket("refund", "phone", "ivan@example.com")));
  auto refund = ask(*rules, resolved_ticket("refund", "web", "ivan@example.com"));
  REQUIRE(refund);
  CHECK(refund->mail->subject == "[#{ref}] Was the refund handled well?");
  CHECK(refund->mail->text == "Rate {ref}: {good_link} or {bad_link}");
  // A rule set that turns surveys off still asks for a topic that turns them on.
  auto off = rules_with("satisfaction:\n  enabled: false\n  topics:\n    refund: { enabled: true }\n");
  CHECK_FALSE(ask(*off, resolved_ticket("delivery", "web", "ivan@example.com")));
  CHECK(ask(*off, resolved_ticket("refund", "web", "ivan@example.com")));
}

TEST_CASE("a robot or missing address is asked on the status page only and never mailed", "[customer][satisfaction]") {
  auto rules = rules_with("satisfaction:\n");
  for (const char* address : {"noreply@shop.example", "mailer-daemon@shop.example", ""}) {
    INFO(address);
    auto asked = ask(*rules, resolved_ticket("delivery", "web", address));
    REQUIRE(asked);
    CHECK_FALSE(asked->mail);
  }
}

TEST_CASE("a satisfaction text with an unknown placeholder is an error at its line", "[customer][satisfaction]") {
  const std::string text = std::string(testing::kTestRules) + "satisfaction:\n  text: \"Rate us {goodlink}\"\n";
  auto loaded = rules::load_rules_text(text, "test.yaml");
  REQUIRE(!loaded);
  const std::string line = std::to_string(testing::line_of(text, "satisfaction:"));
  CHECK_THAT(loaded.error().front().to_string(),
             Catch::StartsWith("test.yaml:" + line + ":1: ") && Catch::Contains("unknown placeholder \"{goodlink}\""));
}

TEST_CASE("a satisfaction block with an unknown topic or key or a bad window is refused", "[customer][satisfaction]") {
  for (const char* block : {"satisfaction:\n  topics:\n    parcels: { enabled: false }\n",
                            "satisfaction:\n  rating_days: 0\n", "satisfaction:\n  rating_days: 2.5\n",
                            "satisfaction:\n  window: 7\n", "satisfaction:\n  language: de\n"}) {
    INFO(block);
    CHECK_FALSE(rules::load_rules_text(std::string(testing::kTestRules) + block, "test.yaml"));
  }
}

TEST_CASE("the good and bad links open the status page with the choice and the token in the fragment", "[customer][satisfaction]") {
  const std::string link = "https://help.example/status#7.K7M-3QX.1800000000.abcdef";
  CHECK(daemon::with_status_link("{good_link} {bad_link} {status_link}", link) ==
        "https://help.example/status?rate=good#7.K7M-3QX.1800000000.abcdef "
        "https://help.example/status?rate=bad#7.K7M-3QX.1800000000.abcdef " + link);
  CHECK(daemon::with_status_link("{good_link}", "") == "");
}

TEST_CASE("resolving a ticket asks once and a reopen and second resolve ask nothing more", "[customer][satisfaction][api]") {
  ApiHarness api(kSurveyRules);
  const std::string ref = create_for(api, "ivan@example.com");
  REQUIRE(set_status(api, ref, "resolved").status == 200);
  REQUIRE(set_status(api, ref, "in_progress").status == 200);
  REQUIRE(set_status(api, ref, "resolved").status == 200);
  const auto kinds = event_kinds(api, ref);
  CHECK(count_of(kinds, "satisfaction_asked") == 1);
  auto due = api.store().due_outbox(Clock::now() + 1h, 10);
  REQUIRE(due);
  long surveys = 0;
  for (const auto& item : *due) {
    if (item.mail.purpose != "satisfaction") continue;
    ++surveys;
    CHECK(item.mail.subject == "[#" + ref + "] How did we do? Delivery");
    CHECK_THAT(item.mail.text, Catch::Contains("Good: {good_link}"));
  }
  CHECK(surveys == 1);
}

TEST_CASE("a rating is recorded with the status token and can be changed until the window closes", "[customer][satisfaction][api]") {
  ApiHarness api(kSurveyRules);
  const std::string ref = create_for(api, "ivan@example.com");
  const std::string token = token_for(api, ref, "ivan@example.com");
  // Not resolved yet: nothing to rate.
  CHECK(str(problem_of(rate(api, token, "good"), 409).at("errors").as_array()[0].as_object().at("code")) == "not_asked");
  CHECK(body_json(api.get("/api/v1/status/rating?token=" + token)).at("asked") == false);
  REQUIRE(set_status(api, ref, "resolved").status == 200);

  auto good = rate(api, token, "good");
  REQUIRE(good.status == 200);
  auto state = body_json(good);
  CHECK(state.at("rating") == "good");
  CHECK(state.at("open") == true);
  auto bad = body_json(rate(api, token, "bad", "The courier was rude"));
  CHECK(bad.at("rating") == "bad");
  CHECK(bad.at("comment") == "The courier was rude");
  auto read = body_json(api.get("/api/v1/status/rating?token=" + token));
  CHECK(read.at("rating") == "bad");
  CHECK(read.at("asked") == true);
  const auto kinds = event_kinds(api, ref);
  CHECK(count_of(kinds, "satisfaction_rated") == 2);

  api.set_clock(testing::test_epoch() + std::chrono::days{7});
  // The token itself is still valid (90 days); the window is not.
  CHECK(str(problem_of(rate(api, token, "good"), 409).at("errors").as_array()[0].as_object().at("code")) == "closed");
  CHECK(body_json(api.get("/api/v1/status/rating?token=" + token)).at("open") == false);
  CHECK(body_json(api.get("/api/v1/status/rating?token=" + token)).at("rating") == "bad");
}

TEST_CASE("a rating with a forged token or a wrong value is refused and records nothing", "[customer][satisfaction][api]") {
  ApiHarness api(kSurveyRules);
  const std::string ref = create_for(api, "ivan@example.com");
  const std::string token = token_for(api, ref, "ivan@example.com");
  REQUIRE(set_status(api, ref, "resolved").status == 200);
  std::string forged = token;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  CHECK(problem_of(rate(api, forged, "good"), 403).at("errors").as_array()[0].as_object().at("code") == "invalid");
  CHECK(problem_of(api.get("/api/v1/status/rating?token=" + forged), 403).at("errors").as_array()[0].as_object().at("code") == "invalid");
  CHECK(problem_of(rate(api, token, "meh"), 400).at("errors").as_array()[0].as_object().at("field") == "rating");
  CHECK(problem_of(rate(api, token, "good", std::string(2001, 'x')), 400).at("errors").as_array()[0].as_object().at("code") == "too_long");
  CHECK(problem_of(api.post_json("/api/v1/status/rating", R"({"token": ")" + token + R"(", "rating": "good", "stars": 5})"), 400)
            .at("errors").as_array()[0].as_object().at("field") == "stars");
  CHECK(count_of(event_kinds(api, ref), "satisfaction_rated") == 0);
}

TEST_CASE("ratings are counted in metrics and in stats per department topic and agent", "[customer][satisfaction][api]") {
  ApiHarness api(kSurveyRules);
  const std::string one = create_for(api, "one@example.com"), two = create_for(api, "two@example.com");
  REQUIRE(api.post_json("/api/v1/tickets/" + one + "/claim", R"({"assignee": "olga"})").status == 200);
  for (const auto& ref : {one, two}) REQUIRE(set_status(api, ref, "resolved").status == 200);
  REQUIRE(rate(api, token_for(api, one, "one@example.com"), "good").status == 200);
  REQUIRE(rate(api, token_for(api, two, "two@example.com"), "bad").status == 200);

  const std::string metrics = api.get("/metrics").body;
  CHECK_THAT(metrics, Catch::Contains("triaged_csat_ratings_total{department=\"logistics\",topic=\"delivery\",rating=\"good\"} 1") &&
                          Catch::Contains("triaged_csat_ratings_total{department=\"logistics\",topic=\"delivery\",rating=\"bad\"} 1") &&
                          Catch::Contains("triaged_csat_ratings_total{department=\"billing\",topic=\"refund\",rating=\"good\"} 0"));
}

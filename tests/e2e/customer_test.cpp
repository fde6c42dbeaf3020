// The customer's side against the real binary (docs/customer.md): acknowledgements in the SMTP
// sink, the signed status link, lookups by reference and contact, their rate limit, and the
// status page's form releasing a needs_info ticket as a complete mail reply would.
#include <catch2/catch.hpp>

#include <regex>

#include "common/status_token.h"
#include "customer_e2e.h"
#include "daemon_process.h"
#include "http_client.h"
#include "smtp_sink.h"
#include "../daemon/test_rules.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;
using triaged::testing::kDeliveryJson;
using triaged::testing::kTestRules;

// English texts keep the subject plain ASCII for the checks below.
const std::string kRules = std::string(kTestRules) + "acknowledgement: { language: en }\n";
const std::string kSecret = "e2e-status-secret-0123456789abcdef";

std::string str(const json::value& v) { return std::string(v.as_string()); }

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string ticket_json(const std::string& email) {
  return R"({"subject": "The courier is late", "body": "Nobody came today", "requester": {"name": "Ivan", "email": ")" +
         email + R"("}, "fields": {"order_id": "12345678"}})";
}

std::string courier_mail(const std::string& from, const std::string& message_id) {
  return "From: Anna <" + from + ">\r\nTo: support@shop.example\r\nSubject: The courier is late\r\n"
         "Message-ID: <" + message_id + ">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
         "The courier never came.\r\n";
}

Reply post_mail(unsigned short port, const std::string& raw) {
  return http_request(port, http::verb::post, "/api/v1/ingest/email?mailbox=support@shop.example", raw, "message/rfc822");
}

struct Customer {
  explicit Customer(SmtpSink& sink, std::vector<std::string> extra = {})
      : daemon(dir, dir.write("rules.yaml", kRules), with(sink, std::move(extra))) {}
  std::vector<std::string> with(SmtpSink& sink, std::vector<std::string> extra) {
    std::vector<std::string> args{"--smtp-url", sink.url(), "--mail-from", "support@shop.example",
                                  "--status-secret-file", dir.write("secret", kSecret)};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  unsigned short port() const { return daemon.port(); }
  TempDir dir;
  DaemonProcess daemon;
};

}  // namespace

TEST_CASE("a web ticket with an email is acknowledged by mail with its reference topic due time and link", "[e2e][customer]") {
  SmtpSink sink;
  Customer triaged(sink);
  Reply created = http_post_json(triaged.port(), "/api/v1/tickets", std::string(kDeliveryJson));
  REQUIRE(created.status == 201);
  const std::string ref = str(json_of(created).at("ref"));

  const SmtpMessage ack = sink.wait_for(1)[0];
  CHECK(ack.rcpt_to == std::vector<std::string>{"<ivan@example.com>"});
  CHECK(ack.header("Subject") == "[#" + ref + "] Request received: Delivery");
  CHECK(ack.header("Auto-Submitted") == "auto-replied");
  const std::string body = body_of(ack);
  CHECK_THAT(body, Catch::Contains("registered it as " + ref) && Catch::Contains("Our Logistics team") &&
                       Catch::Contains("We will answer by ") && Catch::Contains("(UTC)"));
  const std::string token = token_in(ack);
  CHECK(token.rfind(std::to_string(json_of(created).at("id").as_int64()) + "." + ref + ".", 0) == 0);
  CHECK(has(event_kinds(triaged.port(), ref), "auto_reply_queued"));
}

TEST_CASE("no acknowledgement goes to a robot address or past the daily cap", "[e2e][customer]") {
  SmtpSink sink;
  Customer triaged(sink, {"--auto-replies-per-day", "1"});
  Reply robot = http_post_json(triaged.port(), "/api/v1/tickets", ticket_json("noreply@shop.example"));
  REQUIRE(robot.status == 201);
  CHECK_FALSE(has(event_kinds(triaged.port(), str(json_of(robot).at("ref"))), "auto_reply_queued"));

  // The robot fixtures of the mail tests are quarantined and never answered.
  const fs::path fixtures = fs::path(TRIAGED_SOURCE_DIR) / "tests" / "mail" / "testdata";
  for (const char* name : {"notification_noreply.eml", "auto_replied.eml", "bounce_dsn.eml"}) {
    INFO(name);
    CHECK(json_of(post_mail(triaged.port(), read_file(fixtures / name))).at("reply_queued") == false);
  }

  Reply first = http_post_json(triaged.port(), "/api/v1/tickets", ticket_json("capped@example.com"));
  Reply second = http_post_json(triaged.port(), "/api/v1/tickets", ticket_json("capped@example.com"));
  REQUIRE(first.status == 201);
  REQUIRE(second.status == 201);
  sink.wait_for(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(sink.messages().size() == 1);
  const auto kinds = event_kinds(triaged.port(), str(json_of(second).at("ref")));
  CHECK(has(kinds, "auto_reply_suppressed"));
  CHECK_FALSE(has(kinds, "auto_reply_queued"));
}

TEST_CASE("the status link opens the ticket and a forged or expired or other ticket's token is refused", "[e2e][customer]") {
  SmtpSink sink;
  Customer triaged(sink);
  auto first = json_of(http_post_json(triaged.port(), "/api/v1/tickets", ticket_json("one@example.com")));
  auto second = json_of(http_post_json(triaged.port(), "/api/v1/tickets", ticket_json("two@example.com")));
  std::string token;
  for (const auto& m : sink.wait_for(2))
    if (m.rcpt_to == std::vector<std::string>{"<one@example.com>"}) token = token_in(m);
  REQUIRE(!token.empty());

  Reply opened = http_get(triaged.port(), "/api/v1/status?token=" + token);
  REQUIRE(opened.status == 200);
  auto status = json_of(opened);
  CHECK(status.at("ref") == first.at("ref"));
  CHECK(status.at("status") == "new");
  CHECK(status.at("topic") == "Delivery");
  CHECK(status.at("department") == "Logistics");
  CHECK(status.at("due_at").is_string());
  REQUIRE(status.at("messages").as_array().size() == 2);  // what they wrote, our acknowledgement
  CHECK(status.at("messages").as_array()[0].as_object().at("from") == "you");
  CHECK_THAT(str(status.at("messages").as_array()[0].as_object().at("text")), Catch::Contains("Nobody came today"));
  CHECK(status.at("messages").as_array()[1].as_object().at("from") == "support");
  for (const char* staff_only : {"assignee", "events", "decision", "fields", "requester", "trace", "id"})
    CHECK_FALSE(status.contains(staff_only));
  // The page itself is served without a key.
  CHECK(http_get(triaged.port(), "/status").status == 200);

  std::string forged = token;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  const daemon::StatusTokens signer(kSecret);
  const auto now = std::chrono::system_clock::now();
  const std::string expired = signer.issue(first.at("id").as_int64(), str(first.at("ref")), now - std::chrono::seconds(1));
  // The second ticket's id with the first one's ref, properly signed: bound to both, so refused.
  const std::string crossed = signer.issue(second.at("id").as_int64(), str(first.at("ref")), now + std::chrono::hours(1));
  for (const auto& [bad, code] : {std::pair{forged, "invalid"}, std::pair{expired, "expired"}, std::pair{crossed, "invalid"}}) {
    Reply refused = http_get(triaged.port(), "/api/v1/status?token=" + bad);
    CHECK(refused.status == 403);
    CHECK(json_of(refused).at("errors").as_array()[0].as_object().at("code") == code);
  }
  // A token signed for the second ticket opens the second ticket, and only it.
  auto own = json_of(http_get(triaged.port(), "/api/v1/status?token=" +
                                                  signer.issue(second.at("id").as_int64(), str(second.at("ref")),
                                                               now + std::chrono::hours(1))));
  CHECK(own.at("ref") == second.at("ref"));
}

TEST_CASE("a lookup by reference and contact opens the ticket and a wrong contact answers exactly as an unknown reference", "[e2e][customer]") {
  SmtpSink sink;
  Customer triaged(sink);
  auto created = json_of(http_post_json(triaged.port(), "/api/v1/tickets",
      R"({"subject": "The courier is late", "body": "x", "requester": {"name": "Ivan", "email": "Ivan@Example.com",
          "phone": "+7 916 123-45-67"}, "fields": {"order_id": "12345678"}})"));
  const std::string ref = str(created.at("ref"));
  auto lookup = [&](const std::string& r, const std::string& contact) {
    return http_post_json(triaged.port(), "/api/v1/status/lookup",
                          json::serialize(json::object{{"ref", r}, {"contact", contact}}));
  };
  Reply by_email = lookup(ref, "ivan@example.com");
  REQUIRE(by_email.status == 200);
  const std::string token = str(json_of(by_email).at("token"));
  CHECK(json_of(http_get(triaged.port(), "/api/v1/status?token=" + token)).at("ref").as_string() == ref);
  CHECK(lookup(ref, "8 (916) 123 45 67").status == 200);

  Reply wrong_contact = lookup(ref, "mallory@example.com");
  Reply unknown_ref = lookup("ZZZ-ZZZ", "ivan@example.com");
  CHECK(wrong_contact.status == 404);
  CHECK(unknown_ref.status == 404);
  CHECK(wrong_contact.body == unknown_ref.body);
  CHECK(wrong_contact.header("Content-Type") == unknown_ref.header("Content-Type"));
  CHECK(lookup("", "").status == 400);
}

TEST_CASE("lookups beyond the limit are answered 429 with Retry-After", "[e2e][customer]") {
  SmtpSink sink;
  Customer triaged(sink, {"--status-lookups-per-minute", "3"});
  for (int i = 0; i < 3; ++i)
    CHECK(http_post_json(triaged.port(), "/api/v1/status/lookup", R"({"ref": "AAA-AAA", "contact": "a@b.example"})").status == 404);
  Reply limited = http_post_json(triaged.port(), "/api/v1/status/lookup", R"({"ref": "BBB-BBB", "contact": "a@b.example"})");
  CHECK(limited.status == 429);
  CHECK(std::stoi(limited.header("Retry-After")) >= 1);
}

TEST_CASE("a needs_info mail gets one message and the status page form releases the ticket into its queue", "[e2e][customer]") {
  SmtpSink sink;
  Customer triaged(sink);
  auto created = json_of(post_mail(triaged.port(), courier_mail("anna@example.ru", "late@example.ru")));
  REQUIRE(created.at("outcome") == "needs_info");
  const std::string ref = str(created.at("ticket").as_object().at("ref"));
  const SmtpMessage ack = sink.wait_for(1)[0];
  CHECK(ack.header("Subject") == "Re: [#" + ref + "] Request received: Delivery");
  CHECK(ack.header("In-Reply-To") == "<late@example.ru>");
  CHECK_THAT(body_of(ack), Catch::Contains("we still need") && Catch::Contains("  - Order number"));
  const std::string token = token_in(ack);

  auto status = json_of(http_get(triaged.port(), "/api/v1/status?token=" + token));
  CHECK(status.at("status") == "needs_info");
  REQUIRE(status.at("missing").as_array().size() == 1);
  CHECK(status.at("missing").as_array()[0].as_object().at("field") == "order_id");

  auto send = [&](const std::string& order) {
    return http_post_json(triaged.port(), "/api/v1/status/fields",
                          json::serialize(json::object{{"token", token}, {"fields", {{"order_id", order}}}}));
  };
  Reply invalid = send("12");
  CHECK(invalid.status == 422);
  CHECK(json_of(invalid).at("errors").as_array()[0].as_object().at("field") == "order_id");
  CHECK(http_post_json(triaged.port(), "/api/v1/status/fields",
                       json::serialize(json::object{{"token", token}, {"fields", {{"department", "billing"}}}})).status == 400);

  Reply released = send("62201957");
  REQUIRE(released.status == 200);
  CHECK(json_of(released).at("status") == "new");
  CHECK(json_of(released).at("missing").as_array().empty());

  auto ticket = json_of(http_get(triaged.port(), "/api/v1/tickets/" + ref));
  CHECK(ticket.at("status") == "new");
  CHECK(ticket.at("department") == "logistics");
  CHECK(ticket.at("fields").as_object().at("order_id") == "62201957");
  CHECK(ticket.at("due_at").is_string());
  const auto kinds = event_kinds(triaged.port(), ref);
  CHECK((has(kinds, "fields_completed") && has(kinds, "customer_fields") && has(kinds, "status_changed")));
  CHECK(ticket.at("messages").as_array().back().as_object().at("channel") == "web");
  // Released, it needs nothing more: the form answers 409.
  CHECK(send("62201957").status == 409);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(sink.messages().size() == 1);
}

TEST_CASE("a customer message from the status page joins the ticket and notes never show on the status page", "[e2e][customer]") {
  SmtpSink sink;
  Customer triaged(sink);
  auto created = json_of(post_mail(triaged.port(), courier_mail("anna@example.ru", "note@example.ru")));
  const std::string ref = str(created.at("ticket").as_object().at("ref"));
  const SmtpMessage ack = sink.wait_for(1)[0];
  const std::string token = token_in(ack);
  // An out-of-office answer to our mail is kept on the ticket as a note.
  post_mail(triaged.port(), "From: anna@example.ru\r\nTo: support@shop.example\r\nSubject: Auto: away\r\n"
                            "Auto-Submitted: auto-replied\r\nIn-Reply-To: " + ack.header("Message-ID") +
                            "\r\nMessage-ID: <ooo@example.ru>\r\n\r\nOUT OF OFFICE NOTE\r\n");

  Reply added = http_post_json(triaged.port(), "/api/v1/status/messages",
                               json::serialize(json::object{{"token", token}, {"text", "<b>Any news?</b>"}}));
  REQUIRE(added.status == 201);
  const json::object answer = json_of(added);
  const json::array& thread = answer.at("messages").as_array();
  REQUIRE(thread.size() == 3);  // the mail, our acknowledgement, the message; not the note
  CHECK(thread[2].as_object().at("from") == "you");
  CHECK(thread[2].as_object().at("text") == "<b>Any news?</b>");
  CHECK(json_of(added).at("status") == "needs_info");
  CHECK(json::serialize(json_of(added)).find("OUT OF OFFICE") == std::string::npos);

  auto ticket = json_of(http_get(triaged.port(), "/api/v1/tickets/" + ref));
  CHECK(ticket.at("messages").as_array().size() == 4);
  CHECK(has(event_kinds(triaged.port(), ref), "customer_message"));
  CHECK(http_post_json(triaged.port(), "/api/v1/status/messages",
                       json::serialize(json::object{{"token", token}, {"text", "  "}})).status == 400);
}

}  // namespace triaged::e2e

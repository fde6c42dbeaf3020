// The satisfaction survey against the real binary (docs/customer.md, "Satisfaction"): a
// resolve sends exactly one survey mail into the SMTP sink, threaded to the ticket; its good
// link's token rates the ticket, the rating changes to bad, and /api/v1/stats, triagectl stats
// and /metrics show it. A second resolve sends nothing, and a robot requester gets no survey.
#include <catch2/catch.hpp>

#include <thread>

#include "customer_e2e.h"
#include "daemon_process.h"
#include "http_client.h"
#include "smtp_sink.h"
#include "../daemon/test_rules.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;
using triaged::testing::kTestRules;

// English texts keep the subjects plain ASCII for the checks below.
const std::string kRules = std::string(kTestRules) + "acknowledgement: { language: en }\nsatisfaction: { language: en }\n";

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::string ticket_json(const std::string& email) {
  return R"({"subject": "The courier is late", "body": "Nobody came today", "requester": {"name": "Ivan", "email": ")" +
         email + R"("}, "fields": {"order_id": "12345678"}})";
}

Reply set_status(unsigned short port, const std::string& ref, const std::string& status) {
  return http_post_json(port, "/api/v1/tickets/" + ref + "/status", R"({"status": ")" + status + R"(", "actor": "olga"})");
}

Reply rate(unsigned short port, const std::string& token, const std::string& rating, const std::string& comment = "") {
  return http_post_json(port, "/api/v1/status/rating",
                        R"({"token": ")" + token + R"(", "rating": ")" + rating + R"(", "comment": ")" + comment + R"("})");
}

long count_of(const std::vector<std::string>& kinds, const std::string& kind) {
  return std::count(kinds.begin(), kinds.end(), kind);
}

struct Satisfaction {
  explicit Satisfaction(SmtpSink& sink)
      : daemon(dir, dir.write("rules.yaml", kRules),
               {"--smtp-url", sink.url(), "--mail-from", "support@shop.example", "--status-secret-file",
                dir.write("secret", "e2e-status-secret-0123456789abcdef")}) {}
  unsigned short port() const { return daemon.port(); }
  TempDir dir;
  DaemonProcess daemon;
};

// Gives the outbox sender time to deliver anything that would wrongly be queued.
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(1500)); }

}  // namespace

TEST_CASE("a resolved ticket gets one survey whose good link rates it and the rating shows in stats and metrics", "[e2e][customer][satisfaction]") {
  SmtpSink sink;
  Satisfaction triaged(sink);
  Reply created = http_post_json(triaged.port(), "/api/v1/tickets", ticket_json("ivan@example.com"));
  REQUIRE(created.status == 201);
  const std::string ref = str(json_of(created).at("ref"));
  const SmtpMessage ack = sink.wait_for(1)[0];
  REQUIRE(set_status(triaged.port(), ref, "resolved").status == 200);

  const auto mails = sink.wait_for(2);
  const SmtpMessage& survey = mails[1];
  CHECK(survey.rcpt_to == std::vector<std::string>{"<ivan@example.com>"});
  CHECK(survey.header("Subject") == "[#" + ref + "] How did we do? Delivery");
  CHECK(survey.header("In-Reply-To") == ack.header("Message-ID"));
  CHECK(survey.header("Auto-Submitted") == "auto-replied");
  CHECK_THAT(body_of(survey), Catch::Contains("Your request " + ref + " (Delivery) has been resolved") &&
                                  Catch::Contains("for 7 days"));
  const std::string token = token_in(survey, "?rate=good");
  CHECK(token_in(survey, "?rate=bad") == token);
  CHECK(token == token_in(survey));

  // A scanner fetching the link gets the page; the token stays in the fragment and nothing is recorded.
  CHECK(http_get(triaged.port(), "/status?rate=good").status == 200);
  auto before = json_of(http_get(triaged.port(), "/api/v1/status/rating?token=" + token));
  CHECK(before.at("asked") == true);
  CHECK(before.at("open") == true);
  CHECK(before.at("rating").is_null());

  // What the page does with the link's choice: one POST.
  Reply good = rate(triaged.port(), token, "good");
  REQUIRE(good.status == 200);
  CHECK(json_of(good).at("rating") == "good");
  Reply bad = rate(triaged.port(), token, "bad", "Too slow");
  REQUIRE(bad.status == 200);
  CHECK(json_of(bad).at("rating") == "bad");
  CHECK(json_of(bad).at("comment") == "Too slow");

  // Reopened and resolved again: no second survey.
  REQUIRE(set_status(triaged.port(), ref, "in_progress").status == 200);
  REQUIRE(set_status(triaged.port(), ref, "resolved").status == 200);
  settle();
  CHECK(sink.messages().size() == 2);
  const auto kinds = event_kinds(triaged.port(), ref);
  CHECK(count_of(kinds, "satisfaction_asked") == 1);
  CHECK(count_of(kinds, "satisfaction_rated") == 2);

  const json::object csat = json_of(http_get(triaged.port(), "/api/v1/stats")).at("csat").as_object();
  CHECK(csat.at("all").as_object().at("asked") == 1);
  CHECK(csat.at("all").as_object().at("good") == 0);
  CHECK(csat.at("all").as_object().at("bad") == 1);
  const json::object logistics = csat.at("departments").as_array()[0].as_object();
  CHECK(logistics.at("name") == "logistics");
  CHECK(logistics.at("share_good") == 0.0);
  CHECK(csat.at("agents").as_array()[0].as_object().at("name") == "olga");

  const ProgramResult text = run_program({binary("triagectl"), "stats", "--db", triaged.dir.file("t.db")}, triaged.dir);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("Satisfaction (CSAT)") && Catch::Contains("logistics"));

  const std::string metrics = http_get(triaged.port(), "/metrics").body;
  CHECK_THAT(metrics, Catch::Contains(R"(triaged_csat_ratings_total{department="logistics",topic="delivery",rating="good"} 1)") &&
                          Catch::Contains(R"(triaged_csat_ratings_total{department="logistics",topic="delivery",rating="bad"} 1)"));
}

TEST_CASE("a robot requester gets no survey and a forged token cannot rate", "[e2e][customer][satisfaction]") {
  SmtpSink sink;
  Satisfaction triaged(sink);
  Reply robot = http_post_json(triaged.port(), "/api/v1/tickets", ticket_json("noreply@shop.example"));
  REQUIRE(robot.status == 201);
  const std::string ref = str(json_of(robot).at("ref"));
  REQUIRE(set_status(triaged.port(), ref, "resolved").status == 200);
  settle();
  CHECK(sink.messages().empty());
  const auto kinds = event_kinds(triaged.port(), ref);
  CHECK(count_of(kinds, "satisfaction_asked") == 1);
  CHECK(count_of(kinds, "auto_reply_queued") == 0);

  Reply forged = rate(triaged.port(), std::to_string(json_of(robot).at("id").as_int64()) + "." + ref + ".9999999999." +
                                          std::string(64, 'a'), "good");
  CHECK(forged.status == 403);
}

}  // namespace triaged::e2e

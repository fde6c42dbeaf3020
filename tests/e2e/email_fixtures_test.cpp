// Every .eml fixture of the mail parser's tests, delivered through the real daemon: each is
// stored as the ticket, note or quarantine entry it should be, and none hurts the daemon.
#include <catch2/catch.hpp>

#include <algorithm>

#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;

const fs::path kFixtures = fs::path(TRIAGED_SOURCE_DIR) / "tests" / "mail" / "testdata";

bool is_robot(const std::string& name) {
  for (const char* robot : {"auto_replied", "precedence_bulk", "x_autoreply", "empty_return_path", "bounce_dsn",
                            "bounce_headers_only", "loop_header", "bounce_null_sender_mailer_daemon",
                            "bounce_plain_text_dsn", "list_newsletter", "arf_feedback_report", "notification_noreply"})
    if (name == robot) return true;
  return false;
}

TEST_CASE("every mail fixture becomes a ticket or a quarantine entry and the daemon stays healthy", "[e2e][email]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kFixtures)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 30);
  for (const auto& file : files) {
    const std::string name = file.stem().string();
    INFO("fixture " << file.filename().string());
    auto reply = http_request(daemon.port(), http::verb::post, "/api/v1/ingest/email?mailbox=support@shop.example",
                              read_file(file), "message/rfc822");
    INFO(reply.body);
    auto body = json_of(reply);
    const std::string outcome(body.at("outcome").as_string());
    if (is_robot(name) || name == "garbage_no_headers") {
      // Nothing to attach a robot to in a fresh database, and garbage is not a message.
      CHECK(reply.status == 202);
      CHECK(outcome == "quarantined");
      CHECK(body.at("reply_queued") == false);
      continue;
    }
    CHECK(reply.status == 201);
    CHECK((outcome == "created" || outcome == "needs_info"));
    const auto& ticket = body.at("ticket").as_object();
    CHECK(ticket.at("channel") == "email");
    // Whatever the charset or structure, what reaches the ticket is readable text.
    CHECK_FALSE(ticket.at("subject").as_string().empty());
    CHECK(std::string(ticket.at("body").as_string()).find('\0') == std::string::npos);
    // Only the fixture with a byte that is invalid UTF-8 shows it, as one U+FFFD.
    const std::string text(ticket.at("body").as_string());
    const auto replaced = text.find("\xEF\xBF\xBD");
    if (name == "utf8_one_bad_byte") {
      CHECK((replaced != std::string::npos && text.find("\xEF\xBF\xBD", replaced + 1) == std::string::npos));
    } else {
      CHECK(replaced == std::string::npos);
    }
  }
  CHECK(http_get(daemon.port(), "/healthz").status == 200);
  auto quarantine = json_of(http_get(daemon.port(), "/api/v1/quarantine"));
  CHECK(quarantine.at("quarantine").as_array().size() == 13);
}

}  // namespace
}  // namespace triaged::e2e

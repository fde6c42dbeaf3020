// `triagectl migrate-db` through the real binaries: a helpdesk filled on SQLite by the real
// daemon (web and mail tickets, a mail with attachments, needs_info, a merged repeat, a staff
// reply and note, a deflection, escalations with a delivered webhook, pending mail in the
// outbox, two rule sets), copied into a throw-away PostgreSQL, and the daemon on PostgreSQL
// must answer every read as the daemon on SQLite did, and go on from there (next ids, replays
// of old Idempotency-Keys and Message-IDs). Then re-runs, and a target that is not there.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>

#include "daemon_process.h"
#include "http_client.h"
#include "pg_server.h"
#include "webhook_receiver.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;

constexpr const char kWebReport[] = R"({"channel": "web", "subject": "Курьер не приехал",
  "body": "Заказ 62201957 так и не привезли, курьер не звонил.",
  "requester": {"name": "Анна Петрова", "email": "anna.petrova@example.ru", "phone": "8 916 204-37-81"}})";

// Anna's repeat by mail: merged into her web ticket (same order).
std::string repeat_mail() {
  return "From: Anna Petrova <anna.petrova@example.ru>\r\n"
         "To: support@shop.example\r\n"
         "Subject: Where is my order?\r\n"
         "Message-ID: <again-1@example.ru>\r\n"
         "Date: Tue, 01 Dec 2026 10:15:00 +0300\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "Добрый день! Где мой заказ 62201957? Курьер так и не приехал.\r\n";
}

// Ivan's mail without an order number (needs_info), a photo and bytes with NULs attached.
std::string mail_with_attachments() {
  return "From: Ivan Smirnov <ivan.smirnov@example.com>\r\n"
         "To: support@shop.example\r\n"
         "Subject: =?UTF-8?B?0JrRg9GA0YzQtdGAINC90LUg0L/RgNC40LXRhdCw0Ls=?=\r\n"
         "Message-ID: <attached-1@example.com>\r\n"
         "Date: Tue, 01 Dec 2026 11:00:00 +0300\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"B\"\r\n"
         "\r\n"
         "--B\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "Курьер так и не приехал, жду доставку третий день. Фото коробки во вложении.\r\n"
         "--B\r\n"
         "Content-Type: image/jpeg\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=\"box.jpg\"\r\n"
         "\r\n"
         "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U\r\n"
         "--B\r\n"
         "Content-Type: application/octet-stream\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=\"receipt.bin\"\r\n"
         "\r\n"
         "AAECAwAAAP/+/fwAAA==\r\n"
         "--B--\r\n";
}

// A one-second SLA on delivery with two levels at 100%: the head's mail (queued: no relay in
// these runs) and a webhook to `hook_url`.
std::string escalation_rules(const std::string& hook_url) {
  return R"(version: 1
name: "Migration e2e"
departments:
  logistics: { title: "Logistics", head: "head.logistics@shop.example" }
  support: { title: "Support" }
topics:
  - id: delivery
    department: logistics
    sla: 1s
    when: { text: { words: [courier] } }
  - id: other
    default: true
    department: support
escalations:
  - { id: overdue, at: 100%, action: notify_head }
  - { id: page-ops, at: 100%, action: webhook, url: ")" +
         hook_url + R"(", secret_env: E2E_MIGRATE_SECRET }
)";
}

Reply post_mail(unsigned short port, const std::string& raw) {
  return http_request(port, http::verb::post, "/api/v1/ingest/email?mailbox=support@shop.example", raw,
                      "message/rfc822");
}

std::string ref_in(const json::object& answer) {
  const json::object& ticket = answer.contains("ticket") ? answer.at("ticket").as_object() : answer;
  return std::string(ticket.at("ref").as_string());
}

std::vector<std::string> event_kinds(unsigned short port, const std::string& ref) {
  std::vector<std::string> kinds;
  const json::object ticket = json_of(http_get(port, "/api/v1/tickets/" + ref));
  for (const auto& e : ticket.at("events").as_array()) kinds.emplace_back(e.at("kind").as_string());
  return kinds;
}

// What the daemon answers about everything in it: the ticket list, each ticket with its
// messages, events and notes, every attachment's and raw message's bytes, a requester.
std::map<std::string, std::string> answers(unsigned short port) {
  std::map<std::string, std::string> out;
  auto keep = [&](const std::string& target) {
    Reply reply = http_get(port, target);
    INFO(target << ": " << reply.body);
    REQUIRE(reply.status == 200);
    out[target] = reply.body;
    return reply;
  };
  const json::object list = json_of(keep("/api/v1/tickets?limit=100"));
  for (const auto& t : list.at("tickets").as_array()) {
    const json::object ticket = json_of(keep("/api/v1/tickets/" + std::string(t.at("ref").as_string())));
    for (const auto& m : ticket.at("messages").as_array()) {
      if (m.as_object().contains("raw_url")) keep(std::string(m.at("raw_url").as_string()));
      for (const auto& a : m.at("attachments").as_array())
        if (a.as_object().contains("url")) keep(std::string(a.at("url").as_string()));
    }
  }
  keep("/api/v1/requesters?email=anna.petrova%40example.ru");
  return out;
}

struct Filled {
  std::map<std::string, std::string> answers;  // of the second run, once settled
  std::string web_ref;                         // the web ticket sent with an Idempotency-Key
};

// The SQLite database of `dir` (t.db), filled by two daemon runs. `hook` receives the
// escalation's webhook.
Filled fill_sqlite(const TempDir& dir, WebhookReceiver& hook) {
  std::string anna;
  {
    DaemonProcess daemon(dir, "");  // the example rules
    auto web = http_post_json(daemon.port(), "/api/v1/tickets", kWebReport, {{"Idempotency-Key", "migrate-web-1"}});
    REQUIRE(web.status == 201);
    anna = ref_in(json_of(web));
    auto merged = post_mail(daemon.port(), repeat_mail());
    INFO(merged.body);
    REQUIRE(json_of(merged).at("outcome") == "merged");
    auto asked = post_mail(daemon.port(), mail_with_attachments());
    INFO(asked.body);
    REQUIRE(json_of(asked).at("outcome") == "needs_info");
    REQUIRE(http_post_json(daemon.port(), "/api/v1/tickets/" + anna + "/replies",
                           R"({"text": "Анна, курьер привезёт заказ сегодня.", "actor": "Ольга"})")
                .status == 201);
    REQUIRE(http_post_json(daemon.port(), "/api/v1/tickets/" + anna + "/notes",
                           R"({"text": "Курьер Петров опоздал уже третий раз", "actor": "Ольга"})")
                .status == 201);
    REQUIRE(http_post_json(daemon.port(), "/api/v1/deflections",
                           R"({"topic": "delivery", "answer": "track", "channel": "phone"})")
                .status == 201);
  }
  ::setenv("E2E_MIGRATE_SECRET", "e2e-secret", 1);
  DaemonProcess daemon(dir, dir.write("rules.yaml", escalation_rules(hook.url("/hooks/triaged"))),
                       {"--config", dir.write("triaged.yaml", "escalation: {scan_interval_seconds: 1}\n")});
  auto late = http_post_json(daemon.port(), "/api/v1/tickets",
                             R"({"subject": "The courier is late", "body": "Nobody came",
                                 "requester": {"name": "Olga", "email": "olga.v@example.ru"}})");
  REQUIRE(late.status == 201);
  const std::string ref = ref_in(json_of(late));
  (void)hook.wait_for(1, std::chrono::seconds(30));
  for (int i = 0; i < 200; ++i, std::this_thread::sleep_for(50ms)) {
    const auto kinds = event_kinds(daemon.port(), ref);
    if (std::count(kinds.begin(), kinds.end(), "webhook_sent") == 1) break;
  }
  // Two more scans: nothing else is due, so what follows is what the file keeps.
  std::this_thread::sleep_for(2500ms);
  Filled filled{answers(daemon.port()), anna};
  const auto kinds = event_kinds(daemon.port(), ref);
  REQUIRE(std::count(kinds.begin(), kinds.end(), "escalated") == 2);
  return filled;
}

ProgramResult migrate(const TempDir& dir, const PgServer& pg, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{binary("triagectl"), "migrate-db", "--from", dir.file("t.db"), "--to", pg.url()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_program(args, dir, std::chrono::seconds(60));
}

// The "new" column of migrate-db's table for `table`.
long long inserted(const std::string& out, const std::string& table) {
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name;
    long long sqlite = 0, postgresql = 0, added = 0;
    if (words >> name >> sqlite >> postgresql >> added && name == table) return added;
  }
  FAIL("no row for " << table << " in:\n" << out);
  return -1;
}

#define SKIP_WITHOUT_POSTGRESQL(pg)                                                  \
  if (!(pg).available()) {                                                           \
    WARN("triaged-test-skipped: PostgreSQL 15 is not installed (scripts/setup)");    \
    return;                                                                          \
  }

}  // namespace

TEST_CASE("after migrate-db the daemon on postgresql answers every read as it did on sqlite", "[e2e][migrate]") {
  TempDir dir;
  PgServer pg(dir);
  SKIP_WITHOUT_POSTGRESQL(pg);
  WebhookReceiver hook;
  const Filled filled = fill_sqlite(dir, hook);
  const auto& before = filled.answers;

  auto copied = migrate(dir, pg);
  INFO("stdout:\n" << copied.out << "\nstderr:\n" << copied.err);
  REQUIRE(copied.exit_code == 0);
  CHECK_THAT(copied.out, Catch::Contains("counts verified"));
  CHECK_THAT(copied.err, Catch::Contains("migrate-db: tickets"));
  CHECK(inserted(copied.out, "attachments") == 2);
  CHECK(inserted(copied.out, "escalations") >= 2);
  CHECK(inserted(copied.out, "webhook_outbox") >= 1);
  CHECK(inserted(copied.out, "rule_sets") == 2);
  CHECK(inserted(copied.out, "internal_notes") == 1);
  CHECK(inserted(copied.out, "deflections") == 1);

  // The SQLite runs' status secret (made beside t.db), so status links stay valid after the move.
  DaemonProcess daemon(dir, dir.file("rules.yaml"),
                       {"--db", pg.url(), "--config", dir.file("triaged.yaml"), "--status-secret-file",
                        dir.file("t.db.status-secret")});
  const auto after = answers(daemon.port());
  REQUIRE(after.size() == before.size());
  for (const auto& [target, body] : before) {
    INFO(target);
    REQUIRE(after.contains(target));
    CHECK(after.at(target) == body);
  }

  // It goes on from there: the next ticket gets the next id, an old Idempotency-Key replays
  // the old ticket, an old Message-ID is a duplicate.
  const json::object list = json_of(http_get(daemon.port(), "/api/v1/tickets?limit=100"));
  std::int64_t last_id = 0;
  for (const auto& t : list.at("tickets").as_array()) last_id = std::max(last_id, t.at("id").as_int64());
  auto next = http_post_json(daemon.port(), "/api/v1/tickets",
                             R"({"subject": "Opening hours?", "body": "When do you open on Sunday"})");
  REQUIRE(next.status == 201);
  CHECK(json_of(next).at("id").as_int64() == last_id + 1);
  auto replay = http_post_json(daemon.port(), "/api/v1/tickets", kWebReport, {{"Idempotency-Key", "migrate-web-1"}});
  CHECK(replay.header("Idempotent-Replayed") == "true");
  CHECK(ref_in(json_of(replay)) == filled.web_ref);
  CHECK(json_of(post_mail(daemon.port(), repeat_mail())).at("outcome") == "duplicate");
  ::unsetenv("E2E_MIGRATE_SECRET");
}

TEST_CASE("migrate-db refuses a filled target without resume and with resume adds only what is missing",
          "[e2e][migrate]") {
  TempDir dir;
  PgServer pg(dir);
  SKIP_WITHOUT_POSTGRESQL(pg);
  WebhookReceiver hook;
  (void)fill_sqlite(dir, hook);
  ::unsetenv("E2E_MIGRATE_SECRET");
  REQUIRE(migrate(dir, pg).exit_code == 0);

  auto again = migrate(dir, pg);
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Catch::Contains("already holds rows") && Catch::Contains("--resume"));

  // An interrupted copy: rows of three tables never arrived (the rest did).
  pg.psql("DELETE FROM webhook_outbox; DELETE FROM outbox WHERE id > 1; DELETE FROM deflections");
  auto resumed = migrate(dir, pg, {"--resume", "--batch-rows", "2"});
  INFO("stdout:\n" << resumed.out << "\nstderr:\n" << resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::Contains("counts verified"));
  CHECK(inserted(resumed.out, "tickets") == 0);
  CHECK(inserted(resumed.out, "ticket_events") == 0);
  CHECK(inserted(resumed.out, "webhook_outbox") >= 1);
  CHECK(inserted(resumed.out, "deflections") == 1);
  CHECK(inserted(resumed.out, "outbox") > 0);

  // A complete copy resumed adds nothing at all.
  auto complete = migrate(dir, pg, {"--resume"});
  REQUIRE(complete.exit_code == 0);
  for (const char* table : {"tickets", "ticket_events", "messages", "attachments", "outbox", "escalations"})
    CHECK(inserted(complete.out, table) == 0);
}

TEST_CASE("migrate-db to an unreachable server exits 1 naming it and never prints a password", "[e2e][migrate]") {
  TempDir dir;
  {
    DaemonProcess daemon(dir, "");
    REQUIRE(http_post_json(daemon.port(), "/api/v1/tickets", kWebReport).status == 201);
  }
  // Nothing listens on port 1 of the loopback.
  auto refused = run_program({binary("triagectl"), "migrate-db", "--from", dir.file("t.db"), "--to",
                              "postgresql://triaged@127.0.0.1:1/helpdesk?connect_timeout=5"},
                             dir, std::chrono::seconds(30));
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("postgresql://triaged@127.0.0.1:1/helpdesk") &&
                              Catch::Contains("cannot connect"));

  auto with_password = run_program({binary("triagectl"), "migrate-db", "--from", dir.file("t.db"), "--to",
                                    "postgresql://triaged:hunter2@127.0.0.1:1/helpdesk"},
                                   dir, std::chrono::seconds(30));
  CHECK(with_password.exit_code == 1);
  CHECK_THAT(with_password.err, Catch::Contains("carries a password"));
  CHECK(with_password.err.find("hunter2") == std::string::npos);
  CHECK(with_password.out.find("hunter2") == std::string::npos);
}

}  // namespace triaged::e2e

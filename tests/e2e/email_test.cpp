// The email path through the real daemon and the real `triagectl mailgate`: raw mail in,
// tickets, replies, duplicates and quarantine out; the needs_info loop with a local SMTP sink.
#include <catch2/catch.hpp>

#include <sysexits.h>

#include "daemon_process.h"
#include "http_client.h"
#include "smtp_sink.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;

// A customer's first mail: a late courier, with no order number (the delivery topic's
// template needs one).
std::string late_courier_mail(const std::string& message_id, const std::string& extra_body = "") {
  return "From: =?UTF-8?B?0JDQvdC90LAg0J/QtdGC0YDQvtCy0LA=?= <anna.petrova@example.ru>\r\n"
         "To: support@shop.example\r\n"
         "Subject: =?UTF-8?Q?=D0=9A=D1=83=D1=80=D1=8C=D0=B5=D1=80_=D0=BD=D0=B5_=D0=BF=D1=80=D0=B8?=\r\n"
         " =?UTF-8?Q?=D0=B5=D1=85=D0=B0=D0=BB?=\r\n"
         "Message-ID: <" + message_id + ">\r\n"
         "Date: Tue, 01 Dec 2026 09:15:00 +0300\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "Здравствуйте! Курьер так и не приехал, жду доставку третий день. " + extra_body + "\r\n"
         "Анна\r\n";
}

Reply post_mail(unsigned short port, const std::string& raw, const std::string& mailbox = "support@shop.example") {
  return http_request(port, http::verb::post, "/api/v1/ingest/email?mailbox=" + mailbox, raw, "message/rfc822");
}

std::string ref_of(const json::object& o) { return std::string(o.at("ticket").as_object().at("ref").as_string()); }
std::int64_t id_of(const json::object& o) { return o.at("ticket").as_object().at("id").to_number<std::int64_t>(); }

std::vector<std::string> event_kinds(const json::object& ticket) {
  std::vector<std::string> kinds;
  for (const auto& e : ticket.at("events").as_array()) kinds.emplace_back(e.as_object().at("kind").as_string());
  return kinds;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The ticket's event kinds once `kind` is among them (the outbox marks a mail sent just after
// the relay took it, so a test can see the mail a moment before the event); fails after 2 s.
std::vector<std::string> events_once(unsigned short port, const std::string& ref, const std::string& kind) {
  std::vector<std::string> kinds;
  for (int i = 0; i < 100; ++i, std::this_thread::sleep_for(20ms)) {
    kinds = event_kinds(json_of(http_get(port, "/api/v1/tickets/" + ref)));
    if (has(kinds, kind)) return kinds;
  }
  FAIL("no " << kind << " event on " << ref);
  return kinds;
}

TEST_CASE("an email becomes a ticket with its decoded subject and sender and keeps the raw bytes", "[e2e][email]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const std::string raw = late_courier_mail("m1@example.ru", "Заказ 62201957.");
  auto reply = post_mail(daemon.port(), raw);
  REQUIRE(reply.status == 201);
  auto body = json_of(reply);
  CHECK(body.at("outcome") == "created");
  const auto& ticket = body.at("ticket").as_object();
  CHECK(ticket.at("channel") == "email");
  CHECK(ticket.at("subject") == "Курьер не приехал");
  CHECK(ticket.at("topic") == "delivery");
  CHECK(ticket.at("requester").as_object().at("email") == "anna.petrova@example.ru");
  CHECK(ticket.at("requester").as_object().at("name") == "Анна Петрова");

  auto full = json_of(http_get(daemon.port(), "/api/v1/tickets/" + ref_of(body)));
  const auto& messages = full.at("messages").as_array();
  REQUIRE(messages.size() == 2);  // the mail and our acknowledgement (docs/customer.md)
  CHECK(messages[1].at("direction") == "out");
  const auto& m = messages[0].as_object();
  CHECK(m.at("direction") == "in");
  CHECK(m.at("mailbox") == "support@shop.example");
  CHECK(m.at("message_id") == "m1@example.ru");
  auto stored = http_get(daemon.port(), std::string(m.at("raw_url").as_string()));
  CHECK(stored.status == 200);
  CHECK(stored.header("content-type") == "message/rfc822");
  CHECK(stored.body == raw);
}

TEST_CASE("the same message twice at one mailbox is one ticket and at a second mailbox joins it as a message",
          "[e2e][email]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const std::string raw = late_courier_mail("twice@example.ru", "Заказ 62201957.");
  auto first = json_of(post_mail(daemon.port(), raw));
  auto again = post_mail(daemon.port(), raw);
  CHECK(again.status == 200);
  auto second = json_of(again);
  CHECK(second.at("outcome") == "duplicate");
  CHECK(id_of(second) == id_of(first));
  // Another mailbox's copy is another delivery, not a redelivery: it is stored, and as a
  // repeat of the requester's open ticket about the same order it joins that ticket.
  auto other = post_mail(daemon.port(), raw, "legal@shop.example");
  CHECK(other.status == 200);
  CHECK(json_of(other).at("outcome") == "merged");
  CHECK(id_of(json_of(other)) == id_of(first));
  auto ticket = json_of(http_get(daemon.port(), "/api/v1/tickets/" + ref_of(first)));
  const auto& messages = ticket.at("messages").as_array();
  REQUIRE(messages.size() == 3);  // the mail, our acknowledgement, the second mailbox's copy
  CHECK(messages[2].at("mailbox") == "legal@shop.example");
}

TEST_CASE("a mail missing required fields is stored as needs_info and the reply that supplies them releases it",
          "[e2e][email]") {
  SmtpSink sink;
  TempDir dir;
  DaemonProcess daemon(dir, "", {"--smtp-url", sink.url(), "--mail-from", "support@shop.example"});

  auto created = post_mail(daemon.port(), late_courier_mail("ask@example.ru"));
  REQUIRE(created.status == 201);
  auto body = json_of(created);
  CHECK(body.at("outcome") == "needs_info");
  CHECK(body.at("ticket").as_object().at("status") == "needs_info");
  CHECK(body.at("missing").as_array() == json::array{"order_id"});
  CHECK(body.at("reply_queued") == true);
  const std::string ref = ref_of(body);

  // The question goes out through the relay: to the customer, tagged, marked automatic.
  auto sent = sink.wait_for(1);
  const SmtpMessage& question = sent[0];
  CHECK(question.rcpt_to == std::vector<std::string>{"<anna.petrova@example.ru>"});
  CHECK(question.mail_from == "<support@shop.example>");
  CHECK(question.header("Auto-Submitted") == "auto-replied");
  CHECK(question.header("In-Reply-To") == "<ask@example.ru>");
  CHECK_THAT(question.header("Subject"), Catch::Contains("=?"));  // RFC 2047: the subject is Russian
  const std::string question_id = question.header("Message-ID");
  REQUIRE(question_id.size() > 2);
  events_once(daemon.port(), ref, "auto_reply_sent");

  // The customer answers through the MTA's pipe, quoting our question.
  const std::string answer =
      "From: Anna Petrova <Anna.Petrova@example.ru>\r\n"
      "To: support@shop.example\r\n"
      "Subject: Re: [#" + ref + "] Courier\r\n"
      "Message-ID: <answer@example.ru>\r\n"
      "In-Reply-To: " + question_id + "\r\n"
      "References: <ask@example.ru> " + question_id + "\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "\r\n"
      "Номер заказа 62201957\r\n"
      "\r\n"
      "> Здравствуйте! Нам не хватает данных\r\n";
  const std::string answer_path = dir.write("answer.eml", answer);
  auto gate = run_program({binary("triagectl"), "mailgate", "--url", "http://127.0.0.1:" + std::to_string(daemon.port()),
                           "--mailbox", "support@shop.example"},
                          dir, 10s, answer_path);
  INFO("mailgate stderr: " << gate.err);
  CHECK(gate.exit_code == 0);
  CHECK_THAT(gate.out, Catch::Contains("appended") && Catch::Contains(ref));

  auto ticket = json_of(http_get(daemon.port(), "/api/v1/tickets/" + ref));
  CHECK(ticket.at("status") == "new");
  CHECK(ticket.at("fields").as_object().at("order_id") == "62201957");
  CHECK(ticket.at("due_at").is_string());
  const auto kinds = event_kinds(ticket);
  for (const char* k : {"created", "needs_info", "auto_reply_queued", "auto_reply_sent", "message_received",
                        "fields_completed", "status_changed"})
    CHECK(has(kinds, k));
  const auto& messages = ticket.at("messages").as_array();
  REQUIRE(messages.size() == 3);  // the mail, our question, the answer
  CHECK(messages[1].as_object().at("direction") == "out");
  CHECK(messages[2].as_object().at("text").as_string().find("> Здравствуйте") != json::string::npos);
  CHECK(sink.messages().size() == 1);  // a complete ticket asks nothing more
}

TEST_CASE("a reply by subject tag alone joins the ticket only when it comes from the requester", "[e2e][email]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  auto first = json_of(post_mail(daemon.port(), late_courier_mail("tag@example.ru", "Заказ 62201957.")));
  const std::string ref = ref_of(first);
  const auto reply_from = [&](const std::string& from, const std::string& id) {
    return "From: " + from + "\r\nTo: support@shop.example\r\nSubject: RE: AW: [#" + ref +
           "] Курьер не приехал\r\nMessage-ID: <" + id + ">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Есть новости по доставке?\r\n";
  };
  auto own = json_of(post_mail(daemon.port(), reply_from("ANNA.PETROVA@example.ru", "own@example.ru")));
  CHECK(own.at("outcome") == "appended");
  CHECK(id_of(own) == id_of(first));

  // Someone else's mail must never land on Anna's ticket: a new ticket, linked to hers.
  auto foreign_reply = post_mail(daemon.port(), reply_from("mallory@evil.example", "foreign@evil.example"));
  CHECK(foreign_reply.status == 201);
  auto foreign = json_of(foreign_reply);
  CHECK(id_of(foreign) != id_of(first));
  auto annas = json_of(http_get(daemon.port(), "/api/v1/tickets/" + ref));
  CHECK(annas.at("messages").as_array().size() == 3);  // her mail, our acknowledgement, her reply
  CHECK(has(event_kinds(annas), "linked"));
  auto mallorys = json_of(http_get(daemon.port(), "/api/v1/tickets/" + ref_of(foreign)));
  CHECK(has(event_kinds(mallorys), "linked"));
}

TEST_CASE("an out-of-office answer to our question is noted on the ticket and answered with nothing",
          "[e2e][email]") {
  SmtpSink sink;
  TempDir dir;
  DaemonProcess daemon(dir, "", {"--smtp-url", sink.url()});
  auto body = json_of(post_mail(daemon.port(), late_courier_mail("ooo@example.ru")));
  const std::string ref = ref_of(body);
  const std::string question_id = sink.wait_for(1)[0].header("Message-ID");
  const std::string ooo = "From: anna.petrova@example.ru\r\nTo: support@shop.example\r\n"
                          "Subject: Auto: Re: [#" + ref + "] Курьер не приехал\r\nAuto-Submitted: auto-replied\r\n"
                          "In-Reply-To: " + question_id + "\r\nMessage-ID: <ooo-1@example.ru>\r\n\r\n"
                          "I am out of office until Monday.\r\n";
  auto noted = post_mail(daemon.port(), ooo);
  CHECK(noted.status == 200);
  auto noted_body = json_of(noted);
  CHECK(noted_body.at("outcome") == "appended");
  CHECK(noted_body.at("reply_queued") == false);
  auto ticket = json_of(http_get(daemon.port(), "/api/v1/tickets/" + ref));
  CHECK(ticket.at("status") == "needs_info");
  CHECK(ticket.at("messages").as_array().back().as_object().at("kind") == "note");
  CHECK(has(event_kinds(ticket), "automatic_mail"));

  // The same robot with nothing to attach to goes to quarantine, not to a queue.
  const std::string stray = "From: MAILER-DAEMON@mx.example\r\nTo: support@shop.example\r\nSubject: Undeliverable\r\n"
                            "Auto-Submitted: auto-replied\r\nMessage-ID: <stray@mx.example>\r\n\r\nNo such user\r\n";
  auto quarantined = post_mail(daemon.port(), stray);
  CHECK(quarantined.status == 202);
  CHECK(json_of(quarantined).at("outcome") == "quarantined");
  std::this_thread::sleep_for(300ms);
  CHECK(sink.messages().size() == 1);
}

TEST_CASE("mailgate exits 75 when the daemon is down or silent and 0 once it stored the message", "[e2e][email]") {
  TempDir dir;
  const std::string mail = dir.write("m.eml", late_courier_mail("gate@example.ru"));
  // A port nobody listens on: bind one, learn its number, close it.
  unsigned short closed_port = 0;
  {
    SilentListener a;
    closed_port = a.port();
  }
  auto down = run_program({binary("triagectl"), "mailgate", "--url", "http://127.0.0.1:" + std::to_string(closed_port)},
                          dir, 10s, mail);
  CHECK(down.exit_code == EX_TEMPFAIL);
  CHECK_THAT(down.err, Catch::Contains("retry"));

  // Listening but never answering: the timeout, not a hang.
  SilentListener silent;
  auto hung = run_program({binary("triagectl"), "mailgate", "--timeout", "1", "--url",
                           "http://127.0.0.1:" + std::to_string(silent.port())},
                          dir, 10s, mail);
  CHECK(hung.exit_code == EX_TEMPFAIL);

  DaemonProcess daemon(dir, "");
  auto stored = run_program({binary("triagectl"), "mailgate", "--url", "http://127.0.0.1:" + std::to_string(daemon.port())},
                            dir, 10s, mail);
  CHECK(stored.exit_code == 0);
  auto again = run_program({binary("triagectl"), "mailgate", "--url", "http://127.0.0.1:" + std::to_string(daemon.port())},
                           dir, 10s, mail);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("duplicate"));
}

TEST_CASE("mailgate exits 75 on a 5xx answer and 65 when the daemon refuses the message as too large", "[e2e][email]") {
  TempDir dir;
  // A fake daemon that answers every request 503.
  OneShotHttpServer fake("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  const std::string mail = dir.write("m.eml", late_courier_mail("five@example.ru"));
  auto unavailable = run_program({binary("triagectl"), "mailgate", "--url",
                                  "http://127.0.0.1:" + std::to_string(fake.port())},
                                 dir, 10s, mail);
  fake.join();
  CHECK(unavailable.exit_code == EX_TEMPFAIL);

  DaemonProcess daemon(dir, "", {"--max-email-body", "200"});
  auto too_big = run_program({binary("triagectl"), "mailgate", "--url", "http://127.0.0.1:" + std::to_string(daemon.port())},
                             dir, 10s, mail);
  CHECK(too_big.exit_code == EX_DATAERR);
  CHECK_THAT(too_big.err, Catch::Contains("413"));
}

TEST_CASE("a mail over a megabyte is asked for with 100-continue and refused or stored whole", "[e2e][email]") {
  TempDir dir;
  // 1.5 MB of attachment: curl sends "Expect: 100-continue" and waits for the daemon's word.
  std::string big = "From: Ivan <ivan@example.com>\r\nTo: support@shop.example\r\nSubject: Photos of the broken box\r\n"
                    "Message-ID: <big@example.com>\r\nMIME-Version: 1.0\r\n"
                    "Content-Type: multipart/mixed; boundary=\"Z\"\r\n\r\n--Z\r\nContent-Type: text/plain\r\n\r\n"
                    "The box came crushed.\r\n--Z\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
                    "Content-Disposition: attachment; filename=\"box.jpg\"\r\n\r\n";
  for (int i = 0; i < 20000; ++i) big += std::string(76, 'A') + "\r\n";
  big += "--Z--\r\n";
  const std::string path = dir.write("big.eml", big);
  {
    DaemonProcess small(dir, "", {"--max-email-body", "1000000"});
    auto refused = run_program({binary("triagectl"), "mailgate", "--url", "http://127.0.0.1:" + std::to_string(small.port())},
                               dir, 20s, path);
    CHECK(refused.exit_code == EX_DATAERR);
    CHECK_THAT(refused.err, Catch::Contains("413"));
  }
  DaemonProcess daemon(dir, "");
  auto stored = run_program({binary("triagectl"), "mailgate", "--url", "http://127.0.0.1:" + std::to_string(daemon.port())},
                            dir, 20s, path);
  INFO(stored.err);
  CHECK(stored.exit_code == 0);
  auto list = json_of(http_get(daemon.port(), "/api/v1/tickets"));
  const auto id = list.at("tickets").at(0).at("id").to_number<std::int64_t>();
  auto ticket = json_of(http_get(daemon.port(), "/api/v1/tickets/" + std::to_string(id)));
  const auto& attachment = ticket.at("messages").at(0).at("attachments").at(0).as_object();
  CHECK(attachment.at("filename") == "box.jpg");
  CHECK(attachment.at("size").to_number<std::int64_t>() == 20000 * 57);
}

TEST_CASE("a quarantined automatic message is listed and reprocessing attaches it once its ticket exists",
          "[e2e][email]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const std::string url = "http://127.0.0.1:" + std::to_string(daemon.port());
  // The out-of-office answer overtakes the mail it answers.
  const std::string ooo = "From: anna.petrova@example.ru\r\nTo: support@shop.example\r\nSubject: Auto: away\r\n"
                          "Precedence: auto_reply\r\nIn-Reply-To: <late@example.ru>\r\n"
                          "Message-ID: <away@example.ru>\r\n\r\nAway until Monday.\r\n";
  auto held = json_of(post_mail(daemon.port(), ooo));
  REQUIRE(held.at("outcome") == "quarantined");
  const auto qid = held.at("quarantine_id").to_number<std::int64_t>();

  auto listed = run_program({binary("triagectl"), "quarantine", "--url", url, "list"}, dir);
  CHECK(listed.exit_code == 0);
  CHECK_THAT(listed.out, Catch::Contains("automatic message") && Catch::Contains("1 message(s)"));
  auto raw = http_get(daemon.port(), "/api/v1/quarantine/" + std::to_string(qid) + "/raw");
  CHECK(raw.body == ooo);

  auto ticket = json_of(post_mail(daemon.port(), late_courier_mail("late@example.ru", "Заказ 62201957.")));
  auto redone = run_program({binary("triagectl"), "quarantine", "--url", url, "reprocess", "--all"}, dir);
  INFO(redone.err);
  CHECK(redone.exit_code == 0);
  CHECK_THAT(redone.out, Catch::Contains("appended " + ref_of(ticket)));
  auto after = json_of(http_get(daemon.port(), "/api/v1/quarantine/" + std::to_string(qid)));
  CHECK(after.at("status") == "reprocessed");
  CHECK(after.at("ticket_id").to_number<std::int64_t>() == id_of(ticket));
}

}  // namespace
}  // namespace triaged::e2e

namespace triaged::e2e {
namespace {

TEST_CASE("a question the relay refuses once is retried after the backoff and recorded both times", "[e2e][email]") {
  SmtpSink sink(/*refuse_first=*/1);
  TempDir dir;
  DaemonProcess daemon(dir, "", {"--smtp-url", sink.url(), "--smtp-retry-base", "1"});
  auto body = json_of(post_mail(daemon.port(), late_courier_mail("retry@example.ru")));
  const std::string ref = ref_of(body);
  auto delivered = sink.wait_for(1, 15s);
  CHECK(sink.refused() == 1);
  CHECK(delivered[0].rcpt_to == std::vector<std::string>{"<anna.petrova@example.ru>"});
  CHECK(has(events_once(daemon.port(), ref, "auto_reply_sent"), "auto_reply_failed"));
}

}  // namespace
}  // namespace triaged::e2e

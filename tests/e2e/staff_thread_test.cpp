// Staff's side of the conversation through the real daemon and a local SMTP sink: a reply
// reaches the customer threaded to their mail with the reference in the subject, and their
// answer joins the ticket; an internal note reaches nobody outside staff. And answers before
// a ticket: classify offers them, a deflection is counted in the stats and /metrics.
#include <catch2/catch.hpp>

#include "daemon_process.h"
#include "http_client.h"
#include "mail/message.h"
#include "smtp_sink.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;

const std::string kSecret = "Курьер Петров опоздал уже третий раз, клиент на взводе";

std::string courier_mail(const std::string& message_id, const std::string& from = "anna.petrova@example.ru",
                         const std::string& extra_headers = "") {
  return "From: Anna <" + from + ">\r\n"
         "To: support@shop.example\r\n"
         "Subject: =?UTF-8?B?0JrRg9GA0YzQtdGAINC90LUg0L/RgNC40LXRhdCw0Ls=?=\r\n"
         "Message-ID: <" + message_id + ">\r\n" + extra_headers +
         "Date: Tue, 01 Dec 2026 09:15:00 +0300\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "Здравствуйте! Курьер так и не приехал, заказ 62201957.\r\n";
}

Reply post_mail(unsigned short port, const std::string& raw) {
  return http_request(port, http::verb::post, "/api/v1/ingest/email?mailbox=support@shop.example", raw,
                      "message/rfc822");
}

std::string created_ref(const Reply& r) {
  REQUIRE(r.status == 201);
  const json::object body = json_of(r);
  const json::object& ticket = body.contains("ticket") ? body.at("ticket").as_object() : body;
  return std::string(ticket.at("ref").as_string());
}

Reply post(unsigned short port, const std::string& target, const json::object& body, Headers headers = {}) {
  return http_post_json(port, target, json::serialize(body), headers);
}

std::string str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

std::vector<std::string> error_fields(const Reply& r) {
  std::vector<std::string> fields;
  const json::object problem = json_of(r);
  for (const auto& e : problem.at("errors").as_array()) fields.emplace_back(e.at("field").as_string());
  return fields;
}

std::string error_codes(const Reply& r) {
  std::string codes;
  const json::object problem = json_of(r);
  for (const auto& e : problem.at("errors").as_array()) codes += std::string(e.at("code").as_string()) + " ";
  return codes;
}

// The outbox sender polls: give it time to send anything it would, then read the sink.
std::vector<SmtpMessage> settled(SmtpSink& sink, std::size_t at_least) {
  (void)sink.wait_for(at_least);
  std::this_thread::sleep_for(1500ms);
  return sink.messages();
}

}  // namespace

TEST_CASE("a staff reply arrives threaded to the customer's mail with the reference and their answer joins the ticket",
          "[e2e][staff]") {
  SmtpSink sink;
  TempDir dir;
  DaemonProcess daemon(dir, "", {"--smtp-url", sink.url(), "--mail-from", "support@shop.example"});
  const std::string ref = created_ref(post_mail(daemon.port(), courier_mail("first@example.ru")));

  auto replied = post(daemon.port(), "/api/v1/tickets/" + ref + "/replies",
                      {{"text", "Анна, курьер привезёт заказ сегодня до 18:00."}, {"actor", "Ольга"}});
  REQUIRE(replied.status == 201);
  const json::object body = json_of(replied);
  CHECK(body.at("reply").at("to") == "anna.petrova@example.ru");

  // Since issue 19's two halves met, the new ticket's acknowledgement goes out first: the
  // staff reply is the mail not marked automatic.
  auto all_sent = sink.wait_for(2);
  REQUIRE(all_sent.size() == 2);
  std::vector<decltype(all_sent)::value_type> sent;
  for (const auto& m : all_sent)
    if (m.header("Auto-Submitted").empty()) sent.push_back(m);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].rcpt_to == std::vector<std::string>{"<anna.petrova@example.ru>"});
  CHECK(sent[0].header("In-Reply-To") == "<first@example.ru>");
  CHECK_THAT(sent[0].header("References"), Catch::Contains("<first@example.ru>"));
  // A person's answer: not marked automatic, so the customer's own auto-responder may speak.
  CHECK(sent[0].header("Auto-Submitted").empty());
  auto parsed = mail::parse_message(sent[0].data);
  REQUIRE(parsed);
  CHECK(parsed->subject == "Re: [#" + ref + "] Курьер не приехал");
  CHECK_THAT(parsed->text, Catch::Contains("курьер привезёт заказ сегодня"));
  CHECK_THAT(parsed->text, Catch::Contains("Ольга"));
  CHECK_THAT(parsed->text, Catch::Contains(ref));

  // On the thread as the ticket's outgoing message, with an event.
  auto ticket = json_of(http_get(daemon.port(), "/api/v1/tickets/" + ref));
  const auto& messages = ticket.at("messages").as_array();
  REQUIRE(messages.size() == 3);  // theirs, the acknowledgement, the staff reply
  CHECK(messages[2].at("direction") == "out");
  CHECK(str(messages[2].at("subject")) == "Re: [#" + ref + "] Курьер не приехал");
  bool reply_event = false;
  for (const auto& e : ticket.at("events").as_array()) reply_event = reply_event || e.at("kind") == "staff_reply";
  CHECK(reply_event);

  // The customer answers our mail: it joins the same ticket.
  const std::string answer = courier_mail("answer@example.ru", "anna.petrova@example.ru",
                                          "In-Reply-To: " + sent[0].header("Message-ID") + "\r\n");
  auto appended = post_mail(daemon.port(), answer);
  REQUIRE(appended.status == 200);
  CHECK(json_of(appended).at("outcome") == "appended");
  CHECK(str(json_of(appended).at("ticket").at("ref")) == ref);
}

TEST_CASE("an internal note is in no mail and in no message of the ticket's thread", "[e2e][staff]") {
  SmtpSink sink;
  TempDir dir;
  DaemonProcess daemon(dir, "", {"--smtp-url", sink.url(), "--mail-from", "support@shop.example"});
  const std::string ref = created_ref(post_mail(daemon.port(), courier_mail("note@example.ru")));

  auto noted = post(daemon.port(), "/api/v1/tickets/" + ref + "/notes", {{"text", kSecret}, {"actor", "Ольга"}});
  REQUIRE(noted.status == 201);
  CHECK(str(json_of(noted).at("note").at("text")) == kSecret);
  REQUIRE(post(daemon.port(), "/api/v1/tickets/" + ref + "/replies",
               {{"text", "Заказ привезут сегодня."}, {"actor", "Ольга"}}).status == 201);

  for (const auto& m : settled(sink, 1)) CHECK(m.data.find("Петров") == std::string::npos);
  auto ticket = json_of(http_get(daemon.port(), "/api/v1/tickets/" + ref));
  for (const auto& m : ticket.at("messages").as_array())
    CHECK(std::string(m.at("text").as_string()).find("Петров") == std::string::npos);
  for (const auto& e : ticket.at("events").as_array()) CHECK(json::serialize(e).find("Петров") == std::string::npos);
  const auto& notes = ticket.at("notes").as_array();
  REQUIRE(notes.size() == 1);
  CHECK(str(notes[0].at("text")) == kSecret);
  CHECK(notes[0].at("author") == "Ольга");
}

TEST_CASE("a reply to a ticket without an e-mail address or to a no-reply address is refused naming requester.email",
          "[e2e][staff]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const std::string by_phone = created_ref(post(daemon.port(), "/api/v1/tickets",
      {{"body", "Курьер не приехал, заказ 62201957"}, {"channel", "phone"},
       {"requester", {{"name", "Анна"}, {"phone", "+7 900 123-45-67"}}}}));
  auto refused = post(daemon.port(), "/api/v1/tickets/" + by_phone + "/replies", {{"text", "Привезём сегодня."}, {"actor", "Ольга"}});
  CHECK(refused.status == 422);
  CHECK(error_fields(refused) == std::vector<std::string>{"requester.email"});
  CHECK(error_codes(refused) == "missing ");
  // A note needs no address.
  CHECK(post(daemon.port(), "/api/v1/tickets/" + by_phone + "/notes", {{"text", "Позвонила"}, {"actor", "Ольга"}}).status == 201);

  const std::string robot = created_ref(post(daemon.port(), "/api/v1/tickets",
      {{"body", "Курьер не приехал, заказ 62201957"}, {"channel", "web"},
       {"requester", {{"name", "Shop"}, {"email", "noreply@shop-partner.example"}}}}));
  auto to_robot = post(daemon.port(), "/api/v1/tickets/" + robot + "/replies", {{"text", "Привезём сегодня."}, {"actor", "Ольга"}});
  CHECK(to_robot.status == 422);
  CHECK(error_fields(to_robot) == std::vector<std::string>{"requester.email"});
  CHECK(error_codes(to_robot) == "automatic ");
}

TEST_CASE("bad replies and notes are refused naming the field", "[e2e][staff]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const std::string ref = created_ref(post_mail(daemon.port(), courier_mail("bad@example.ru")));
  const std::string replies = "/api/v1/tickets/" + ref + "/replies";

  auto blank = post(daemon.port(), replies, {{"text", "  \n"}, {"actor", "Ольга"}});
  CHECK(blank.status == 422);
  CHECK(error_fields(blank) == std::vector<std::string>{"text"});
  auto long_text = post(daemon.port(), replies, {{"text", std::string(20001, 'a')}, {"actor", "Ольга"}});
  CHECK(long_text.status == 422);
  CHECK(error_codes(long_text) == "too_long ");
  auto no_actor = post(daemon.port(), replies, {{"text", "Привезём."}});
  CHECK(no_actor.status == 422);
  CHECK(error_fields(no_actor) == std::vector<std::string>{"actor"});
  auto stray = post(daemon.port(), replies, {{"text", "Привезём."}, {"actor", "Ольга"}, {"cc", "boss@shop.example"}});
  CHECK(stray.status == 422);
  CHECK(error_fields(stray) == std::vector<std::string>{"cc"});
  auto long_note = post(daemon.port(), "/api/v1/tickets/" + ref + "/notes", {{"text", std::string(5001, 'a')}, {"actor", "Ольга"}});
  CHECK(long_note.status == 422);
  CHECK(error_fields(long_note) == std::vector<std::string>{"text"});
  CHECK(http_request(daemon.port(), http::verb::post, replies, "text=hi", "application/x-www-form-urlencoded").status == 415);
  CHECK(post(daemon.port(), "/api/v1/tickets/ZZZ-ZZZ/replies", {{"text", "Привезём."}, {"actor", "Ольга"}}).status == 404);
  CHECK(http_request(daemon.port(), http::verb::get, replies).status == 405);
}

TEST_CASE("classify returns the decided topic's answers and a deflection is counted in stats and metrics", "[e2e][staff]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  auto classified = post(daemon.port(), "/api/v1/classify", {{"body", "Курьер не приехал, где мой заказ?"}, {"channel", "phone"}});
  REQUIRE(classified.status == 200);
  const json::object decision = json_of(classified);
  CHECK(decision.at("topic") == "delivery");
  const auto& answers = decision.at("answers").as_array();
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].at("id") == "track");
  CHECK(answers[0].at("topic") == "delivery");
  CHECK(answers[0].at("url") == "https://apteka.example/orders");
  CHECK(answers[1].at("url").is_null());

  auto deflected = post(daemon.port(), "/api/v1/deflections", {{"topic", "delivery"}, {"answer", "track"}, {"channel", "phone"}});
  REQUIRE(deflected.status == 201);
  CHECK(json_of(deflected).at("answer") == "track");

  auto stats = json_of(http_get(daemon.port(), "/api/v1/stats?days=1"));
  CHECK(stats.at("deflected") == 1);
  REQUIRE(stats.at("deflections").as_array().size() == 1);
  const auto& figures = stats.at("deflections").as_array()[0];
  CHECK(figures.at("topic") == "delivery");
  CHECK(figures.at("answers").at("track") == 1);

  const std::string metrics = http_get(daemon.port(), "/metrics").body;
  CHECK_THAT(metrics, Catch::Contains("triaged_deflected_total{topic=\"delivery\"} 1"));
  CHECK_THAT(metrics, Catch::Contains("triaged_deflected_total{topic=\"refund\"} 0"));
}

TEST_CASE("a deflection naming an unknown topic or answer is refused naming the field", "[e2e][staff]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  auto topic = post(daemon.port(), "/api/v1/deflections", {{"topic", "weather"}, {"answer", "track"}});
  CHECK(topic.status == 422);
  CHECK(error_fields(topic) == std::vector<std::string>{"topic"});
  auto answer = post(daemon.port(), "/api/v1/deflections", {{"topic", "delivery"}, {"answer", "weather"}});
  CHECK(answer.status == 422);
  CHECK(error_fields(answer) == std::vector<std::string>{"answer"});
  auto channel = post(daemon.port(), "/api/v1/deflections", {{"topic", "delivery"}, {"answer", "track"}, {"channel", "fax"}});
  CHECK(channel.status == 422);
  CHECK(error_fields(channel) == std::vector<std::string>{"channel"});
  const std::string metrics = http_get(daemon.port(), "/metrics").body;
  CHECK(metrics.find("weather") == std::string::npos);
}

TEST_CASE("only agent keys may reply or add notes and operators may record deflections", "[e2e][staff]") {
  TempDir dir;
  auto key = [&](const std::string& role, const std::string& name) {
    auto made = run_program({binary("triagectl"), "key", "new", "--role", role, "--name", name}, dir);
    REQUIRE(made.exit_code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(made.out, m, std::regex(R"(key: (tgd_[0-9a-f]{64})\n)")));
    return std::pair{m[1].str(), made.out.substr(made.out.find("  - name:"))};
  };
  const auto [intake, intake_entry] = key("intake", "operators");
  const auto [agent, agent_entry] = key("agent", "board");
  const std::string config = dir.write("triaged.yaml", "api_keys:\n" + intake_entry + agent_entry);
  DaemonProcess daemon(dir, "", {"--config", config});
  const std::pair<std::string, std::string> as_intake{"Authorization", "Bearer " + intake};
  const std::pair<std::string, std::string> as_agent{"Authorization", "Bearer " + agent};
  const std::string ref = created_ref(post(daemon.port(), "/api/v1/tickets",
      {{"body", "Курьер не приехал, заказ 62201957"}, {"channel", "web"},
       {"requester", {{"name", "Анна"}, {"email", "anna@example.ru"}}}}, {as_intake}));

  const json::object note{{"text", "Перезвонить вечером"}, {"actor", "Ольга"}};
  CHECK(post(daemon.port(), "/api/v1/tickets/" + ref + "/notes", note).status == 401);
  CHECK(post(daemon.port(), "/api/v1/tickets/" + ref + "/notes", note, {as_intake}).status == 403);
  CHECK(post(daemon.port(), "/api/v1/tickets/" + ref + "/replies", note, {as_intake}).status == 403);
  CHECK(post(daemon.port(), "/api/v1/tickets/" + ref + "/notes", note, {as_agent}).status == 201);
  // The intake form's key reads no ticket, so it cannot read a note either.
  CHECK(http_request(daemon.port(), http::verb::get, "/api/v1/tickets/" + ref, "", "", {as_intake}).status == 403);
  CHECK(post(daemon.port(), "/api/v1/deflections", {{"topic", "delivery"}, {"answer", "track"}}, {as_intake}).status == 201);
}

}  // namespace triaged::e2e

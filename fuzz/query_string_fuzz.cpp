// The query string and path of GET requests, through Api::handle() as the HTTP session calls
// it. The query parser (parse_target) is private to api.cpp, so it is reached the way a client
// reaches it. Input starting with '/' is the whole target; anything else is the query of
// GET /api/v1/tickets. The store is an in-memory one holding a few tickets, a mail thread and
// a quarantined message, so listing, cursors and ids have something to find. Every answer must
// come at once, never be a 500 (an exception escaped a handler), and a JSON answer must be
// valid JSON.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include "http/api.h"
#include "app/daemon.h"
#include "intake/email_ingest.h"
#include "fuzz_check.h"
#include "common/metrics.h"
#include "rules/rules.h"
#include "storage/ticket_store.h"

namespace {

namespace daemon = triaged::daemon;
using triaged::fuzz::check;
using triaged::fuzz::fail;

constexpr std::string_view kMail =
    "From: Anna <anna@example.ru>\r\nTo: help@shop.example\r\nSubject: =?UTF-8?B?0JrRg9GA0YzQtdGA?=\r\n"
    "Message-ID: <a1@example.ru>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nЗаказ 40718263 не привезли\r\n"
    "--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=a.png\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n";

// Never destroyed: the store's writer thread must outlive every input.
struct World {
  std::shared_ptr<const triaged::routing::RuleSet> rules;
  std::unique_ptr<triaged::storage::TicketStore> store;
  std::unique_ptr<daemon::EmailIngest> email;
  daemon::Metrics metrics;
  std::unique_ptr<daemon::Api> api;

  World() {
    auto loaded = triaged::rules::load_rules_text(daemon::embedded_rules_text(), daemon::embedded_rules_source());
    if (!loaded) fail("the built-in example rules do not load");
    rules = loaded->rules;
    triaged::storage::StoreOptions options;
    options.path = ":memory:";
    options.create_if_missing = true;
    auto opened = triaged::storage::TicketStore::open(options);
    if (!opened) fail("cannot open an in-memory store", opened.error().message);
    store = std::move(*opened);
    daemon::ApiContext context;
    context.rules = [r = rules] { return r; };
    context.store = store.get();
    email = std::make_unique<daemon::EmailIngest>(context.rules, *store, context.clock, daemon::EmailOptions{});
    context.email = email.get();
    context.metrics = &metrics;
    api = std::make_unique<daemon::Api>(std::move(context));

    for (const char* subject : {"Курьер не приехал", "Списали деньги дважды", "Не тот препарат"})
      post("/api/v1/tickets", "application/json",
           std::string(R"({"subject": ")") + subject +
               R"(", "body": "Заказ 40718263", "fields": {"product": "Аспирин"},)"
               R"( "requester": {"name": "Анна", "phone": "+7 916 204-37-81"}})");
    post("/api/v1/ingest/email?mailbox=help%40shop.example", "message/rfc822", std::string(kMail));
    post("/api/v1/ingest/email", "message/rfc822", "not a mail at all\n\n");
  }

  void post(const std::string& target, const std::string& type, std::string body) {
    daemon::Request req;
    req.method = "POST";
    req.target = target;
    req.headers.set("Content-Type", type);
    req.body = std::move(body);
    auto answer = std::make_shared<std::promise<daemon::Response>>();
    auto got = answer->get_future();
    api->handle(req, [answer](daemon::Response res) { answer->set_value(std::move(res)); });
    const daemon::Response res = got.get();
    if (res.status >= 300) fail("setting up the store failed", target + " " + res.body);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World* world = new World;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string target = input.starts_with('/') ? std::string(input) : "/api/v1/tickets?" + std::string(input);

  daemon::Request req;
  req.target = target;
  std::optional<daemon::Response> answer;
  int answers = 0;
  world->api->handle(req, [&](daemon::Response res) {
    ++answers;
    answer = std::move(res);
  });
  check(answers == 1, "a GET is answered once, at once", target);
  check(answer->status != 500, "no GET ends in a 500", answer->body);
  const std::string type(answer->header("Content-Type"));
  if (type.find("json") != std::string::npos) {
    boost::system::error_code ec;
    boost::json::parse(answer->body, ec);
    check(!ec, "a JSON answer is valid JSON (UTF-8 included), whatever bytes the target had", answer->body);
  }
  return 0;
}

// Runs Api::handle() with no socket: the test rule set, a real TicketStore (on ":memory:"
// unless the test names a database) and a clock the test sets. call() waits for the single answer, which for creates arrives from
// the storage writer thread.
#pragma once

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/access.h"
#include "http/api.h"
#include "intake/email_ingest.h"
#include "common/metrics.h"
#include "rules/rules.h"
#include "storage/ticket_store.h"
#include "test_rules.h"

namespace triaged::testing {

using daemon::Request;
using daemon::Response;

// A request as the HTTP server would hand it to the Api: `method` "GET", "POST", ...
inline Request make_request(std::string method, std::string target, std::string body = "") {
  Request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.body = std::move(body);
  return req;
}

// 2026-03-01T10:00:00Z: every test starts its clock here.
inline std::chrono::system_clock::time_point test_epoch() {
  using namespace std::chrono;
  return sys_days{year{2026} / March / 1} + hours{10};
}

class ApiHarness {
 public:
  // `keys` empty: the API is open, as without a config.
  explicit ApiHarness(std::string_view rules_yaml = kTestRules, daemon::EmailOptions email = {},
                      std::string db_path = ":memory:", std::vector<daemon::ApiKey> keys = {}) {
    auto loaded = rules::load_rules_text(rules_yaml, "test-rules.yaml");
    if (!loaded) {
      std::string why;
      for (const auto& d : loaded.error()) why += d.to_string() + "\n";
      FAIL("the test rule set does not load:\n" << why);
    }
    rules_ = loaded->rules;
    storage::StoreOptions options;
    options.path = db_path;
    options.create_if_missing = true;
    auto store = storage::TicketStore::open(options);
    if (!store) FAIL("cannot open the store: " << store.error().message);
    store_ = std::move(*store);

    daemon::ApiContext context;
    context.rules = [rules = rules_] { return rules; };
    context.store = store_.get();
    context.clock = [this] { return now_.load(); };
    email_ = std::make_unique<daemon::EmailIngest>(context.rules, *store_, context.clock, std::move(email));
    context.email = email_.get();
    context.metrics = metrics_.get();
    context.access = std::make_shared<daemon::AccessControl>(std::move(keys));
    context.db_path = std::move(db_path);
    api_ = std::make_unique<daemon::Api>(std::move(context));
  }
  ~ApiHarness() { store_->close(); }

  // Handles `request` and returns the one response; fails the test if none comes in 5 s.
  Response call(const Request& request) {
    auto answer = std::make_shared<std::promise<Response>>();
    auto calls = std::make_shared<std::atomic<int>>(0);
    std::future<Response> future = answer->get_future();
    api_->handle(request, [answer, calls](Response res) {
      if (calls->fetch_add(1) == 0) answer->set_value(std::move(res));
    }, peer_);
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
      FAIL("no response to " << request.method << " " << request.target);
    Response res = future.get();
    INFO(request.method << " " << request.target << " -> " << res.status << " " << res.body);
    CHECK(calls->load() == 1);
    return res;
  }

  // Api::handle() itself, for tests that collect answers from several threads.
  void handle(const Request& request, daemon::Api::Respond respond) { api_->handle(request, std::move(respond)); }

  Response get(const std::string& target) { return call(make_request("GET", target)); }

  Response send(std::string method, const std::string& target, std::string_view content_type, std::string body,
                std::initializer_list<std::pair<std::string, std::string>> headers = {}) {
    Request req = make_request(std::move(method), target, std::move(body));
    if (!content_type.empty()) req.headers.set("Content-Type", std::string(content_type));
    for (const auto& [name, value] : headers) req.headers.set(name, value);
    return call(req);
  }

  Response post_json(const std::string& target, std::string body,
                     std::initializer_list<std::pair<std::string, std::string>> headers = {}) {
    return send("POST", target, "application/json", std::move(body), headers);
  }

  Response post_form(const std::string& target, std::string body) {
    return send("POST", target, "application/x-www-form-urlencoded", std::move(body));
  }

  // Creates a ticket from `json` and returns its resource; fails the test unless it is a 201.
  boost::json::object create(std::string json) {
    Response res = post_json("/api/v1/tickets", std::move(json));
    INFO(res.body);
    REQUIRE(res.status == 201);
    return boost::json::parse(res.body).as_object();
  }

  Response post_email(std::string raw, const std::string& mailbox = "support@shop.example") {
    return send("POST", "/api/v1/ingest/email?mailbox=" + mailbox, "message/rfc822", std::move(raw));
  }

  void set_clock(std::chrono::system_clock::time_point t) { now_.store(t); }
  void set_loopback(bool loopback) { peer_.loopback = loopback; }
  storage::TicketStore& store() { return *store_; }
  daemon::Metrics& metrics() { return *metrics_; }

 private:
  std::atomic<std::chrono::system_clock::time_point> now_{test_epoch()};
  daemon::Peer peer_;
  std::shared_ptr<const routing::RuleSet> rules_;
  std::unique_ptr<storage::TicketStore> store_;
  std::unique_ptr<daemon::EmailIngest> email_;
  std::unique_ptr<daemon::Metrics> metrics_ = std::make_unique<daemon::Metrics>();
  std::unique_ptr<daemon::Api> api_;
};

inline boost::json::object body_json(const Response& res) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(res.body, ec);
  INFO(res.body);
  REQUIRE_FALSE(ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

inline std::string str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v);
}

// The {field, code} pairs of a problem's `errors`, in order, as "field:code".
inline std::vector<std::string> error_codes(const boost::json::object& problem) {
  std::vector<std::string> out;
  for (const auto& e : problem.at("errors").as_array())
    out.push_back(str(e.at("field")) + ":" + str(e.at("code")));
  return out;
}

// Checks the RFC 9457 shape every error answer has, and returns the body.
inline boost::json::object problem_of(const Response& res, unsigned status) {
  INFO(res.body);
  CHECK(res.status == status);
  CHECK(res.header("Content-Type") == "application/problem+json");
  auto p = body_json(res);
  CHECK(str(p.at("type")).rfind("urn:triaged:problem:", 0) == 0);
  CHECK_FALSE(str(p.at("title")).empty());
  CHECK(p.at("status").to_number<unsigned>() == status);
  CHECK(p.at("errors").is_array());
  return p;
}

}  // namespace triaged::testing

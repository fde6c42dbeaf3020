// Every endpoint checks its role: 401 without a key, 403 with a key of the wrong role, and the
// endpoint's own answer with the right one. Run through Api::handle with three keys configured.
#include <string>
#include <vector>

#include "api_harness.h"
#include "common/digest.h"

using namespace triaged;
using namespace triaged::testing;

namespace {

const std::string kIntakeKey = "tgd_intake_test_key";
const std::string kAgentKey = "tgd_agent_test_key";
const std::string kAdminKey = "tgd_admin_test_key";

std::vector<daemon::ApiKey> test_keys(daemon::RateLimit agent_rate = {}) {
  return {{"operators", daemon::sha256_hex(kIntakeKey), daemon::kIntake, {}, {"https://intake.shop.example"}},
          {"board", daemon::sha256_hex(kAgentKey), daemon::kAgent, agent_rate, {}},
          {"ops", daemon::sha256_hex(kAdminKey), daemon::kAdmin, {}, {}}};
}

struct Endpoint {
  http::verb method;
  std::string target;
  daemon::Roles roles;  // who may; 0: anyone
};

const std::vector<Endpoint> kEndpoints = {
    {http::verb::post, "/api/v1/tickets", daemon::kIntake},
    {http::verb::get, "/api/v1/tickets", daemon::kAgent},
    {http::verb::get, "/api/v1/tickets/1", daemon::kAgent},
    {http::verb::post, "/api/v1/tickets/1/reroute", daemon::kAgent},
    {http::verb::post, "/api/v1/tickets/1/claim", daemon::kAgent},
    {http::verb::post, "/api/v1/tickets/1/status", daemon::kAgent},
    {http::verb::post, "/api/v1/tickets/1/link", daemon::kAgent},
    {http::verb::get, "/api/v1/requesters?phone=89161234567", daemon::kIntake | daemon::kAgent},
    {http::verb::post, "/api/v1/classify", daemon::kIntake | daemon::kAgent},
    {http::verb::get, "/api/v1/schema", daemon::kIntake | daemon::kAgent},
    {http::verb::get, "/api/v1/queues", daemon::kAgent},
    {http::verb::post, "/api/v1/ingest/email?mailbox=support@shop.example", daemon::kIntake},
    {http::verb::get, "/api/v1/messages/1/raw", daemon::kAgent},
    {http::verb::get, "/api/v1/attachments/1", daemon::kAgent},
    {http::verb::get, "/api/v1/quarantine", daemon::kAdmin},
    {http::verb::get, "/api/v1/quarantine/1/raw", daemon::kAdmin},
    {http::verb::post, "/api/v1/quarantine/1/reprocess", daemon::kAdmin},
    {http::verb::get, "/api/v1/admin/rules", daemon::kAdmin},
    {http::verb::post, "/api/v1/admin/rules/reload", daemon::kAdmin},
    {http::verb::post, "/api/v1/admin/rules/validate", daemon::kAdmin},
    {http::verb::post, "/api/v1/admin/rules/simulate", daemon::kAdmin},
    {http::verb::get, "/healthz", 0},
    {http::verb::get, "/readyz", 0},
    {http::verb::get, "/metrics", 0},
};

Response call_with(ApiHarness& api, const Endpoint& e, const std::string& key) {
  Request req{e.method, e.target, 11};
  if (!key.empty()) req.set(http::field::authorization, "Bearer " + key);
  if (e.method == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = "{}";
    req.prepare_payload();
  }
  return api.call(req);
}

}  // namespace

TEST_CASE("every endpoint answers 401 without a key and 403 to a key of another role") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  const std::pair<std::string, daemon::Roles> keys[] = {
      {kIntakeKey, daemon::kIntake}, {kAgentKey, daemon::kAgent}, {kAdminKey, daemon::kAdmin}};
  for (const Endpoint& e : kEndpoints) {
    INFO(http::to_string(e.method) << " " << e.target);
    const Response anonymous = call_with(api, e, "");
    if (e.roles == 0) {
      CHECK(anonymous.result_int() != 401);
      CHECK(anonymous.result_int() != 403);
      continue;
    }
    problem_of(anonymous, 401);
    CHECK(anonymous[http::field::www_authenticate] == "Bearer realm=\"triaged\"");
    for (const auto& [key, role] : keys) {
      INFO("key with role " << daemon::roles_to_string(role));
      const Response res = call_with(api, e, key);
      const bool allowed = (e.roles & role) != 0 || role == daemon::kAdmin;
      if (allowed) {
        CHECK(res.result_int() != 401);
        CHECK(res.result_int() != 403);
      } else {
        auto p = problem_of(res, 403);
        CHECK(str(p.at("detail")).find("needs") != std::string::npos);
      }
    }
  }
}

TEST_CASE("an unknown key and a credential that is not Bearer are both 401 with a reason") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  Request req{http::verb::get, "/api/v1/queues", 11};
  req.set(http::field::authorization, "Bearer tgd_nobody");
  CHECK(str(problem_of(api.call(req), 401).at("detail")) == "unknown API key");
  req.set(http::field::authorization, "Basic dXNlcjpwYXNz");
  CHECK(str(problem_of(api.call(req), 401).at("detail")).find("not a Bearer") != std::string::npos);
}

TEST_CASE("a key over its rate limit gets 429 with Retry-After and the work is not done") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys({1, 3}));
  const Endpoint queues{http::verb::get, "/api/v1/queues", daemon::kAgent};
  // A burst of 3, refilled at one a second: the fourth request in the same moment is refused.
  for (int i = 0; i < 3; ++i) CHECK(call_with(api, queues, kAgentKey).result_int() == 200);
  const Response limited = call_with(api, queues, kAgentKey);
  problem_of(limited, 429);
  CHECK(limited[http::field::retry_after] == "1");
  // Other keys have their own buckets.
  CHECK(call_with(api, queues, kAdminKey).result_int() == 200);
}

TEST_CASE("without keys the API is open and the admin endpoints answer only this machine") {
  ApiHarness api;
  CHECK(api.get("/api/v1/queues").result_int() == 200);
  CHECK(api.get("/api/v1/admin/rules").result_int() == 503);  // no rules admin in the harness
  api.set_loopback(false);
  CHECK(api.get("/api/v1/queues").result_int() == 200);
  auto p = problem_of(api.get("/api/v1/admin/rules"), 403);
  CHECK(str(p.at("detail")).find("until API keys are configured") != std::string::npos);
}

TEST_CASE("an admin key opens the admin endpoints from another machine") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  api.set_loopback(false);
  const Endpoint rules{http::verb::get, "/api/v1/admin/rules", daemon::kAdmin};
  CHECK(call_with(api, rules, kAdminKey).result_int() == 503);  // past the gate
}

TEST_CASE("every answer carries a request id and keeps a sane one the client sent") {
  ApiHarness api;
  const Response fresh = api.get("/healthz");
  const std::string id(fresh["X-Request-Id"]);
  CHECK(id.size() == 16);
  CHECK(std::string(api.get("/healthz")["X-Request-Id"]) != id);
  Request req{http::verb::get, "/api/v1/nowhere", 11};
  req.set("X-Request-Id", "lb-7f3a.42");
  CHECK(api.call(req)["X-Request-Id"] == "lb-7f3a.42");
  req.set("X-Request-Id", "no spaces or \"quotes\" please");
  CHECK(api.call(req)["X-Request-Id"].size() == 16);
}

TEST_CASE("a browser origin in the key's allowed_origins gets CORS headers and others get 403") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  Request req{http::verb::get, "/api/v1/schema", 11};
  req.set(http::field::authorization, "Bearer " + kIntakeKey);
  req.set(http::field::host, "triaged.shop.example");
  req.set(http::field::origin, "https://intake.shop.example");
  Response allowed = api.call(req);
  CHECK(allowed.result_int() == 200);
  CHECK(allowed[http::field::access_control_allow_origin] == "https://intake.shop.example");
  CHECK(allowed[http::field::vary] == "Origin");

  req.set(http::field::origin, "https://evil.example");
  auto p = problem_of(api.call(req), 403);
  CHECK(str(p.at("detail")).find("allowed_origins") != std::string::npos);

  // Our own pages: the Origin names the daemon's own host, which needs no listing.
  req.set(http::field::origin, "http://triaged.shop.example");
  Response same = api.call(req);
  CHECK(same.result_int() == 200);
  CHECK(same.find(http::field::access_control_allow_origin) == same.end());
}

TEST_CASE("a CORS preflight from an allowed origin is answered 204 without a key") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  Request req{http::verb::options, "/api/v1/tickets", 11};
  req.set(http::field::origin, "https://intake.shop.example");
  req.set(http::field::access_control_request_method, "POST");
  Response ok = api.call(req);
  CHECK(ok.result_int() == 204);
  CHECK(ok[http::field::access_control_allow_origin] == "https://intake.shop.example");
  CHECK(std::string(ok[http::field::access_control_allow_headers]).find("Authorization") != std::string::npos);

  req.set(http::field::origin, "https://evil.example");
  Response refused = api.call(req);
  CHECK(refused.result_int() == 204);
  CHECK(refused.find(http::field::access_control_allow_origin) == refused.end());
}

namespace {

const std::string kShopKey = "tgd_shop_test_key";

std::vector<daemon::ApiKey> two_intake_keys() {
  return {{"call-centre", daemon::sha256_hex(kIntakeKey), daemon::kIntake | daemon::kAgent, {}, {}},
          {"shop", daemon::sha256_hex(kShopKey), daemon::kIntake | daemon::kAgent, {}, {}}};
}

Response create_as(ApiHarness& api, const std::string& key, std::string body, const std::string& idempotency_key) {
  return api.post_json("/api/v1/tickets", std::move(body),
                       {{"Authorization", "Bearer " + key}, {"Idempotency-Key", idempotency_key}});
}

}  // namespace

TEST_CASE("another key sending the same Idempotency-Key gets its own ticket and not a conflict") {
  ApiHarness api(kTestRules, {}, ":memory:", two_intake_keys());
  // Other requesters' orders: bodies that neither replay nor merge into another ticket.
  const auto order_of = [](const char* order, const char* email) {
    return replace_once(replace_once(kDeliveryJson, "12345678", order), "ivan@example.com", email);
  };
  Response first = create_as(api, kIntakeKey, std::string(kDeliveryJson), "shared-1");
  REQUIRE(first.result_int() == 201);
  const auto first_id = boost::json::parse(first.body()).at("id").as_int64();

  // The same key and body from the other API key: not the call centre's ticket handed back.
  Response same_body = create_as(api, kShopKey, std::string(kDeliveryJson), "shared-1");
  INFO(same_body.body());
  CHECK(same_body.find("Idempotent-Replayed") == same_body.end());
  CHECK(same_body.result_int() != 422);

  // The same key with its own body: a ticket of its own, not a 422 conflict.
  REQUIRE(create_as(api, kIntakeKey, order_of("87654321", "olga@example.com"), "shared-2").result_int() == 201);
  Response own = create_as(api, kShopKey, order_of("11223344", "petr@example.com"), "shared-2");
  INFO(own.body());
  CHECK(own.result_int() == 201);
  CHECK(own.find("Idempotent-Replayed") == own.end());

  Response retry = create_as(api, kIntakeKey, std::string(kDeliveryJson), "shared-1");
  CHECK(retry.result_int() == 201);
  CHECK(retry["Idempotent-Replayed"] == "true");
  CHECK(boost::json::parse(retry.body()).at("id").as_int64() == first_id);
}

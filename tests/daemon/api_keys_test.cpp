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
  std::string method;
  std::string target;
  daemon::Roles roles;  // who may; 0: anyone
};

const std::vector<Endpoint> kEndpoints = {
    {"POST", "/api/v1/tickets", daemon::kIntake},
    {"GET", "/api/v1/tickets", daemon::kAgent},
    {"GET", "/api/v1/tickets/1", daemon::kAgent},
    {"POST", "/api/v1/tickets/1/reroute", daemon::kAgent},
    {"POST", "/api/v1/tickets/1/claim", daemon::kAgent},
    {"POST", "/api/v1/tickets/1/status", daemon::kAgent},
    {"POST", "/api/v1/tickets/1/link", daemon::kAgent},
    {"POST", "/api/v1/tickets/1/replies", daemon::kAgent},
    {"POST", "/api/v1/tickets/1/notes", daemon::kAgent},
    {"POST", "/api/v1/deflections", daemon::kIntake | daemon::kAgent},
    {"GET", "/api/v1/requesters?phone=89161234567", daemon::kIntake | daemon::kAgent},
    {"POST", "/api/v1/classify", daemon::kIntake | daemon::kAgent},
    {"GET", "/api/v1/schema", daemon::kIntake | daemon::kAgent},
    {"GET", "/api/v1/queues", daemon::kAgent},
    {"POST", "/api/v1/ingest/email?mailbox=support@shop.example", daemon::kIntake},
    {"GET", "/api/v1/messages/1/raw", daemon::kAgent},
    {"GET", "/api/v1/attachments/1", daemon::kAgent},
    {"GET", "/api/v1/quarantine", daemon::kAdmin},
    {"GET", "/api/v1/quarantine/1/raw", daemon::kAdmin},
    {"POST", "/api/v1/quarantine/1/reprocess", daemon::kAdmin},
    {"GET", "/api/v1/admin/rules", daemon::kAdmin},
    {"POST", "/api/v1/admin/rules/reload", daemon::kAdmin},
    {"POST", "/api/v1/admin/rules/validate", daemon::kAdmin},
    {"POST", "/api/v1/admin/rules/simulate", daemon::kAdmin},
    {"GET", "/healthz", 0},
    {"GET", "/readyz", 0},
    {"GET", "/metrics", 0},
};

Response call_with(ApiHarness& api, const Endpoint& e, const std::string& key) {
  Request req = make_request(e.method, e.target);
  if (!key.empty()) req.headers.set("Authorization", "Bearer " + key);
  if (e.method == "POST") {
    req.headers.set("Content-Type", "application/json");
    req.body = "{}";
  }
  return api.call(req);
}

}  // namespace

TEST_CASE("every endpoint answers 401 without a key and 403 to a key of another role") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  const std::pair<std::string, daemon::Roles> keys[] = {
      {kIntakeKey, daemon::kIntake}, {kAgentKey, daemon::kAgent}, {kAdminKey, daemon::kAdmin}};
  for (const Endpoint& e : kEndpoints) {
    INFO(e.method << " " << e.target);
    const Response anonymous = call_with(api, e, "");
    if (e.roles == 0) {
      CHECK(anonymous.status != 401);
      CHECK(anonymous.status != 403);
      continue;
    }
    problem_of(anonymous, 401);
    CHECK(anonymous.header("WWW-Authenticate") == "Bearer realm=\"triaged\"");
    for (const auto& [key, role] : keys) {
      INFO("key with role " << daemon::roles_to_string(role));
      const Response res = call_with(api, e, key);
      const bool allowed = (e.roles & role) != 0 || role == daemon::kAdmin;
      if (allowed) {
        CHECK(res.status != 401);
        CHECK(res.status != 403);
      } else {
        auto p = problem_of(res, 403);
        CHECK(str(p.at("detail")).find("needs") != std::string::npos);
      }
    }
  }
}

TEST_CASE("an unknown key and a credential that is not Bearer are both 401 with a reason") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  Request req = make_request("GET", "/api/v1/queues");
  req.headers.set("Authorization", "Bearer tgd_nobody");
  CHECK(str(problem_of(api.call(req), 401).at("detail")) == "unknown API key");
  req.headers.set("Authorization", "Basic dXNlcjpwYXNz");
  CHECK(str(problem_of(api.call(req), 401).at("detail")).find("not a Bearer") != std::string::npos);
}

TEST_CASE("a key over its rate limit gets 429 with Retry-After and the work is not done") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys({1, 3}));
  const Endpoint queues{"GET", "/api/v1/queues", daemon::kAgent};
  // A burst of 3, refilled at one a second: the fourth request in the same moment is refused.
  for (int i = 0; i < 3; ++i) CHECK(call_with(api, queues, kAgentKey).status == 200);
  const Response limited = call_with(api, queues, kAgentKey);
  problem_of(limited, 429);
  CHECK(limited.header("Retry-After") == "1");
  // Other keys have their own buckets.
  CHECK(call_with(api, queues, kAdminKey).status == 200);
}

TEST_CASE("without keys the API is open and the admin endpoints answer only this machine") {
  ApiHarness api;
  CHECK(api.get("/api/v1/queues").status == 200);
  CHECK(api.get("/api/v1/admin/rules").status == 503);  // no rules admin in the harness
  api.set_loopback(false);
  CHECK(api.get("/api/v1/queues").status == 200);
  auto p = problem_of(api.get("/api/v1/admin/rules"), 403);
  CHECK(str(p.at("detail")).find("until API keys are configured") != std::string::npos);
}

TEST_CASE("an admin key opens the admin endpoints from another machine") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  api.set_loopback(false);
  const Endpoint rules{"GET", "/api/v1/admin/rules", daemon::kAdmin};
  CHECK(call_with(api, rules, kAdminKey).status == 503);  // past the gate
}

TEST_CASE("every answer carries a request id and keeps a sane one the client sent") {
  ApiHarness api;
  const Response fresh = api.get("/healthz");
  const std::string id(fresh.header("X-Request-Id"));
  CHECK(id.size() == 16);
  CHECK(std::string(api.get("/healthz").header("X-Request-Id")) != id);
  Request req = make_request("GET", "/api/v1/nowhere");
  req.headers.set("X-Request-Id", "lb-7f3a.42");
  CHECK(api.call(req).header("X-Request-Id") == "lb-7f3a.42");
  req.headers.set("X-Request-Id", "no spaces or \"quotes\" please");
  CHECK(api.call(req).header("X-Request-Id").size() == 16);
}

TEST_CASE("a browser origin in the key's allowed_origins gets CORS headers and others get 403") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  Request req = make_request("GET", "/api/v1/schema");
  req.headers.set("Authorization", "Bearer " + kIntakeKey);
  req.headers.set("Host", "triaged.shop.example");
  req.headers.set("Origin", "https://intake.shop.example");
  Response allowed = api.call(req);
  CHECK(allowed.status == 200);
  CHECK(allowed.header("Access-Control-Allow-Origin") == "https://intake.shop.example");
  CHECK(allowed.header("Vary") == "Origin");

  req.headers.set("Origin", "https://evil.example");
  auto p = problem_of(api.call(req), 403);
  CHECK(str(p.at("detail")).find("allowed_origins") != std::string::npos);

  // Our own pages: the Origin names the daemon's own host, which needs no listing.
  req.headers.set("Origin", "http://triaged.shop.example");
  Response same = api.call(req);
  CHECK(same.status == 200);
  CHECK(!same.headers.has("Access-Control-Allow-Origin"));
}

TEST_CASE("a CORS preflight from an allowed origin is answered 204 without a key") {
  ApiHarness api(kTestRules, {}, ":memory:", test_keys());
  Request req = make_request("OPTIONS", "/api/v1/tickets");
  req.headers.set("Origin", "https://intake.shop.example");
  req.headers.set("Access-Control-Request-Method", "POST");
  Response ok = api.call(req);
  CHECK(ok.status == 204);
  CHECK(ok.header("Access-Control-Allow-Origin") == "https://intake.shop.example");
  CHECK(std::string(ok.header("Access-Control-Allow-Headers")).find("Authorization") != std::string::npos);

  req.headers.set("Origin", "https://evil.example");
  Response refused = api.call(req);
  CHECK(refused.status == 204);
  CHECK(!refused.headers.has("Access-Control-Allow-Origin"));
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
  REQUIRE(first.status == 201);
  const auto first_id = boost::json::parse(first.body).at("id").as_int64();

  // The same key and body from the other API key: not the call centre's ticket handed back.
  Response same_body = create_as(api, kShopKey, std::string(kDeliveryJson), "shared-1");
  INFO(same_body.body);
  CHECK(!same_body.headers.has("Idempotent-Replayed"));
  CHECK(same_body.status != 422);

  // The same key with its own body: a ticket of its own, not a 422 conflict.
  REQUIRE(create_as(api, kIntakeKey, order_of("87654321", "olga@example.com"), "shared-2").status == 201);
  Response own = create_as(api, kShopKey, order_of("11223344", "petr@example.com"), "shared-2");
  INFO(own.body);
  CHECK(own.status == 201);
  CHECK(!own.headers.has("Idempotent-Replayed"));

  Response retry = create_as(api, kIntakeKey, std::string(kDeliveryJson), "shared-1");
  CHECK(retry.status == 201);
  CHECK(retry.header("Idempotent-Replayed") == "true");
  CHECK(boost::json::parse(retry.body).at("id").as_int64() == first_id);
}

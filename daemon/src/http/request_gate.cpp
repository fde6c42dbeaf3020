#include "http/request_gate.h"

#include <boost/json.hpp>

#include <atomic>
#include <memory>
#include <random>

#include "http/host_check.h"
#include "http/http_responses.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/problem.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

constexpr std::string_view kRequestIdHeader = "X-Request-Id";
constexpr const char* kAllowHeaders = "Authorization, Content-Type, Idempotency-Key, X-Request-Id";
constexpr const char* kExposeHeaders = "Location, Retry-After, X-Request-Id";

Response refusal(const AccessDecision& d) {
  using Kind = AccessDecision::Kind;
  if (d.kind == Kind::unauthenticated) {
    Response res = problem_response({401, "unauthorized", "Unauthorized", d.detail, {}, {}});
    res.headers.set("WWW-Authenticate", "Bearer realm=\"triaged\"");
    return res;
  }
  if (d.kind == Kind::rate_limited) {
    Response res = problem_response({429, "rate-limited", "Too many requests", d.detail, {}, {}});
    res.headers.set("Retry-After", std::to_string(d.retry_after.count()));
    return res;
  }
  return problem_response({403, "forbidden", "Forbidden", d.detail, {}, {}});
}

Response preflight(const AccessControl& access, const Request& req) {
  Response res;
  res.status = 204;
  res.headers.set("Allow", "GET, POST, OPTIONS");
  const std::string_view origin = req.header("Origin");
  // Without an allowed origin the answer carries no CORS headers and the browser stops there.
  if (!origin.empty() && access.preflight_allowed(origin)) {
    res.headers.set("Access-Control-Allow-Origin", std::string(origin));
    res.headers.set("Access-Control-Allow-Methods", "GET, POST");
    res.headers.set("Access-Control-Allow-Headers", kAllowHeaders);
    res.headers.set("Access-Control-Max-Age", "600");
    res.headers.set("Vary", "Origin");
  }
  return res;
}

}  // namespace

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  // Unique enough to find one request in the logs; not a secret.
  thread_local std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::uint64_t bits = random();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 15];
    bits >>= 4;
  }
  return id;
}

std::optional<Api::Respond> admit_request(AccessControl& access, Metrics* metrics, const Request& request,
                                          const std::string& route, Roles needed, Api::Respond respond, Peer peer) {
  const std::string_view incoming = request.header(kRequestIdHeader);
  std::string id = is_sane_request_id(incoming) ? std::string(incoming) : new_request_id();
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  const std::string& method = request.method;  // "other" for a method HTTP does not define
  const std::string_view origin = request.header("Origin");

  AccessDecision decision;
  if (method != "OPTIONS") {
    decision = access.check({route, needed, method, path, request.header("Authorization"), origin,
                             request.header("Host"), peer.loopback},
                            AccessControl::Clock::now());
  }
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Api::Respond once = [answered, respond = std::move(respond), metrics, route, method, id,
                       path = std::string(path), key = decision.key_name,
                       cors_origin = decision.cors ? std::string(origin) : std::string(),
                       started = std::chrono::steady_clock::now()](Response res) {
    if (answered->exchange(true)) return;
    res.headers.set(kRequestIdHeader, id);
    if (!cors_origin.empty()) {
      res.headers.set("Access-Control-Allow-Origin", cors_origin);
      res.headers.set("Access-Control-Expose-Headers", kExposeHeaders);
      res.headers.set("Vary", "Origin");
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const unsigned status = res.status;
    if (metrics != nullptr) {
      metrics->http_requests.inc({route, method, std::to_string(status)});
      metrics->http_request_duration.observe({route}, seconds);
    }
    json::object fields{{"request_id", id}, {"method", method}, {"path", path}, {"status", status},
                        {"duration_us", static_cast<std::int64_t>(seconds * 1e6)}};
    if (!key.empty()) fields["key"] = key;
    log_event(status >= 500 ? spdlog::level::warn : spdlog::level::info, "request", fields);
    respond(std::move(res));
  };
  // issue 17: another site's page may not change anything, nor post a form where JSON is due.
  const std::string type = media_type(request);
  if (auto refused = check_browser_request({method, path, type, origin, request.header("Sec-Fetch-Site"),
                                            request.header("Host"), !request.body.empty()},
                                           !origin.empty() && access.preflight_allowed(origin))) {
    once(problem_response(*refused));
    return std::nullopt;
  }
  if (method == "OPTIONS") {
    once(preflight(access, request));
    return std::nullopt;
  }
  if (decision.kind != AccessDecision::Kind::allowed) {
    once(refusal(decision));
    return std::nullopt;
  }
  return once;
}

}  // namespace triaged::daemon

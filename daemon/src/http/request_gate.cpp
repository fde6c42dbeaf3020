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

template <typename Name>
std::string_view header(const Request& req, Name name) {
  auto it = req.find(name);
  return it == req.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
}

Response refusal(const AccessDecision& d, const Request& req) {
  using Kind = AccessDecision::Kind;
  if (d.kind == Kind::unauthenticated) {
    Response res = problem_response({401, "unauthorized", "Unauthorized", d.detail, {}, {}}, req);
    res.set(http::field::www_authenticate, "Bearer realm=\"triaged\"");
    return res;
  }
  if (d.kind == Kind::rate_limited) {
    Response res = problem_response({429, "rate-limited", "Too many requests", d.detail, {}, {}}, req);
    res.set(http::field::retry_after, std::to_string(d.retry_after.count()));
    return res;
  }
  return problem_response({403, "forbidden", "Forbidden", d.detail, {}, {}}, req);
}

Response preflight(const AccessControl& access, const Request& req) {
  Response res{http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(http::field::allow, "GET, POST, OPTIONS");
  const std::string_view origin = header(req, http::field::origin);
  // Without an allowed origin the answer carries no CORS headers and the browser stops there.
  if (!origin.empty() && access.preflight_allowed(origin)) {
    res.set(http::field::access_control_allow_origin, origin);
    res.set(http::field::access_control_allow_methods, "GET, POST");
    res.set(http::field::access_control_allow_headers, kAllowHeaders);
    res.set(http::field::access_control_max_age, "600");
    res.set(http::field::vary, "Origin");
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
                                          const std::string& route, Api::Respond respond, Peer peer) {
  const std::string_view incoming = header(request, kRequestIdHeader);
  std::string id = is_sane_request_id(incoming) ? std::string(incoming) : new_request_id();
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  const std::string method =
      request.method() == http::verb::unknown ? "other" : std::string(request.method_string());
  const std::string_view origin = header(request, http::field::origin);

  AccessDecision decision;
  if (request.method() != http::verb::options) {
    decision = access.check({route, method, path, header(request, http::field::authorization), origin,
                             header(request, http::field::host), peer.loopback},
                            AccessControl::Clock::now());
  }
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Api::Respond once = [answered, respond = std::move(respond), metrics, route, method, id,
                       path = std::string(path), key = decision.key_name,
                       cors_origin = decision.cors ? std::string(origin) : std::string(),
                       started = std::chrono::steady_clock::now()](Response res) {
    if (answered->exchange(true)) return;
    res.set(kRequestIdHeader, id);
    if (!cors_origin.empty()) {
      res.set(http::field::access_control_allow_origin, cors_origin);
      res.set(http::field::access_control_expose_headers, kExposeHeaders);
      res.set(http::field::vary, "Origin");
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const unsigned status = res.result_int();
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
  if (auto refused = check_browser_request({method, path, media_type(request), origin, header(request, "Sec-Fetch-Site"),
                                            header(request, http::field::host), !request.body().empty()},
                                           !origin.empty() && access.preflight_allowed(origin))) {
    once(problem_response(*refused, request));
    return std::nullopt;
  }
  if (request.method() == http::verb::options) {
    once(preflight(access, request));
    return std::nullopt;
  }
  if (decision.kind != AccessDecision::Kind::allowed) {
    once(refusal(decision, request));
    return std::nullopt;
  }
  return once;
}

}  // namespace triaged::daemon

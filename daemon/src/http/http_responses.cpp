#include "http/http_responses.h"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <cctype>

namespace triaged::daemon {

Response json_response(http::status status, const boost::json::value& body, const Request& req) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = boost::json::serialize(body);
  res.body() += '\n';
  res.prepare_payload();
  return res;
}

Response problem_response(const Problem& p, const Request& req) {
  Response res = json_response(static_cast<http::status>(p.status), p.to_json(), req);
  res.set(http::field::content_type, "application/problem+json");
  return res;
}

Response not_allowed_response(const char* allowed, const Request& req) {
  Response res = problem_response(method_not_allowed(allowed), req);
  res.set(http::field::allow, allowed);
  return res;
}

namespace {

// How long a client should wait before retrying. A full queue drains in milliseconds; a
// restart, a full disk or a lock takes longer, and a client hammering a daemon that cannot
// write only adds load.
constexpr const char* kRetryAfterOverloaded = "1";
constexpr const char* kRetryAfterUnavailable = "5";

Response with_retry_after(Response res, const char* seconds) {
  res.set(http::field::retry_after, seconds);
  return res;
}

Response store_failed(const storage::StoreError& e, const Request& req, bool write, std::string_view not_done) {
  using Code = storage::StoreError::Code;
  if (e.code == Code::overloaded)
    return with_retry_after(problem_response(service_unavailable(e.message), req), kRetryAfterOverloaded);
  if (e.code == Code::closed)
    return with_retry_after(problem_response(service_unavailable(e.message), req), kRetryAfterUnavailable);
  if (e.code == Code::unavailable) {
    if (write) spdlog::debug("storage: {}", e.message);
    else spdlog::warn("storage: {}", e.message);
    Problem p{503, "store-unavailable", "The ticket store is unavailable",
              std::string("the ticket store cannot ") + (write ? "write" : "be read") + ": " + e.cause + "; " +
                  std::string(not_done) + "; retry later",
              {}, {}};
    p.extra["cause"] = e.cause;
    return with_retry_after(problem_response(p, req), kRetryAfterUnavailable);
  }
  spdlog::error("storage: {}", e.message);
  return problem_response(internal_error("the ticket store failed; " + std::string(not_done)), req);
}

}  // namespace

Response store_write_failed(const storage::StoreError& e, const Request& req, std::string_view not_done) {
  return store_failed(e, req, true, not_done);
}

Response store_read_failed(const storage::StoreError& e, const Request& req) {
  return store_failed(e, req, false, "nothing was changed");
}

bool is_json_media_type(const std::string& type) {
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

std::string media_type(const Request& req) {
  std::string ct(req[http::field::content_type]);
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  for (auto& c : ct) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ct;
}

}  // namespace triaged::daemon

#include "http/http_responses.h"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <cctype>

namespace triaged::daemon {

Response json_response(unsigned status, const boost::json::value& body) {
  Response res;
  res.status = status;
  res.headers.set("Content-Type", "application/json");
  res.headers.set("Cache-Control", "no-store");
  res.body = boost::json::serialize(body);
  res.body += '\n';
  return res;
}

Response problem_response(const Problem& p) {
  Response res = json_response(p.status, p.to_json());
  res.headers.set("Content-Type", "application/problem+json");
  return res;
}

Response not_allowed_response(std::string_view allowed) {
  Response res = problem_response(method_not_allowed(std::string(allowed)));
  res.headers.set("Allow", std::string(allowed));
  return res;
}

namespace {

// How long a client should wait before retrying. A full queue drains in milliseconds; a
// restart, a full disk or a lock takes longer, and a client hammering a daemon that cannot
// write only adds load.
constexpr const char* kRetryAfterOverloaded = "1";
constexpr const char* kRetryAfterUnavailable = "5";

Response with_retry_after(Response res, const char* seconds) {
  res.headers.set("Retry-After", seconds);
  return res;
}

Response store_failed(const storage::StoreError& e, bool write, std::string_view not_done) {
  using Code = storage::StoreError::Code;
  if (e.code == Code::overloaded)
    return with_retry_after(problem_response(service_unavailable(e.message)), kRetryAfterOverloaded);
  if (e.code == Code::closed)
    return with_retry_after(problem_response(service_unavailable(e.message)), kRetryAfterUnavailable);
  if (e.code == Code::unavailable) {
    if (write) spdlog::debug("storage: {}", e.message);
    else spdlog::warn("storage: {}", e.message);
    Problem p{503, "store-unavailable", "The ticket store is unavailable",
              std::string("the ticket store cannot ") + (write ? "write" : "be read") + ": " + e.cause + "; " +
                  std::string(not_done) + "; retry later",
              {}, {}};
    p.extra["cause"] = e.cause;
    return with_retry_after(problem_response(p), kRetryAfterUnavailable);
  }
  spdlog::error("storage: {}", e.message);
  return problem_response(internal_error("the ticket store failed; " + std::string(not_done)));
}

}  // namespace

Response store_write_failed(const storage::StoreError& e, std::string_view not_done) {
  return store_failed(e, true, not_done);
}

Response store_read_failed(const storage::StoreError& e) {
  return store_failed(e, false, "nothing was changed");
}

bool is_json_media_type(const std::string& type) {
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

std::string media_type(const Request& req) {
  std::string ct(req.header("Content-Type"));
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  for (auto& c : ct) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ct;
}

}  // namespace triaged::daemon

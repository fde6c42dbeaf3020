#include "http_responses.h"

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

Problem store_failure(const storage::StoreError& e) {
  spdlog::error("storage: {}", e.message);
  return internal_error("the ticket store failed; nothing was changed");
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

#include "http/host_check.h"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>

#include "http/access.h"

namespace triaged::daemon {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_ip_literal(const std::string& name) {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(name, ec);
  return !ec;
}

bool is_wildcard(const std::string& name) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(name, ec);
  return !ec && address.is_unspecified();
}

}  // namespace

std::string host_name(std::string_view host) {
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    return lower(host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  const auto colon = host.find(':');
  return lower(host.substr(0, colon));
}

HostPolicy host_policy(std::string_view listen, const std::vector<std::string>& configured_hosts) {
  HostPolicy policy;
  policy.names = {"localhost", "127.0.0.1", "::1"};
  const std::string listening = host_name(listen);
  if (is_wildcard(listening)) policy.any_ip_literal = true;
  else if (!listening.empty()) policy.names.push_back(listening);
  for (const std::string& h : configured_hosts) policy.names.push_back(lower(h));
  return policy;
}

std::optional<Problem> check_host(const HostPolicy& policy, std::string_view host_header) {
  if (host_header.empty()) return std::nullopt;
  const std::string name = host_name(host_header);
  if (std::ranges::any_of(policy.names, [&](const std::string& n) { return n == "*" || n == name; }))
    return std::nullopt;
  if (policy.any_ip_literal && is_ip_literal(name)) return std::nullopt;
  return Problem{421, "misdirected-request", "Misdirected request",
                 "this daemon does not answer to the host \"" + name + "\" (add it to `hosts` in the config)",
                 {{"Host", "invalid", "not a host name this daemon is configured for"}}, {}};
}

std::optional<Problem> check_browser_request(const BrowserRequest& r, bool origin_allowed) {
  if (r.method == "GET" || r.method == "HEAD" || r.method == "OPTIONS") return std::nullopt;
  const bool cross_origin = !r.origin.empty() && !same_origin(r.origin, r.host);
  const bool cross_site = r.sec_fetch_site == "cross-site" || r.sec_fetch_site == "same-site";
  if ((cross_origin || cross_site) && !(origin_allowed && !r.origin.empty())) {
    const std::string from = r.origin.empty() ? "another site" : "origin " + std::string(r.origin);
    return Problem{403, "forbidden", "Forbidden",
                   "a " + std::string(r.method) + " from " + from +
                       " is refused: only origins in an API key's allowed_origins may change anything",
                   {{r.origin.empty() ? "Sec-Fetch-Site" : "Origin", "invalid", "not an allowed origin"}}, {}};
  }
  const bool api = r.path == "/api" || r.path.starts_with("/api/");
  const bool form_encoding = r.media_type == "text/plain" || r.media_type == "multipart/form-data" ||
                             r.media_type == "application/x-www-form-urlencoded";
  const bool takes_forms =
      r.method == "POST" && r.path == "/api/v1/tickets" && r.media_type == "application/x-www-form-urlencoded";
  if (api && r.has_body && form_encoding && !takes_forms)
    return unsupported_media_type(std::string(r.media_type),
                                  "the endpoint's documented type (application/json for most; HTML form encodings "
                                  "are taken only by POST /api/v1/tickets)");
  return std::nullopt;
}

}  // namespace triaged::daemon

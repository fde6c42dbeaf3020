// Which requests a browser page of another site, or a DNS name pointed at this machine, may not
// make (issue 17): the Host a request names must be one the daemon answers to, and a
// state-changing request from another origin must come from an origin the CORS list allows,
// in an encoding no HTML form can send. Plain values in, a Problem or nothing out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/problem.h"

namespace triaged::daemon {

// The host names (without port) the daemon answers to: localhost, 127.0.0.1, ::1, the listen
// address, and the config's `hosts`. Listening on a wildcard address (0.0.0.0, ::) it also
// answers to any IP literal: a DNS-rebinding page needs a name, and the machine's own
// addresses are not known in advance. "*" in `hosts` answers to any name.
struct HostPolicy {
  std::vector<std::string> names;  // lower case; "*": any
  bool any_ip_literal = false;
};

// `listen` as in the config ("127.0.0.1:8080", "[::]:8080", "localhost:0").
HostPolicy host_policy(std::string_view listen, const std::vector<std::string>& configured_hosts);

// "example.org:8080" -> "example.org", "[::1]:80" -> "::1"; lower case.
std::string host_name(std::string_view host_header);

// A Host header the daemon does not answer to: 421 naming the Host. An empty header passes
// (HTTP/1.0; check_request_headers decides about a missing one).
std::optional<Problem> check_host(const HostPolicy& policy, std::string_view host_header);

// What the guard needs to know about one request.
struct BrowserRequest {
  std::string_view method;          // "POST"
  std::string_view path;            // "/api/v1/tickets"
  std::string_view media_type;      // lower case, without parameters; "" if none
  std::string_view origin;          // the Origin header, "" if none
  std::string_view sec_fetch_site;  // the Sec-Fetch-Site header, "" if none
  std::string_view host;            // the Host header
  bool has_body = false;            // a POST without one (curl -d '' sends urlencoded) changes no encoding
};

// A state-changing request (not GET, HEAD or OPTIONS) that a browser marks as coming from
// another site (Origin not this Host, or Sec-Fetch-Site cross-site or same-site) is 403 unless
// `origin_allowed` (the CORS list names its Origin). An API request in an encoding an HTML form
// can send (text/plain, multipart/form-data, application/x-www-form-urlencoded) with a body is
// 415, but for the one endpoint documented to take form posts: POST /api/v1/tickets, urlencoded.
std::optional<Problem> check_browser_request(const BrowserRequest& request, bool origin_allowed);

}  // namespace triaged::daemon

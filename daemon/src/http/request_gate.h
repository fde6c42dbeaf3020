// What happens to every API request around its endpoint: a request id (the client's
// X-Request-Id when it is sane, a new one otherwise) that the answer carries and the logs
// name; the access check (key, role, origin, rate limit) answered 401/403/429 before any work;
// CORS preflights and headers; and, once the answer is ready, the HTTP metrics and one log line.
#pragma once

#include <optional>
#include <string>

#include "http/access.h"
#include "http/api.h"

namespace triaged::daemon {

struct Metrics;

// 1 to 64 characters of [A-Za-z0-9._:-]: what a proxy or client may pass through to us.
bool is_sane_request_id(std::string_view id);
std::string new_request_id();  // 16 hex digits

// Answers the request itself (a CORS preflight, or a refusal) and returns nullopt, or
// returns the Respond the endpoint must call: it adds X-Request-Id and CORS headers, counts
// and logs the answer, and calls `respond` at most once. `route` is the metrics route label
// and `needed` the roles the route table asks for (routes.h: RouteMatch).
std::optional<Api::Respond> admit_request(AccessControl& access, Metrics* metrics, const Request& request,
                                          const std::string& route, Roles needed, Api::Respond respond, Peer peer);

}  // namespace triaged::daemon

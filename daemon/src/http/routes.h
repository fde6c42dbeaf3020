// The API's one route table: each endpoint is one row (method, path template, roles, endpoint),
// and dispatch, the 405 answer's Allow, the metrics route label and the roles the request gate
// asks for are all read from it. match_route() is pure: a table, a method and a path in, a match out.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "http/access.h"
#include "http/api.h"

namespace triaged::daemon {

// One request as an endpoint sees it. Lives for the endpoint call only; an endpoint that
// answers later copies what it needs (respond is a copyable std::function).
struct Call {
  const ApiContext& ctx;
  const Request& req;
  const std::string& path;                          // the target without its query
  const std::map<std::string, std::string>& query;  // decoded
  const std::string& param;                         // the segment the template's "{...}" matched
  const Api::Respond& respond;                      // call exactly once
};

using Endpoint = void (*)(const Call&);

// How big a request's body may be, read by the server before the body arrives:
// ServerOptions::max_body for most rows, max_email_body for a raw mail.
enum class BodySize { standard, mail };

struct Route {
  std::string_view method;  // "GET"
  // "/api/v1/tickets/{id}": a "{...}" segment matches one non-empty segment, the rest exactly.
  std::string_view path;
  Roles roles = 0;  // who may call it (access.h); 0: anyone, with or without a key
  Endpoint endpoint = nullptr;
  // Whether the template is the metrics route label; false: the row counts under "other".
  bool labelled = true;
  BodySize body = BodySize::standard;
};

// Every endpoint of the API (routes.cpp).
std::span<const Route> api_routes();

struct RouteMatch {
  const Route* route = nullptr;  // the row for this method and path; null: 405 or 404
  std::string param;             // what the row's "{...}" matched
  // The metrics route label: the path's template, "other" for a path no row has, so a
  // scanner cannot mint new series.
  std::string label = "other";
  // What the request gate asks for. A method the path does not take needs what the path's
  // row of the same kind (GET and HEAD, or the others) needs, so the 405 tells no stranger
  // more than the 200 would; a path no row has, see roles_off_table().
  Roles roles = 0;
  std::string allow;  // the methods the path takes, for a 405 ("GET, POST"); "": no row has it
};

RouteMatch match_route(std::span<const Route> routes, std::string_view method, std::string_view path);

// The body size a request may send: its row's; standard for a method or path no row has.
// `target` may carry a query. Allocates nothing: the server asks once per request.
BodySize body_size(std::span<const Route> routes, std::string_view method, std::string_view target);

// The roles a path no row has needs: an admin key under /api/v1/admin and /api/v1/quarantine,
// any valid key elsewhere under /api/ (a scanner without one learns nothing from 404s), none
// outside /api/.
Roles roles_off_table(std::string_view path);

}  // namespace triaged::daemon

// The route table (http/routes.h) without the Api: which row a method and a path find, the
// label metrics count them under, the roles the gate asks for and the 405's Allow.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <utility>

#include "http/routes.h"

using namespace triaged::daemon;

namespace {

RouteMatch find(std::string_view method, std::string_view path) { return match_route(api_routes(), method, path); }

}  // namespace

TEST_CASE("every endpoint is one row of the route table") {
  std::set<std::pair<std::string, std::string>> seen;
  for (const Route& r : api_routes()) {
    INFO(r.method << " " << r.path);
    CHECK(r.endpoint != nullptr);
    CHECK(seen.emplace(std::string(r.method), std::string(r.path)).second);
  }
  CHECK(seen.size() == 43);
}

TEST_CASE("a template segment matches one non-empty segment and names it") {
  const RouteMatch ticket = find("GET", "/api/v1/tickets/K7M-3QX");
  REQUIRE(ticket.route != nullptr);
  CHECK(ticket.route->path == "/api/v1/tickets/{id}");
  CHECK(ticket.param == "K7M-3QX");
  CHECK(find("POST", "/api/v1/tickets/12/claim").param == "12");
  CHECK(find("GET", "/api/v1/tickets/").route == nullptr);
  CHECK(find("GET", "/api/v1/tickets//claim").route == nullptr);
  CHECK(find("GET", "/api/v1/tickets/1/events").route == nullptr);
  CHECK(find("GET", "/healthz/").route == nullptr);
}

TEST_CASE("the metrics label is the template and other for paths no row has") {
  CHECK(find("GET", "/api/v1/tickets/12").label == "/api/v1/tickets/{id}");
  CHECK(find("DELETE", "/api/v1/quarantine/7/raw").label == "/api/v1/quarantine/{id}/raw");
  CHECK(find("GET", "/api/v1/tickets/12/events").label == "other");
  CHECK(find("GET", "/wp-login.php").label == "other");
  // The pages share one series, as they did before they had rows.
  CHECK(find("GET", "/").label == "other");
  CHECK(find("HEAD", "/web/intake.js").label == "other");
}

TEST_CASE("a method the path does not take finds no row and lists the methods it does take") {
  const RouteMatch tickets = find("DELETE", "/api/v1/tickets");
  CHECK(tickets.route == nullptr);
  CHECK(tickets.allow == "GET, POST");
  CHECK(find("POST", "/").allow == "GET, HEAD");
  CHECK(find("GET", "/api/v1/tickets/1/reroute").allow == "POST");
  CHECK(find("GET", "/nowhere").allow.empty());
}

TEST_CASE("pages and probes are open and unknown api paths need some key") {
  CHECK(find("GET", "/").roles == 0);
  CHECK(find("GET", "/queues").roles == 0);
  CHECK(find("GET", "/healthz").roles == 0);
  CHECK(find("GET", "/metrics").roles == 0);
  // The customer's page and its API: a signed token or a reference and contact, never a key.
  CHECK(find("GET", "/status").roles == 0);
  CHECK(find("GET", "/api/v1/status").roles == 0);
  CHECK(find("POST", "/api/v1/status/lookup").roles == 0);
  CHECK(find("GET", "/api/v2/tickets").roles == (kIntake | kAgent | kAdmin));
  CHECK(find("GET", "/api/v1/admin/anything").roles == kAdmin);
  CHECK(find("GET", "/api/v1/quarantine/1/anything").roles == kAdmin);
}

TEST_CASE("a method the path does not take needs the roles of its row of the same kind") {
  CHECK(find("GET", "/api/v1/tickets").roles == kAgent);
  CHECK(find("HEAD", "/api/v1/tickets").roles == kAgent);
  CHECK(find("POST", "/api/v1/tickets").roles == kIntake);
  CHECK(find("PUT", "/api/v1/tickets").roles == kIntake);
  CHECK(find("GET", "/api/v1/admin/rules/reload").roles == kAdmin);
}

TEST_CASE("only the mail ingest row takes a mail-sized body") {
  for (const Route& r : api_routes()) {
    INFO(r.method << " " << r.path);
    CHECK((r.body == BodySize::mail) == (r.method == "POST" && r.path == "/api/v1/ingest/email"));
  }
  CHECK(body_size(api_routes(), "POST", "/api/v1/ingest/email?mailbox=support") == BodySize::mail);
  CHECK(body_size(api_routes(), "POST", "/api/v1/ingest/email") == BodySize::mail);
  CHECK(body_size(api_routes(), "GET", "/api/v1/ingest/email") == BodySize::standard);
  CHECK(body_size(api_routes(), "POST", "/api/v1/ingest/email/more") == BodySize::standard);
  CHECK(body_size(api_routes(), "POST", "/api/v1/tickets") == BodySize::standard);
}

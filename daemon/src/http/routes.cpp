#include "http/routes.h"

#include <array>

#include "http/admin_api.h"
#include "http/api_endpoints.h"
#include "http/mail_api.h"
#include "http/staff_thread_api.h"
#include "http/rating_api.h"
#include "http/status_api.h"
#include "http/ticket_actions.h"
#include "http/web_assets.h"

namespace triaged::daemon {
namespace {

// Operators (intake) create, classify and read the schema for their form, and look a caller
// up to fill it; agents work the queues and tickets (and may classify and read the schema to
// reroute); admins run the rules and the quarantine. An admin key may call everything.
constexpr Roles kOperators = kIntake | kAgent;

// Where a path's label and roles come from, in one place: a row per endpoint. The order of
// rows with the same path is the order of the 405's Allow.
constexpr std::array kRoutes = {
    // Probes and the metrics scrape: open, for load balancers and Prometheus.
    Route{"GET", "/healthz", 0, get_health},
    Route{"GET", "/readyz", 0, get_ready},
    Route{"GET", "/metrics", 0, get_metrics},
    // Tickets.
    Route{"GET", "/api/v1/tickets", kAgent, list_tickets},
    Route{"POST", "/api/v1/tickets", kIntake, post_ticket},
    Route{"GET", "/api/v1/tickets/{id}", kAgent, get_ticket},
    Route{"POST", "/api/v1/tickets/{id}/reroute", kAgent, post_reroute},
    Route{"POST", "/api/v1/tickets/{id}/claim", kAgent, post_claim},
    Route{"POST", "/api/v1/tickets/{id}/status", kAgent, post_status},
    Route{"POST", "/api/v1/tickets/{id}/link", kAgent, post_link},
    // Staff's side of the conversation: a reply mails the requester, a note stays with staff.
    Route{"POST", "/api/v1/tickets/{id}/replies", kAgent, post_reply},
    Route{"POST", "/api/v1/tickets/{id}/notes", kAgent, post_note},
    Route{"POST", "/api/v1/classify", kOperators, post_classify},
    // "This answer was enough": whoever may classify (and so show the answers) may record it.
    Route{"POST", "/api/v1/deflections", kOperators, post_deflection},
    Route{"GET", "/api/v1/schema", kOperators, get_schema},
    Route{"GET", "/api/v1/queues", kAgent, get_queues},
    Route{"GET", "/api/v1/stats", kAgent, get_stats},
    Route{"GET", "/api/v1/requesters", kOperators, get_requester},
    // Rule administration.
    Route{"GET", "/api/v1/admin/rules", kAdmin, get_rules_status},
    Route{"POST", "/api/v1/admin/rules/reload", kAdmin, post_rules_reload},
    Route{"POST", "/api/v1/admin/rules/validate", kAdmin, post_rules_validate},
    Route{"POST", "/api/v1/admin/rules/simulate", kAdmin, post_rules_simulate},
    // Mail: ingest, stored messages and attachments, the quarantine.
    Route{"POST", "/api/v1/ingest/email", kIntake, post_email, true, BodySize::mail},
    Route{"GET", "/api/v1/messages/{id}/raw", kAgent, get_raw_message},
    Route{"GET", "/api/v1/attachments/{id}", kAgent, get_attachment},
    Route{"GET", "/api/v1/quarantine", kAdmin, list_quarantine},
    Route{"GET", "/api/v1/quarantine/{id}", kAdmin, get_quarantined},
    Route{"GET", "/api/v1/quarantine/{id}/raw", kAdmin, get_quarantined_raw},
    Route{"POST", "/api/v1/quarantine/{id}/reprocess", kAdmin, post_reprocess},
    // The customer's status page API: no key; a signed status token, or a reference and the
    // contact on the ticket (docs/customer.md).
    Route{"GET", "/api/v1/status", 0, get_status},
    Route{"POST", "/api/v1/status/lookup", 0, post_status_lookup},
    Route{"POST", "/api/v1/status/messages", 0, post_status_message},
    Route{"POST", "/api/v1/status/fields", 0, post_status_fields},
    Route{"GET", "/api/v1/status/rating", 0, get_status_rating},
    Route{"POST", "/api/v1/status/rating", 0, post_status_rating},
    // The web pages: open (their API calls carry the key), and one "other" series between them.
    Route{"GET", "/", 0, get_web_asset, false},
    Route{"HEAD", "/", 0, get_web_asset, false},
    Route{"GET", "/queues", 0, get_web_asset, false},
    Route{"HEAD", "/queues", 0, get_web_asset, false},
    Route{"GET", "/status", 0, get_web_asset, false},
    Route{"HEAD", "/status", 0, get_web_asset, false},
    Route{"GET", "/web/{name}", 0, get_web_asset, false},
    Route{"HEAD", "/web/{name}", 0, get_web_asset, false},
};

// Whether `path` fits `pattern`; `param` gets what a "{...}" segment matched.
bool fits(std::string_view pattern, std::string_view path, std::string& param) {
  for (;;) {
    if (pattern.empty() || path.empty()) return pattern.empty() && path.empty();
    const auto pattern_end = pattern.find('/', 1), path_end = path.find('/', 1);
    const std::string_view want = pattern.substr(0, pattern_end), got = path.substr(0, path_end);
    if (want.starts_with("/{") && want.ends_with("}")) {
      if (got.size() < 2) return false;  // "/": an empty segment
      param = got.substr(1);
    } else if (want != got) {
      return false;
    }
    pattern = pattern_end == std::string_view::npos ? std::string_view() : pattern.substr(pattern_end);
    path = path_end == std::string_view::npos ? std::string_view() : path.substr(path_end);
  }
}

bool safe(std::string_view method) { return method == "GET" || method == "HEAD"; }

}  // namespace

std::span<const Route> api_routes() { return kRoutes; }

RouteMatch match_route(std::span<const Route> routes, std::string_view method, std::string_view path) {
  RouteMatch m;
  const Route* same_kind = nullptr;
  const Route* first = nullptr;
  std::string param;
  for (const Route& r : routes) {
    if (!fits(r.path, path, param)) continue;
    if (first == nullptr) {
      first = &r;
      m.label = r.labelled ? std::string(r.path) : "other";
      m.param = param;
    }
    m.allow += (m.allow.empty() ? "" : ", ") + std::string(r.method);
    if (r.method == method) m.route = &r;
    if (same_kind == nullptr && safe(r.method) == safe(method)) same_kind = &r;
  }
  if (first == nullptr) {
    m.roles = roles_off_table(path);
    return m;
  }
  m.roles = (m.route ? m.route : same_kind ? same_kind : first)->roles;
  return m;
}

BodySize body_size(std::span<const Route> routes, std::string_view method, std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  std::string param;
  for (const Route& r : routes)
    if (r.method == method && fits(r.path, path, param)) return r.body;
  return BodySize::standard;
}

Roles roles_off_table(std::string_view path) {
  if (path == "/api/v1/admin" || path.starts_with("/api/v1/admin/") || path.starts_with("/api/v1/quarantine"))
    return kAdmin;
  if (path == "/api" || path.starts_with("/api/")) return kIntake | kAgent | kAdmin;
  return 0;
}

}  // namespace triaged::daemon

// The HTTP API as a socket-free function: a parsed request plus the live rule set and the
// store in, a response out. HTTP sessions do I/O only; tests call Api directly. Request and
// Response are plain structs (message.h): the server alone speaks Boost.Beast.
// Thread-safe: handle() may run on many threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "routing/routing.h"
#include "http/message.h"
#include "http/rules_admin.h"
#include "storage/ticket_store.h"

namespace triaged::daemon {

class AccessControl;
class CustomerPortal;
class EmailIngest;
struct Metrics;

struct ApiContext {
  // The live rule set; each request takes one snapshot and uses it to the end.
  std::function<std::shared_ptr<const routing::RuleSet>()> rules;
  storage::TicketStore* store = nullptr;  // not owned; outlives the Api
  std::function<std::chrono::system_clock::time_point()> clock = [] { return std::chrono::system_clock::now(); };
  const EmailIngest* email = nullptr;     // not owned; null: the email endpoints answer 503
  std::function<void()> mail_queued;      // called after a write queued outgoing mail
  RulesAdmin rules_admin;                 // empty: the admin endpoints answer 503
  // Runs slow work (parsing mail) elsewhere than the calling HTTP thread; empty: inline.
  std::function<void(std::function<void()>)> offload;
  // Runs short work on an HTTP thread, for storage callbacks that would otherwise hold up the
  // writer thread (building a response); empty: inline on the calling thread.
  std::function<void(std::function<void()>)> defer;
  Metrics* metrics = nullptr;             // not owned; null: nothing recorded, /metrics answers 404
  // The database file, for reports that read on a connection of their own (GET /api/v1/stats);
  // "" or ":memory:": they answer 503.
  std::string db_path;
  // Keys, roles, rate limits and allowed origins; null: no keys, the API is open (admin
  // endpoints: loopback clients only).
  std::shared_ptr<AccessControl> access;
  // The customer's status page and acknowledgements (http/customer_portal.h); null: one with a
  // secret made for this Api alone (its links die with it).
  std::shared_ptr<CustomerPortal> customer;
};

// Who sent a request, as far as the API needs to know.
struct Peer {
  bool loopback = true;  // 127.0.0.0/8 or ::1 (in-process callers count as local)
};

class Api {
 public:
  explicit Api(ApiContext context);

  using Respond = std::function<void(Response)>;
  // Calls `respond` exactly once: at once for most requests, or from the storage writer
  // thread once a created ticket is durable. Checks the caller's key and role first (see
  // request_gate.h), then finds the endpoint in the route table (routes.h). Never throws.
  void handle(const Request& request, Respond respond, Peer peer = {}) const;

 private:
  ApiContext context_;
};

// A complete response for an error the session itself detects (oversize body, bad headers);
// the connection closes after it.
Response error_response(unsigned status, const std::string& detail, std::size_t limit = 0);

}  // namespace triaged::daemon

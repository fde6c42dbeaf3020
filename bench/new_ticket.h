// The row the API stores for a ticket: routed by a rule set, the decision (with its trace)
// serialised as the API serialises it, the request fingerprint as the API computes it. Shared
// by storage_bench (the writer's rows) and make_sqlite_db (a big database to migrate), so
// both store what the daemon would.
#pragma once

#include <boost/json.hpp>

#include <chrono>

#include "common/digest.h"
#include "common/json_output.h"
#include "routing/routing.h"
#include "storage/ticket_store.h"

namespace triaged::bench {

inline storage::NewTicket new_ticket(const auto& rules, routing::Ticket t, std::chrono::system_clock::time_point now) {
  const routing::Decision d = routing::route(rules, t, now);
  storage::NewTicket nt;
  nt.topic = d.topic;
  nt.department = d.department;
  nt.priority = d.priority;
  if (d.has_due()) nt.due_at = d.due_at;
  nt.received_at = now;
  nt.rules_version = rules.version();
  nt.decision_json = boost::json::serialize(daemon::decision_to_json(d, daemon::TraceDetail::held));
  nt.request_hash = daemon::sha256_hex("application/json\n" + t.subject + t.body);
  nt.ticket = std::move(t);
  return nt;
}

}  // namespace triaged::bench

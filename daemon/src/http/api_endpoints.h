// The endpoints api.cpp serves: the probes, /metrics, tickets (create, list, read), classify,
// the schema, the queues, the stats and the requester lookup. Each is one row of the route
// table (routes.cpp), which has already checked the method and the caller's roles.
#pragma once

#include "http/routes.h"

namespace triaged::daemon {

void get_health(const Call& call);     // GET /healthz
void get_ready(const Call& call);      // GET /readyz: 503 until rules and store are there
void get_metrics(const Call& call);    // GET /metrics (text format 0.0.4); 404 without Metrics
void list_tickets(const Call& call);   // GET /api/v1/tickets?department=&status=&topic=&limit=&cursor=
void post_ticket(const Call& call);    // POST /api/v1/tickets (JSON or form), Idempotency-Key
void get_ticket(const Call& call);     // GET /api/v1/tickets/{id or ref}
void post_classify(const Call& call);  // POST /api/v1/classify: the decision, nothing stored
void get_schema(const Call& call);     // GET /api/v1/schema
void get_queues(const Call& call);     // GET /api/v1/queues
void get_stats(const Call& call);      // GET /api/v1/stats?since=&until=&days=
void get_requester(const Call& call);  // GET /api/v1/requesters?phone=&email=

}  // namespace triaged::daemon

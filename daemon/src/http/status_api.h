// The customer's endpoints (docs/customer.md): no API key, one ticket at a time, reached by a
// signed status token or by reference plus the e-mail or phone on the ticket. They answer only
// what the customer may see: status, topic and department titles, the expected time and the
// customer-visible thread (storage's CustomerView), never events, assignees, fields, traces
// or notes. Rows of the route table (routes.cpp).
#pragma once

#include "http/routes.h"

namespace triaged::daemon {

void get_status(const Call& call);           // GET /api/v1/status?token=
void post_status_lookup(const Call& call);   // POST /api/v1/status/lookup {ref, contact}: 429 past the limits
void post_status_message(const Call& call);  // POST /api/v1/status/messages {token, text}
void post_status_fields(const Call& call);   // POST /api/v1/status/fields {token, fields}: releases needs_info

}  // namespace triaged::daemon

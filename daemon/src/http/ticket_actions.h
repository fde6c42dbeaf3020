// Staff actions on one ticket: POST /api/v1/tickets/{id}/reroute, /claim, /status and /link,
// rows of the route table (routes.cpp), which answers other methods with 405. Every action:
// JSON only (415), 400 malformed body, 422 per-member errors, 404 unknown ticket, 200 with
// the ticket and its events plus a flag saying whether anything changed (when not, nothing
// was recorded).
//   reroute {topic?, department?, reason, actor?}    -> "rerouted"
//   claim   {assignee, take_over?}                   -> "claimed"; 409 when someone else holds
//                                                       the ticket and take_over is not true
//   status  {status, reason?, actor?}                -> "changed"
//   link    {ticket, kind?, unlink?, reason?, actor?} -> "linked" or "unlinked"
#pragma once

#include "http/routes.h"

namespace triaged::daemon {

void post_reroute(const Call& call);
void post_claim(const Call& call);
void post_status(const Call& call);
void post_link(const Call& call);

}  // namespace triaged::daemon

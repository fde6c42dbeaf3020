// Staff actions on one ticket: POST /api/v1/tickets/{id}/reroute, /claim and /status.
#pragma once

#include <string>

#include "http/api.h"

namespace triaged::daemon {

// Answers `req` if `path` is /api/v1/tickets/{id or ref}/{action} with a known action and
// returns true; false otherwise (the caller answers 404). Every action: POST only (405),
// JSON only (415), 400 malformed body, 422 per-member errors, 404 unknown ticket, 200 with
// the ticket and its events plus a flag saying whether anything changed (when not, nothing
// was recorded).
//   reroute {topic?, department?, reason, actor?}  -> "rerouted"
//   claim   {assignee, take_over?}                 -> "claimed"; 409 when someone else holds
//                                                     the ticket and take_over is not true
//   status  {status, reason?, actor?}              -> "changed"
bool handle_ticket_action(const ApiContext& ctx, const Request& req, const std::string& path,
                          const Api::Respond& respond);

}  // namespace triaged::daemon

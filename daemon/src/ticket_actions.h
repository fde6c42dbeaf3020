// Staff actions on one ticket: POST /api/v1/tickets/{id}/reroute (and later claim, status).
#pragma once

#include <string>

#include "api.h"

namespace triaged::daemon {

// Answers `req` if `path` is /api/v1/tickets/{id or ref}/{action} with a known action and
// returns true; false otherwise (the caller answers 404). reroute: POST only (405), JSON only
// (415); 400 malformed body, 422 per-member errors, 404 unknown ticket, 200 with the ticket,
// its events and "rerouted" (false when it already was there; nothing recorded).
bool handle_ticket_action(const ApiContext& ctx, const Request& req, const std::string& path,
                          const Api::Respond& respond);

}  // namespace triaged::daemon

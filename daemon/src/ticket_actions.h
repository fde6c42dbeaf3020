// Staff actions on one ticket: POST /api/v1/tickets/{id}/reroute (and later claim, status).
#pragma once

#include <string>

#include "api.h"

namespace triaged::daemon {

// Answers `req` if `path` is a ticket action and returns true; false otherwise.
bool handle_ticket_action(const ApiContext& ctx, const Request& req, const std::string& path,
                          const Api::Respond& respond);

}  // namespace triaged::daemon

// The admin endpoints for rule sets: GET /api/v1/admin/rules, POST .../reload, .../validate,
// .../simulate (a candidate's replay report over the newest stored tickets).
// Who may call them is the request gate's business (request_gate.h): an admin key, or
// without keys a loopback client.
#pragma once

#include <map>
#include <string>

#include "http/api.h"

namespace triaged::daemon {

// Answers `req` if `path` is an admin endpoint and returns true; false otherwise.
bool handle_admin_request(const ApiContext& ctx, const Request& req, const std::string& path,
                          const std::map<std::string, std::string>& query,
                          const Api::Respond& respond);

}  // namespace triaged::daemon

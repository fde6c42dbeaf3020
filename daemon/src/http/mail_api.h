// The email endpoints: POST /api/v1/ingest/email, the raw bytes of stored messages and
// their attachments, and the quarantine (list, show, raw bytes, reprocess).
#pragma once

#include <map>
#include <string>

#include "http/api.h"

namespace triaged::daemon {

// Answers `req` if `path` is one of the email endpoints and returns true; false otherwise
// (nothing answered).
bool handle_mail_request(const ApiContext& ctx, const Request& req, const std::string& path,
                         const std::map<std::string, std::string>& query, const Api::Respond& respond);

}  // namespace triaged::daemon

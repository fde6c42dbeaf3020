// The one check every customer endpoint that takes a status token makes (docs/customer.md):
// the signature and expiry, then that the ticket exists and still has the signed reference.
// Shared by the status page's endpoints (status_api.cpp) and the rating (rating_api.cpp), so
// a forged, expired or other ticket's token is refused by the same code with the same answer.
#pragma once

#include <expected>
#include <string>

#include "http/api.h"
#include "http/message.h"
#include "storage/tickets.h"

namespace triaged::daemon {

// The ticket `token` names, or the answer to give instead: 400 for an empty token, 403
// "invalid-token" (errors[0].code "invalid" or "expired") for a refused one, 503/500 when the
// store cannot be read.
std::expected<storage::StoredTicket, Response> ticket_by_token(const ApiContext& ctx, const std::string& token);

}  // namespace triaged::daemon

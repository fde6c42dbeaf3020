// Response builders every endpoint file shares, so a JSON answer and a problem answer look
// the same wherever they come from.
#pragma once

#include <boost/json/value.hpp>

#include <string>

#include "api.h"
#include "problem.h"
#include "storage/ticket_store.h"

namespace triaged::daemon {

Response json_response(http::status status, const boost::json::value& body, const Request& req);
Response problem_response(const Problem& p, const Request& req);
// 405 with the Allow header naming the method the resource does take.
Response not_allowed_response(const char* allowed, const Request& req);
// The 500 for a store that failed: logged with its reason, which the client never sees.
Problem store_failure(const storage::StoreError& e);
// The request's media type, lower case, without parameters: "application/json".
std::string media_type(const Request& req);
// application/json or any application/*+json.
bool is_json_media_type(const std::string& type);

}  // namespace triaged::daemon

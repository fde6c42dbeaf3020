// Response builders every endpoint file shares, so a JSON answer and a problem answer look
// the same wherever they come from.
#pragma once

#include <boost/json/value.hpp>

#include <string>

#include "api.h"
#include "problem.h"

namespace triaged::daemon {

Response json_response(http::status status, const boost::json::value& body, const Request& req);
Response problem_response(const Problem& p, const Request& req);
// The request's media type, lower case, without parameters: "application/json".
std::string media_type(const Request& req);

}  // namespace triaged::daemon

// Response builders every endpoint file shares, so a JSON answer and a problem answer look
// the same wherever they come from.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "http/message.h"
#include "common/problem.h"
#include "storage/result.h"

namespace triaged::daemon {

Response json_response(unsigned status, const boost::json::value& body);
Response problem_response(const Problem& p);
// 405 with the Allow header naming the methods the resource does take ("GET, POST").
Response not_allowed_response(std::string_view allowed);
// The answer for a store write that failed; `not_done` says what the client must not count
// on ("the ticket was not stored"). Code::unavailable (disk full, read-only, I/O error,
// locked): 503 "store-unavailable" with Retry-After, naming the cause class in `detail` and
// in `cause` but never a path; the store itself logs such failures once per change.
// overloaded and closed: 503 with Retry-After. Anything else: 500, logged here with its
// reason, which the client never sees.
Response store_write_failed(const storage::StoreError& e, std::string_view not_done);
// The same for a read: unavailable is a 503 too, and logged here as a warning, since no
// write state change reports it.
Response store_read_failed(const storage::StoreError& e);
// The request's media type, lower case, without parameters: "application/json".
std::string media_type(const Request& req);
// application/json or any application/*+json.
bool is_json_media_type(const std::string& type);

}  // namespace triaged::daemon

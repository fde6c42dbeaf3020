// Channel adapters for HTTP: a JSON object or an HTML form post becomes a routing::Ticket,
// or a Problem that names every field that is wrong. All decoding ends here.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "common/problem.h"
#include "routing/routing.h"

namespace triaged::daemon {

// {"subject", "body", "requester": {"name", "email", "phone"}, "fields": {id: string|number},
//  "topic", "channel"}. Unknown keys and wrong types are 422s; malformed JSON is a 400 with
// the byte offset. `channel` defaults to "api".
std::expected<routing::Ticket, Problem> ticket_from_json(std::string_view body);

// application/x-www-form-urlencoded: subject, body, topic, channel, name, email, phone
// (also requester.name etc.), fields[ID] or field.ID; any other key is taken as a field id.
// `channel` defaults to "web".
std::expected<routing::Ticket, Problem> ticket_from_form(std::string_view body);

// Percent-decodes one form component ('+' is a space). False on a broken escape.
bool form_decode(std::string_view in, std::string& out);

}  // namespace triaged::daemon

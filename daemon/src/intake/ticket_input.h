// Channel adapters for HTTP: a JSON object or an HTML form post becomes a routing::Ticket,
// or a Problem that names every field that is wrong. All decoding ends here.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "common/problem.h"
#include "routing/routing.h"

namespace triaged::daemon {

// What a create should do with a ticket its topic's template finds incomplete: "reject" it
// with a 422 naming the fields (the default: the caller can still ask the person in front of
// it), or "hold" it as a needs_info ticket whose requester is asked by mail (docs/api.md).
enum class OnMissing { reject, hold };

// {"subject", "body", "requester": {"name", "email", "phone"}, "fields": {id: string|number},
//  "topic", "channel", "on_missing": "reject"|"hold"}. Unknown keys and wrong types are 422s;
// malformed JSON is a 400 with the byte offset. `channel` defaults to "api". `on_missing` is a
// request option, not a ticket attribute: it goes to *on_missing when given a place.
std::expected<routing::Ticket, Problem> ticket_from_json(std::string_view body, OnMissing* on_missing = nullptr);

// application/x-www-form-urlencoded: subject, body, topic, channel, on_missing, name, email,
// phone (also requester.name etc.), fields[ID] or field.ID; any other key is taken as a field
// id. `channel` defaults to "web".
std::expected<routing::Ticket, Problem> ticket_from_form(std::string_view body, OnMissing* on_missing = nullptr);

// Percent-decodes one form component ('+' is a space). False on a broken escape.
bool form_decode(std::string_view in, std::string& out);

}  // namespace triaged::daemon

// Label values for the metrics that a request's content would otherwise choose. Every label
// value comes from a closed set: the names the daemon itself uses, the live rule set's field
// ids, and one catch-all ("unknown", "other"), so no client can mint new series (issue 17).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace triaged::daemon {

// The `field` label of triaged_validation_failures_total: `field` itself when it is a ticket
// attribute the API defines ("subject", "requester.email", ...), one of `field_ids` (the rule
// set's fields), "fields." and one of them, or an at-least-one-of group of them ("phone|email");
// "unknown" otherwise.
std::string field_label(std::string_view field, const std::vector<std::string>& field_ids);

// The `code` label: a code the daemon writes (lower-case letters and '_', at most 32), "other"
// for anything else.
std::string code_label(std::string_view code);

// The `channel` label of triaged_tickets_total: api, web, phone, email, chat; "other" for any
// other channel a client named.
std::string channel_label(std::string_view channel);

// The `department` or `topic` label of triaged_csat_ratings_total: `id` when it is one of `ids`
// (the live rule set's), "other" otherwise (a topic a reload removed).
std::string rule_id_label(std::string_view id, const std::vector<std::string>& ids);

}  // namespace triaged::daemon

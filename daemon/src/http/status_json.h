// The customer's view of one ticket as JSON, shared by every status endpoint so that what a
// customer can see is decided in one place (status_json.cpp).
#pragma once

#include <chrono>
#include <vector>

#include <boost/json/object.hpp>

#include "routing/routing.h"
#include "storage/mail.h"
#include "storage/tickets.h"

namespace triaged::daemon {

// {ref, status, topic, department, created_at, due_at, due_text, language, messages, missing}.
// messages: {from: "you" | "support", at, text}; missing (needs_info only): the fields the
// form asks for, {field, title, type, values, code, message, group}.
boost::json::object status_to_json(const routing::RuleSet& rules, const storage::StoredTicket& ticket,
                                   const std::vector<storage::StoredMessage>& thread,
                                   std::chrono::system_clock::time_point now);

// The fields a needs_info ticket still lacks, checked again under its topic as a reply would be.
std::vector<routing::FieldProblem> open_problems(const routing::RuleSet& rules, const storage::StoredTicket& ticket,
                                                 std::chrono::system_clock::time_point now);

}  // namespace triaged::daemon

// How decisions and stored tickets look on the wire. One encoder for the API's answers, the
// decision stored with each ticket and the CLI's output, so they never drift apart.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "storage/requesters.h"
#include "storage/staff_thread.h"
#include "storage/tickets.h"

namespace triaged::daemon {

// RFC 3339 UTC with seconds: "2026-11-23T19:00:00Z".
std::string format_time(std::chrono::system_clock::time_point t);

// How much of the trace to write. `full`: every evaluated condition, as classify and explain
// show it. `held`: per tried topic only the conditions that held, with their matches, which is
// what a stored ticket keeps: why it went where it went, at a fraction of the bytes (failed
// conditions of several topics were three quarters of every row).
enum class TraceDetail { full, held };

// {topic, topic_title, department, template, priority, source, confidence, runner_up,
//  model: {version, topic, confidence, runner_up, decided, agrees, words} (with a model only),
//  sla_seconds, due_at, fields: {id: {value, source}}, problems: [{field, code, message}],
//  trace: [{topic, matched, score (matched only), ruled_out (when unless held), conditions}]}
boost::json::object decision_to_json(const routing::Decision& d, TraceDetail detail = TraceDetail::full);

// The ticket resource: id, ref, status, routing result, content, and the stored decision.
// `events` are included when given.
boost::json::object ticket_to_json(const storage::StoredTicket& t,
                                   const std::vector<storage::TicketEvent>* events = nullptr);

// A ticket's thread: each message with its text and attachment metadata, and the URLs that
// serve the raw message and each attachment's bytes.
boost::json::array messages_to_json(const std::vector<storage::StoredMessage>& messages);

}  // namespace triaged::daemon

namespace triaged::daemon {

// A requester profile: {id, name, emails, phones, known: {field: {value, from_ref, at}},
// tickets: [...], open_tickets: [...]}; `except_ticket` (the ticket being shown) is left out
// of both lists.
boost::json::object requester_to_json(const storage::RequesterProfile& p, std::int64_t except_ticket);

// A ticket's links: [{ticket_id, ref, kind, status, at}].
boost::json::array links_to_json(const std::vector<storage::TicketLink>& links);

// GET /api/v1/schema: what a form needs to build itself from the live rules.
boost::json::object schema_to_json(const routing::RuleSet& rules);

// GET /api/v1/queues: every department of the rules, with its counts (zeros if it has none).
boost::json::array queues_to_json(const routing::RuleSet& rules, const std::vector<storage::QueueStats>& stats,
                                  std::chrono::system_clock::time_point now);

}  // namespace triaged::daemon

namespace triaged::daemon {

// The answers `topic` offers before a ticket (classify): [{id, topic, title, text, url}];
// empty for a topic without any, or one the rules do not have.
boost::json::array answers_to_json(const routing::RuleSet& rules, const std::string& topic);
// The canned answers staff may insert into a reply on a ticket of `topic`: [{title, text}],
// placeholders ({ref}, {name}, {topic}, {department}) left for the inserting page to fill.
boost::json::array canned_to_json(const routing::RuleSet& rules, const std::string& topic);
// A ticket's internal notes, oldest first: [{id, at, author, text}]. Staff answers only.
boost::json::array notes_to_json(const std::vector<storage::StoredNote>& notes);

}  // namespace triaged::daemon

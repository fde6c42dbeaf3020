// How a ticket maps to a row of `tickets` on PostgreSQL and back, and the inserts a create
// makes (the row, its "created" event). The same columns and encodings as the SQLite store
// (storage/src/ticket_row.h), so rows move between the backends unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "pg_connection.h"
#include "storage/tickets.h"

namespace triaged::storage::pg {

inline constexpr std::string_view kTicketColumns =
    "id, ref, created_at, updated_at, channel, requester_name, requester_email, "
    "requester_phone, subject, body, fields_json, headers_json, explicit_topic, topic, "
    "department, priority, status, due_at, rules_version, decision_json, idempotency_key, "
    "assignee, requester_id";
inline constexpr int kTicketColumnCount = 23;

std::int64_t to_unix_ms(Clock::time_point at);
Clock::time_point from_unix_ms(std::int64_t ms);

// The kTicketColumns of `row`, from column `first` on. Code::io if a stored value cannot be
// decoded.
Result<StoredTicket> read_ticket(const Rows& rows, int row, int first = 0);
Result<std::optional<StoredTicket>> select_ticket(Connection& db, std::int64_t id);
// The same, locking the row until the caller's transaction ends: a staff action on one node
// waits for another node's action on the ticket instead of deciding on what it replaced.
Result<std::optional<StoredTicket>> select_ticket_for_update(Connection& db, std::int64_t id);
// Appends one event; the at is the caller's.
Result<void> insert_event(Connection& db, std::int64_t ticket_id, Clock::time_point at,
                          std::string_view kind, const std::string& data_json);
// The ticket, locked as select_ticket_for_update() does; Code::bad_request when there is none.
Result<StoredTicket> locked_ticket(Connection& db, std::int64_t id);
// An event's data as JSON. Boost.JSON may throw on allocation failure; no exception leaves
// storage, so that is Code::io.
Result<std::string> serialize(const boost::json::object& data);
// Sets updated_at to `at` unless it is later already.
Result<void> touch_ticket(Connection& db, std::int64_t ticket_id, Clock::time_point at);

// A new id from the sequence, its ref, the row and its "created" event, in the caller's
// transaction.
Result<CreateOutcome> insert_new_ticket(Connection& db, const NewTicket& ticket,
                                        std::optional<std::int64_t> requester_id);

}  // namespace triaged::storage::pg

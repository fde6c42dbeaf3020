// How a ticket maps to a row of `tickets` and back. The only code that knows the column
// order, the JSON encoding of field and header maps, and the millisecond time format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "database.h"
#include "storage/ticket_store.h"

namespace triaged::storage {

// Every query that reads whole tickets selects these, in this order, as its first columns.
inline constexpr std::string_view kTicketColumns =
    "id, ref, created_at, updated_at, channel, requester_name, requester_email, "
    "requester_phone, subject, body, fields_json, headers_json, explicit_topic, topic, "
    "department, priority, status, due_at, rules_version, decision_json, idempotency_key, "
    "assignee";

// Times are stored as unix milliseconds; anything finer is floored away.
std::int64_t to_unix_ms(Clock::time_point at);
Clock::time_point from_unix_ms(std::int64_t ms);

// Reads the kTicketColumns of the current row. Fails with Code::io if a stored value cannot
// be decoded (a JSON map or priority written by something other than this code).
Result<StoredTicket> read_ticket(const Statement& row);

// Inserts `ticket` as row `id` with `ref`, plus its "created" event, in the caller's
// transaction. Returns the ticket exactly as read_ticket will later read it back.
Result<StoredTicket> insert_ticket(Database& db, std::int64_t id, const std::string& ref,
                                   const NewTicket& ticket);

// One create inside the caller's transaction: a new ticket (id, ref, "created" event), or
// the first ticket of a reused idempotency key (created=false), or Code::conflict. Code::io
// means the database failed and the caller must undo this ticket's writes; any other
// outcome wrote nothing or wrote it all.
Result<CreateOutcome> create_one(Database& db, const NewTicket& ticket);

}  // namespace triaged::storage

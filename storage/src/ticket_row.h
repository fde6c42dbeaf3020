// How a ticket maps to a row of `tickets` and back. The only code that knows the column
// order, the JSON encoding of field and header maps, and the millisecond time format.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "database.h"
#include "storage/tickets.h"

namespace triaged::storage {

// Every query that reads whole tickets selects these, in this order, as its first columns.
inline constexpr std::string_view kTicketColumns =
    "id, ref, created_at, updated_at, channel, requester_name, requester_email, "
    "requester_phone, subject, body, fields_json, headers_json, explicit_topic, topic, "
    "department, priority, status, due_at, rules_version, decision_json, idempotency_key, "
    "assignee, requester_id";

// Times are stored as unix milliseconds; anything finer is floored away.
std::int64_t to_unix_ms(Clock::time_point at);
Clock::time_point from_unix_ms(std::int64_t ms);

// Reads the kTicketColumns of the current row. Fails with Code::io if a stored value cannot
// be decoded (a JSON map or priority written by something other than this code).
Result<StoredTicket> read_ticket(const Statement& row);

// Inserts `ticket` as row `id` with `ref`, plus its "created" event, in the caller's
// transaction. Returns the ticket exactly as read_ticket will later read it back.
Result<StoredTicket> insert_ticket(Database& db, std::int64_t id, const std::string& ref,
                                   const NewTicket& ticket, std::optional<std::int64_t> requester_id);

// Stores what a ticket merged into `into_id` brought, as an inbound message there; returns
// the messages.id. The email path stores the mail itself; web tickets use their text.
using MergedMessageWriter = std::function<Result<std::int64_t>(Database&, std::int64_t into_id)>;

// One create inside the caller's transaction: a new ticket (id, ref, "created" event), or
// the first ticket of a reused idempotency key (created=false), or Code::conflict. With the
// requester's keys, the ticket joins their profile; with a duplicate policy it may instead
// be merged into an open ticket (merged=true, see requesters.h) or be linked to one. Code::io
// means the database failed and the caller must undo this ticket's writes; any other
// outcome wrote nothing or wrote it all.
Result<CreateOutcome> create_one(Database& db, const NewTicket& ticket,
                                 const MergedMessageWriter& write_merged = {});

// The plain insert at the end of create_one: a new id and ref, the row, its "created" event.
Result<CreateOutcome> insert_new_ticket(Database& db, const NewTicket& ticket,
                                        std::optional<std::int64_t> requester_id);

}  // namespace triaged::storage

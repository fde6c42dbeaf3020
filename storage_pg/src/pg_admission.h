// One create inside the writer's transaction on PostgreSQL, as storage/src/ticket_admission.h
// does it on SQLite: an Idempotency-Key replay, a merge into or a link to an open ticket of the
// same requester, or a new ticket. Across nodes the database's locks keep it right: updating
// the requester's profile row locks it until commit, so a second node's report of the same
// problem waits and then sees the first one's ticket; a key or requester key inserted by
// another node at once fails on its unique constraint, and the writer retries the create,
// which then finds the other node's row.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "pg_connection.h"
#include "storage/tickets.h"

namespace triaged::storage::pg {

// Stores what a ticket merged into `into_id` brought, as an inbound message there; returns
// the messages.id. The email path stores the mail itself; web tickets use their text.
using MergedMessageWriter = std::function<Result<std::int64_t>(Connection&, std::int64_t into_id)>;

// See storage/src/ticket_row.h create_one: Code::conflict for a key used for another
// request; Code::io means the caller must undo this create's writes.
Result<CreateOutcome> create_one(Connection& db, const NewTicket& ticket,
                                 const MergedMessageWriter& write_merged = {});

// Records a link and its two "linked" events; false when the pair was linked already.
Result<bool> insert_link(Connection& db, const StoredTicket& ticket, const StoredTicket& other,
                         const std::string& kind, const std::string& reason, const std::string& actor,
                         Clock::time_point at);
// Removes the pair's link in either direction with an "unlinked" event on both; false when
// there was none.
Result<bool> delete_link(Connection& db, const StoredTicket& ticket, const StoredTicket& other,
                         const std::string& reason, const std::string& actor, Clock::time_point at);

}  // namespace triaged::storage::pg

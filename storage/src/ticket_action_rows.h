// The SQL behind staff work on a ticket (ticket_actions.h): claim and status change. Each
// runs inside the caller's write transaction (TicketWriter::write_now).
#pragma once

#include "database.h"
#include "storage/ticket_actions.h"

namespace triaged::storage {

// See StaffActionStore::claim.
Result<TicketActionOutcome> claim_ticket(Database& db, const Claim& claim);
// See StaffActionStore::change_status.
Result<TicketActionOutcome> change_ticket_status(Database& db, const StatusChange& change);

}  // namespace triaged::storage

// The SQL behind staff replies, internal notes (staff_thread.h) and deflections
// (deflections.h). Writes run inside the caller's write transaction (TicketWriter::write_now).
#pragma once

#include "database.h"
#include "storage/deflections.h"
#include "storage/staff_thread.h"

namespace triaged::storage {

Result<StaffReplyOutcome> insert_staff_reply(Database& db, const StaffReply& reply);
Result<StoredNote> insert_note(Database& db, const NewNote& note);
Result<std::vector<StoredNote>> read_notes(Database& db, std::int64_t ticket_id);
Result<std::int64_t> insert_deflection(Database& db, const Deflection& deflection);

}  // namespace triaged::storage

// The SQL behind the satisfaction survey on SQLite (storage/satisfaction.h). Every function
// runs inside the caller's write transaction (TicketWriter::write_now), apart from the read.
#pragma once

#include <optional>

#include "database.h"
#include "storage/satisfaction.h"
#include "storage/ticket_actions.h"

namespace triaged::storage {

// After `ticket` (as updated) was resolved by `change`: when the change asks a survey and the
// ticket was never asked, records the ask, queues its mail under the daily cap and appends
// "satisfaction_asked". Otherwise does nothing.
Result<void> ask_survey_once(Database& db, const StoredTicket& ticket, const StatusChange& change);

Result<std::optional<SatisfactionState>> select_satisfaction(Database& db, std::int64_t ticket_id);

// See SatisfactionStore::rate.
Result<RatingOutcome> rate_ticket(Database& db, const Rating& rating);

}  // namespace triaged::storage

// The satisfaction survey on PostgreSQL (storage/satisfaction.h), as satisfaction_rows.h does
// it on SQLite. ask_survey_once runs inside the status change's transaction, after the ticket
// row was locked, so two nodes resolving one ticket at once ask it once.
#pragma once

#include <optional>

#include "pg_connection.h"
#include "storage/satisfaction.h"
#include "storage/ticket_actions.h"

namespace triaged::storage::pg {

Result<void> ask_survey_once(Connection& db, const StoredTicket& ticket, const StatusChange& change);

}  // namespace triaged::storage::pg

// TicketRecords' reads on PostgreSQL, each on the connection it is given. Same answers as the
// SQLite reader (storage/src/ticket_reader.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg_connection.h"
#include "storage/tickets.h"

namespace triaged::storage::pg {

Result<std::optional<StoredTicket>> read_ticket_by_ref(Connection& db, const std::string& ref);
Result<TicketPage> list_tickets(Connection& db, const TicketQuery& query);
Result<std::vector<TicketEvent>> read_events(Connection& db, std::int64_t ticket_id);
// Both queries in one REPEATABLE READ transaction: one snapshot.
Result<std::vector<QueueStats>> read_queue_stats(Connection& db, Clock::time_point now);

}  // namespace triaged::storage::pg

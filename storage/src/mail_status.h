// Later changes to email-path records: a quarantine entry reprocessed, an outbox mail sent or
// failed. Each runs in the caller's write transaction (TicketWriter::write_now).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "database.h"
#include "storage/mail.h"

namespace triaged::storage {

// Each fails with Code::bad_request when the entry or outbox mail does not exist.
Result<void> mark_reprocessed(Database& db, std::int64_t quarantine_id,
                              std::optional<std::int64_t> ticket_id);
Result<void> mark_sent(Database& db, std::int64_t outbox_id, Clock::time_point at);
// `now` stamps the ticket event: the interface passes no time for a failed attempt.
Result<void> mark_attempt_failed(Database& db, std::int64_t outbox_id, const std::string& error,
                                 std::optional<Clock::time_point> next_attempt_at,
                                 Clock::time_point now);

}  // namespace triaged::storage

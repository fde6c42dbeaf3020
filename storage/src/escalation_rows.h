// SQL of the escalation tables, each function inside the caller's transaction or read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "database.h"
#include "storage/escalations.h"

namespace triaged::storage {

Result<SlaTicketPage> read_open_tickets(Database& db, std::int64_t after_id, int limit);
Result<EscalationOutcome> record_escalation(Database& db, const Escalation& escalation);
Result<std::vector<EscalationRecord>> read_escalations(Database& db, std::int64_t ticket_id);

// ticket_id 0: every ticket's calls that are pending and due at `now`; else that ticket's.
Result<std::vector<WebhookItem>> read_webhooks(Database& db, std::int64_t ticket_id, Clock::time_point now,
                                               int limit);
Result<void> webhook_sent(Database& db, std::int64_t webhook_id, Clock::time_point at);
Result<void> webhook_failed(Database& db, std::int64_t webhook_id, const std::string& error,
                            std::optional<Clock::time_point> next_attempt_at, Clock::time_point now);

}  // namespace triaged::storage

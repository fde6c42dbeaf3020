// Queuing one automatic mail for a ticket inside the caller's transaction: the daily cap per
// address, "{ref}" filled in, the outbox row, the "out" message that later replies thread on,
// and the event saying which happened. Shared by mail writes and ticket creates.
#pragma once

#include <cstdint>

#include "database.h"
#include "storage/mail.h"
#include "storage/tickets.h"

namespace triaged::storage {

// The outbox id, or 0 when the mail's daily_cap was reached (then an "auto_reply_suppressed"
// event is written instead). Any error means the caller must undo its writes.
Result<std::int64_t> queue_capped_reply(Database& db, const StoredTicket& ticket, Clock::time_point at,
                                        const OutboxMail& reply);

}  // namespace triaged::storage

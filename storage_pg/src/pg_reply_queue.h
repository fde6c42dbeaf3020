// Queuing one automatic mail for a ticket inside the caller's transaction on PostgreSQL, as
// storage/src/reply_queue.h does it on SQLite: the daily cap per address, "{ref}" filled in,
// the outbox row, the "out" message later replies thread on, and the event saying which
// happened. Shared by mail writes (pg_mail_writer.cpp) and ticket creates (pg_admission.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pg_connection.h"
#include "storage/mail.h"
#include "storage/tickets.h"

namespace triaged::storage::pg {

// `text` with every "{ref}" replaced by `ref`.
std::string with_ref(std::string text, std::string_view ref);

// The outbox id, or 0 when the mail's daily_cap was reached (then an "auto_reply_suppressed"
// event is written instead). Any error means the caller must undo its writes.
Result<std::int64_t> queue_capped_reply(Connection& db, const StoredTicket& ticket, Clock::time_point at,
                                        const OutboxMail& reply);

}  // namespace triaged::storage::pg

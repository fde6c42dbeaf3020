// The read side of the email path: each function reads through a connection the caller
// leased (TicketReader::with_connection). See MailStore and OutboxStore for what each one answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "database.h"
#include "storage/mail_store.h"

namespace triaged::storage {

// Looks at no more than this many Message-IDs, the first ones given: a References header
// can be long, and the nearest ancestors come first in what the daemon passes.
inline constexpr std::size_t kMaxThreadingIds = 100;

Result<std::optional<std::int64_t>> find_ticket_by_message_ids(
    Database& db, const std::vector<std::string>& message_ids);
Result<std::vector<StoredMessage>> read_messages(Database& db, std::int64_t ticket_id);
// CustomerView::customer_thread: the allow-list lives in this one query.
Result<std::vector<StoredMessage>> read_customer_thread(Database& db, std::int64_t ticket_id);
Result<std::optional<std::string>> read_raw_message(Database& db, std::int64_t message_row_id);
Result<std::optional<AttachmentRecord>> read_attachment(Database& db, std::int64_t id);

Result<std::vector<QuarantineEntry>> read_quarantined(Database& db, const std::string& status,
                                                      int limit);
Result<std::optional<QuarantineEntry>> read_quarantine_entry(Database& db, std::int64_t id);

Result<std::vector<OutboxItem>> read_due_outbox(Database& db, Clock::time_point now, int limit);
Result<std::int64_t> count_replies_to_since(Database& db, const std::string& address,
                                            Clock::time_point since);

}  // namespace triaged::storage

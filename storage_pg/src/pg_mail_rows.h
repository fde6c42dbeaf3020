// The email path's records as rows of messages, attachments, quarantine and outbox on
// PostgreSQL. Every function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg_connection.h"
#include "storage/mail.h"

namespace triaged::storage::pg {

// Inserts `message` and its attachments on `ticket_id` under `mailbox` and `message_id`
// (which replace the message's own); returns the messages.id.
Result<std::int64_t> insert_message(Connection& db, std::int64_t ticket_id, Clock::time_point at,
                                    const NewMessage& message, std::string_view mailbox,
                                    std::string_view message_id);
// `mail` as a pending outbox row, due at `at`; returns the outbox.id.
Result<std::int64_t> insert_outbox(Connection& db, std::int64_t ticket_id, Clock::time_point at,
                                   const OutboxMail& mail);
Result<std::int64_t> insert_quarantine(Connection& db, Clock::time_point at, const std::string& mailbox,
                                       const std::string& message_id, const std::string& reason,
                                       const std::string& raw);

struct InboundMatch {
  std::int64_t message_row_id = 0;
  std::int64_t ticket_id = 0;
};
// The inbound message stored for (mailbox, message_id); never one for an empty message_id.
Result<std::optional<InboundMatch>> find_inbound(Connection& db, const std::string& mailbox,
                                                 const std::string& message_id);
Result<std::optional<std::int64_t>> find_quarantined(Connection& db, const std::string& mailbox,
                                                     const std::string& message_id);

std::string strings_to_json(const std::vector<std::string>& strings);

}  // namespace triaged::storage::pg

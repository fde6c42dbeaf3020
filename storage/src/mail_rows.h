// How the email path's records map to rows of messages, attachments, quarantine, outbox and
// ticket_events. Every function runs inside the caller's write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "database.h"
#include "storage/mail.h"
#include "storage/tickets.h"

namespace triaged::storage {

Result<void> insert_event(Database& db, std::int64_t ticket_id, Clock::time_point at,
                          std::string_view kind, std::string_view data_json);

// Moves the ticket's updated_at to `at`, never back: a write stamped earlier than the last
// change (a mail delivered late) must not make the ticket look older.
Result<void> touch_ticket(Database& db, std::int64_t ticket_id, Clock::time_point at);

// Inserts `message` and its attachments on `ticket_id` under `mailbox` and `message_id`
// (which replace the message's own); returns the messages.id.
Result<std::int64_t> insert_message(Database& db, std::int64_t ticket_id, Clock::time_point at,
                                    const NewMessage& message, std::string_view mailbox,
                                    std::string_view message_id);

// Inserts `mail` as a pending outbox row, due at `at`; returns the outbox.id.
Result<std::int64_t> insert_outbox(Database& db, std::int64_t ticket_id, Clock::time_point at,
                                   const OutboxMail& mail);

Result<std::int64_t> insert_quarantine(Database& db, Clock::time_point at,
                                       const std::string& mailbox,
                                       const std::string& message_id, const std::string& reason,
                                       const std::string& raw);

struct InboundMatch {
  std::int64_t message_row_id = 0;
  std::int64_t ticket_id = 0;
};
// The inbound message stored for (mailbox, message_id); never one for an empty message_id.
Result<std::optional<InboundMatch>> find_inbound(Database& db, const std::string& mailbox,
                                                 const std::string& message_id);
// The quarantine entry for (mailbox, message_id); never one for an empty message_id.
Result<std::optional<std::int64_t>> find_quarantined(Database& db, const std::string& mailbox,
                                                     const std::string& message_id);

Result<std::optional<StoredTicket>> select_ticket(Database& db, std::int64_t id);

// A JSON array of strings, as outbox.references_json holds it.
std::string strings_to_json(const std::vector<std::string>& strings);

}  // namespace triaged::storage

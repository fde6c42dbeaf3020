#include "mail_rows.h"

#include <boost/json.hpp>

#include "ticket_row.h"

namespace triaged::storage {

Result<void> touch_ticket(Database& db, std::int64_t ticket_id, Clock::time_point at) {
  auto touch = db.prepare("UPDATE tickets SET updated_at = max(updated_at, ?2) WHERE id = ?1");
  if (!touch) return std::unexpected(std::move(touch.error()));
  touch->bind(1, ticket_id).bind(2, to_unix_ms(at));
  return touch->run();
}

Result<void> insert_event(Database& db, std::int64_t ticket_id, Clock::time_point at,
                          std::string_view kind, std::string_view data_json) {
  auto event = db.prepare(
      "INSERT INTO ticket_events (ticket_id, at, kind, data_json) VALUES (?1, ?2, ?3, ?4)");
  if (!event) return std::unexpected(std::move(event.error()));
  event->bind(1, ticket_id).bind(2, to_unix_ms(at)).bind(3, kind).bind(4, data_json);
  return event->run();
}

Result<std::int64_t> insert_message(Database& db, std::int64_t ticket_id, Clock::time_point at,
                                    const NewMessage& message, std::string_view mailbox,
                                    std::string_view message_id) {
  auto insert = db.prepare(
      "INSERT INTO messages (ticket_id, at, direction, kind, channel, mailbox, message_id, "
      "from_address, from_name, to_address, subject, text, raw) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, ticket_id).bind(2, to_unix_ms(at)).bind(3, message.direction);
  insert->bind(4, message.kind).bind(5, message.channel).bind(6, mailbox);
  insert->bind(7, message_id).bind(8, message.from_address);
  insert->bind(9, message.from_name).bind(10, message.to_address).bind(11, message.subject);
  insert->bind(12, message.text).bind_blob(13, message.raw);
  if (auto done = insert->run(); !done) return std::unexpected(std::move(done.error()));
  const std::int64_t message_row_id = sqlite3_last_insert_rowid(db.handle());

  for (const AttachmentRecord& a : message.attachments) {
    auto attachment = db.prepare(
        "INSERT INTO attachments (message_row_id, filename, content_type, content_id, "
        "is_inline, size, sha256, data, dropped, drop_reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!attachment) return std::unexpected(std::move(attachment.error()));
    attachment->bind(1, message_row_id).bind(2, a.filename).bind(3, a.content_type);
    attachment->bind(4, a.content_id).bind(5, std::int64_t{a.is_inline ? 1 : 0});
    attachment->bind(6, a.size).bind(7, a.sha256).bind_blob(8, a.data);
    attachment->bind(9, std::int64_t{a.dropped ? 1 : 0}).bind(10, a.drop_reason);
    if (auto done = attachment->run(); !done) return std::unexpected(std::move(done.error()));
  }
  return message_row_id;
}

std::string strings_to_json(const std::vector<std::string>& strings) {
  boost::json::array array;
  for (const auto& s : strings) array.emplace_back(s);
  return boost::json::serialize(array);
}

Result<std::int64_t> insert_outbox(Database& db, std::int64_t ticket_id, Clock::time_point at,
                                   const OutboxMail& mail) {
  auto insert = db.prepare(
      "INSERT INTO outbox (ticket_id, created_at, to_address, to_name, subject, text, "
      "message_id, in_reply_to, references_json, purpose, attempts, next_attempt_at, status, "
      "last_error, sent_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?2, 'pending', '', NULL)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, ticket_id).bind(2, to_unix_ms(at)).bind(3, mail.to_address);
  insert->bind(4, mail.to_name).bind(5, mail.subject).bind(6, mail.text);
  insert->bind(7, mail.message_id).bind(8, mail.in_reply_to);
  insert->bind(9, strings_to_json(mail.references)).bind(10, mail.purpose);
  if (auto done = insert->run(); !done) return std::unexpected(std::move(done.error()));
  return sqlite3_last_insert_rowid(db.handle());
}

Result<std::int64_t> insert_quarantine(Database& db, Clock::time_point at,
                                       const std::string& mailbox,
                                       const std::string& message_id, const std::string& reason,
                                       const std::string& raw) {
  auto insert = db.prepare(
      "INSERT INTO quarantine (at, mailbox, message_id, reason, raw, status, ticket_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, 'held', NULL)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, to_unix_ms(at)).bind(2, mailbox).bind(3, message_id).bind(4, reason);
  insert->bind_blob(5, raw);
  if (auto done = insert->run(); !done) return std::unexpected(std::move(done.error()));
  return sqlite3_last_insert_rowid(db.handle());
}

Result<std::optional<InboundMatch>> find_inbound(Database& db, const std::string& mailbox,
                                                 const std::string& message_id) {
  if (message_id.empty()) return std::optional<InboundMatch>();
  // The literal conditions repeat the partial index's WHERE so the planner may use it.
  auto find = db.prepare(
      "SELECT id, ticket_id FROM messages WHERE mailbox = ?1 AND message_id = ?2 "
      "AND direction = 'in' AND message_id <> ''");
  if (!find) return std::unexpected(std::move(find.error()));
  find->bind(1, mailbox).bind(2, message_id);
  auto row = find->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<InboundMatch>();
  return std::optional<InboundMatch>(InboundMatch{find->column_int64(0), find->column_int64(1)});
}

Result<std::optional<std::int64_t>> find_quarantined(Database& db, const std::string& mailbox,
                                                     const std::string& message_id) {
  if (message_id.empty()) return std::optional<std::int64_t>();
  auto find = db.prepare(
      "SELECT id FROM quarantine WHERE mailbox = ?1 AND message_id = ?2 AND message_id <> ''");
  if (!find) return std::unexpected(std::move(find.error()));
  find->bind(1, mailbox).bind(2, message_id);
  auto row = find->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(find->column_int64(0));
}

Result<std::optional<StoredTicket>> select_ticket(Database& db, std::int64_t id) {
  static const std::string kSql =
      "SELECT " + std::string(kTicketColumns) + " FROM tickets WHERE id = ?1";
  auto select = db.prepare(kSql);
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, id);
  auto row = select->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<StoredTicket>();
  auto ticket = read_ticket(*select);
  if (!ticket) return std::unexpected(std::move(ticket.error()));
  return std::optional<StoredTicket>(std::move(*ticket));
}

}  // namespace triaged::storage

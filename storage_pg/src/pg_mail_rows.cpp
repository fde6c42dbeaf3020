#include "pg_mail_rows.h"

#include <boost/json.hpp>

#include "pg_ticket_rows.h"

namespace triaged::storage::pg {
namespace {

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

}  // namespace

Result<std::int64_t> insert_message(Connection& db, std::int64_t ticket_id, Clock::time_point at,
                                    const NewMessage& message, std::string_view mailbox,
                                    std::string_view message_id) {
  auto inserted = db.exec(
      "INSERT INTO messages (ticket_id, at, direction, kind, channel, mailbox, message_id, "
      "from_address, from_name, to_address, subject, text, raw) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      {int64(ticket_id), int64(to_unix_ms(at)), text(message.direction), text(message.kind),
       text(message.channel), text(std::string(mailbox)), text(std::string(message_id)),
       text(message.from_address), text(message.from_name), text(message.to_address),
       text(message.subject), text(message.text), bytes(message.raw)});
  if (!inserted) return fail(inserted);
  const std::int64_t message_row_id = inserted->int64(0, 0);
  for (const AttachmentRecord& a : message.attachments) {
    auto attachment = db.exec(
        "INSERT INTO attachments (message_row_id, filename, content_type, content_id, "
        "is_inline, size, sha256, data, dropped, drop_reason) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {int64(message_row_id), text(a.filename), text(a.content_type), text(a.content_id),
         boolean(a.is_inline), int64(a.size), text(a.sha256), bytes(a.data), boolean(a.dropped),
         text(a.drop_reason)});
    if (!attachment) return fail(attachment);
  }
  return message_row_id;
}

std::string strings_to_json(const std::vector<std::string>& strings) {
  boost::json::array array;
  for (const auto& s : strings) array.emplace_back(s);
  return boost::json::serialize(array);
}

Result<std::int64_t> insert_outbox(Connection& db, std::int64_t ticket_id, Clock::time_point at,
                                   const OutboxMail& mail) {
  auto inserted = db.exec(
      "INSERT INTO outbox (ticket_id, created_at, to_address, to_name, subject, text, "
      "message_id, in_reply_to, references_json, purpose, attempts, next_attempt_at, status, "
      "last_error, sent_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $2, 'pending', '', NULL) RETURNING id",
      {int64(ticket_id), int64(to_unix_ms(at)), text(mail.to_address), text(mail.to_name),
       text(mail.subject), text(mail.text), text(mail.message_id), text(mail.in_reply_to),
       text(strings_to_json(mail.references)), text(mail.purpose)});
  if (!inserted) return fail(inserted);
  return inserted->int64(0, 0);
}

Result<std::int64_t> insert_quarantine(Connection& db, Clock::time_point at, const std::string& mailbox,
                                       const std::string& message_id, const std::string& reason,
                                       const std::string& raw) {
  auto inserted = db.exec(
      "INSERT INTO quarantine (at, mailbox, message_id, reason, raw, status, ticket_id) "
      "VALUES ($1, $2, $3, $4, $5, 'held', NULL) RETURNING id",
      {int64(to_unix_ms(at)), text(mailbox), text(message_id), text(reason), bytes(raw)});
  if (!inserted) return fail(inserted);
  return inserted->int64(0, 0);
}

Result<std::optional<InboundMatch>> find_inbound(Connection& db, const std::string& mailbox,
                                                 const std::string& message_id) {
  if (message_id.empty()) return std::optional<InboundMatch>();
  // The literal conditions repeat the partial index's WHERE so the planner may use it.
  auto found = db.exec(
      "SELECT id, ticket_id FROM messages WHERE mailbox = $1 AND message_id = $2 "
      "AND direction = 'in' AND message_id <> ''",
      {text(mailbox), text(message_id)});
  if (!found) return fail(found);
  if (found->size() == 0) return std::optional<InboundMatch>();
  return std::optional<InboundMatch>(InboundMatch{found->int64(0, 0), found->int64(0, 1)});
}

Result<std::optional<std::int64_t>> find_quarantined(Connection& db, const std::string& mailbox,
                                                     const std::string& message_id) {
  if (message_id.empty()) return std::optional<std::int64_t>();
  auto found = db.exec("SELECT id FROM quarantine WHERE mailbox = $1 AND message_id = $2 AND message_id <> ''",
                       {text(mailbox), text(message_id)});
  if (!found) return fail(found);
  if (found->size() == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(found->int64(0, 0));
}

}  // namespace triaged::storage::pg

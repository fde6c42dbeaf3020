// PgTicketStore's email path: mail writes through the writer's queue; threads, attachments,
// the quarantine and the outbox on pooled connections.
//
// The outbox is shared by every node's sender. due_outbox() claims what it returns: the rows
// are picked with FOR UPDATE SKIP LOCKED (a row another node is claiming is passed over, not
// waited for) and their next_attempt_at moves kOutboxLease ahead, so no other node takes them
// while this one sends. mark_sent / mark_attempt_failed end the claim; a node that dies
// mid-send leaves the lease to run out, and another node then takes the mail over.
#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <utility>

#include <boost/json.hpp>

#include "pg_mail_rows.h"
#include "pg_ticket_rows.h"
#include "pg_ticket_store.h"

namespace triaged::storage::pg {
namespace {

constexpr int kMinPageSize = 1;
constexpr int kMaxPageSize = 500;
// The most Message-IDs one threading lookup considers (storage/src/mail_reader.h).
constexpr std::size_t kMaxThreadingIds = 100;
// How long a claimed outbox mail stays with the node that claimed it: longer than any SMTP
// conversation the sender allows, short enough that a dead node's mail goes out soon.
constexpr std::chrono::seconds kOutboxLease{120};

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

constexpr std::string_view kAttachmentColumns =
    "id, message_row_id, filename, content_type, content_id, is_inline, size, sha256, dropped, drop_reason";

AttachmentRecord read_attachment_metadata(const Rows& rows, int r) {
  AttachmentRecord a;
  a.id = rows.int64(r, 0);
  a.filename = rows.text(r, 2);
  a.content_type = rows.text(r, 3);
  a.content_id = rows.text(r, 4);
  a.is_inline = rows.boolean(r, 5);
  a.size = rows.int64(r, 6);
  a.sha256 = rows.text(r, 7);
  a.dropped = rows.boolean(r, 8);
  a.drop_reason = rows.text(r, 9);
  return a;
}

constexpr std::string_view kQuarantineColumns = "id, at, mailbox, message_id, reason, length(raw), status, ticket_id";

QuarantineEntry read_quarantine(const Rows& rows, int r) {
  QuarantineEntry q;
  q.id = rows.int64(r, 0);
  q.at = from_unix_ms(rows.int64(r, 1));
  q.mailbox = rows.text(r, 2);
  q.message_id = rows.text(r, 3);
  q.reason = rows.text(r, 4);
  q.raw_size = rows.int64(r, 5);
  q.status = rows.text(r, 6);
  q.ticket_id = rows.optional_int64(r, 7);
  return q;
}

std::vector<std::string> strings_from_json(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec);
  std::vector<std::string> strings;
  if (ec || !value.is_array()) return strings;
  for (const auto& item : value.get_array())
    if (item.is_string()) strings.emplace_back(item.get_string());
  return strings;
}

OutboxItem read_outbox(const Rows& rows, int r) {
  OutboxItem o;
  o.id = rows.int64(r, 0);
  o.ticket_id = rows.int64(r, 1);
  o.ticket_ref = rows.text(r, 2);
  o.mail.to_address = rows.text(r, 3);
  o.mail.to_name = rows.text(r, 4);
  o.mail.subject = rows.text(r, 5);
  o.mail.text = rows.text(r, 6);
  o.mail.message_id = rows.text(r, 7);
  o.mail.in_reply_to = rows.text(r, 8);
  o.mail.references = strings_from_json(rows.text(r, 9));
  o.mail.purpose = rows.text(r, 10);
  o.created_at = from_unix_ms(rows.int64(r, 11));
  o.attempts = static_cast<int>(rows.int64(r, 12));
  o.next_attempt_at = from_unix_ms(rows.int64(r, 13));
  o.status = rows.text(r, 14);
  o.last_error = rows.text(r, 15);
  if (const auto sent = rows.optional_int64(r, 16)) o.sent_at = from_unix_ms(*sent);
  return o;
}

StoreError no_outbox_mail(std::int64_t outbox_id) {
  return StoreError{StoreError::Code::bad_request, "no outbox mail " + std::to_string(outbox_id)};
}

Result<std::vector<StoredMessage>> read_messages(Connection& db, std::int64_t ticket_id) {
  // One snapshot, so every attachment listed belongs to a message listed.
  if (auto begun = db.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) return fail(begun);
  auto read = [&]() -> Result<std::vector<StoredMessage>> {
    auto rows = db.exec(
        "SELECT id, ticket_id, at, direction, kind, channel, mailbox, message_id, from_address, "
        "from_name, to_address, subject, text, length(raw) FROM messages WHERE ticket_id = $1 ORDER BY id",
        {int64(ticket_id)});
    if (!rows) return fail(rows);
    std::vector<StoredMessage> messages;
    for (int r = 0; r < rows->size(); ++r) {
      StoredMessage m;
      m.id = rows->int64(r, 0);
      m.ticket_id = rows->int64(r, 1);
      m.at = from_unix_ms(rows->int64(r, 2));
      m.direction = rows->text(r, 3);
      m.kind = rows->text(r, 4);
      m.channel = rows->text(r, 5);
      m.mailbox = rows->text(r, 6);
      m.message_id = rows->text(r, 7);
      m.from_address = rows->text(r, 8);
      m.from_name = rows->text(r, 9);
      m.to_address = rows->text(r, 10);
      m.subject = rows->text(r, 11);
      m.text = rows->text(r, 12);
      m.raw_size = rows->int64(r, 13);
      messages.push_back(std::move(m));
    }
    static const std::string kAttachments = "SELECT a." + std::string(kAttachmentColumns) +
                                            " FROM attachments a JOIN messages m ON m.id = a.message_row_id "
                                            "WHERE m.ticket_id = $1 ORDER BY a.id";
    auto attachments = db.exec(kAttachments, {int64(ticket_id)});
    if (!attachments) return fail(attachments);
    std::map<std::int64_t, StoredMessage*> by_id;
    for (auto& m : messages) by_id[m.id] = &m;
    for (int r = 0; r < attachments->size(); ++r) {
      if (auto it = by_id.find(attachments->int64(r, 1)); it != by_id.end())
        it->second->attachments.push_back(read_attachment_metadata(*attachments, r));
    }
    return messages;
  }();
  (void)db.run(read ? "COMMIT" : "ROLLBACK");
  return read;
}

Result<void> insert_json_event(Connection& db, std::int64_t ticket_id, Clock::time_point at, const char* kind,
                               const boost::json::object& data) {
  try {
    return insert_event(db, ticket_id, at, kind, boost::json::serialize(data));
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

}  // namespace

void PgTicketStore::write_mail(MailWrite write, MailCallback done) {
  writer_->submit(std::move(write), std::move(done));
}

Result<std::optional<std::int64_t>> PgTicketStore::find_ticket_by_message_ids(
    const std::vector<std::string>& message_ids) {
  std::vector<std::string> ids;
  for (const auto& id : message_ids) {
    if (ids.size() == kMaxThreadingIds) break;
    if (!id.empty()) ids.push_back(id);
  }
  if (ids.empty()) return std::optional<std::int64_t>();
  return pool_->with_connection([&](Connection& db) -> Result<std::optional<std::int64_t>> {
    // One statement for any number of ids: the list travels as a JSON array.
    auto found = db.exec(
        "SELECT ticket_id FROM messages WHERE message_id IN (SELECT json_array_elements_text($1::json)) "
        "ORDER BY id DESC LIMIT 1",
        {text(strings_to_json(ids))});
    if (!found) return fail(found);
    if (found->size() == 0) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(found->int64(0, 0));
  });
}

Result<std::vector<StoredMessage>> PgTicketStore::messages(std::int64_t ticket_id) {
  return pool_->with_connection([&](Connection& db) { return read_messages(db, ticket_id); });
}

Result<std::optional<std::string>> PgTicketStore::raw_message(std::int64_t message_id) {
  return pool_->with_connection([&](Connection& db) -> Result<std::optional<std::string>> {
    auto found = db.exec("SELECT raw FROM messages WHERE id = $1 AND length(raw) > 0", {int64(message_id)});
    if (!found) return fail(found);
    if (found->size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(found->bytes(0, 0));
  });
}

Result<std::optional<AttachmentRecord>> PgTicketStore::attachment(std::int64_t attachment_id) {
  return pool_->with_connection([&](Connection& db) -> Result<std::optional<AttachmentRecord>> {
    static const std::string kSql = "SELECT " + std::string(kAttachmentColumns) + ", data FROM attachments WHERE id = $1";
    auto found = db.exec(kSql, {int64(attachment_id)});
    if (!found) return fail(found);
    if (found->size() == 0) return std::optional<AttachmentRecord>();
    AttachmentRecord a = read_attachment_metadata(*found, 0);
    a.data = found->bytes(0, 10);
    return std::optional<AttachmentRecord>(std::move(a));
  });
}

Result<std::vector<QuarantineEntry>> PgTicketStore::quarantined(const std::string& status, int limit) {
  return pool_->with_connection([&](Connection& db) -> Result<std::vector<QuarantineEntry>> {
    static const std::string kAny = "SELECT " + std::string(kQuarantineColumns) + " FROM quarantine ORDER BY id DESC LIMIT $1";
    static const std::string kByStatus = "SELECT " + std::string(kQuarantineColumns) +
                                         " FROM quarantine WHERE status = $2 ORDER BY id DESC LIMIT $1";
    const Param page = int64(std::int64_t{std::clamp(limit, kMinPageSize, kMaxPageSize)});
    auto rows = status.empty() ? db.exec(kAny, {page}) : db.exec(kByStatus, {page, text(status)});
    if (!rows) return fail(rows);
    std::vector<QuarantineEntry> entries;
    for (int r = 0; r < rows->size(); ++r) entries.push_back(read_quarantine(*rows, r));
    return entries;
  });
}

Result<std::optional<QuarantineEntry>> PgTicketStore::get_quarantined(std::int64_t id) {
  return pool_->with_connection([&](Connection& db) -> Result<std::optional<QuarantineEntry>> {
    static const std::string kSql = "SELECT " + std::string(kQuarantineColumns) + ", raw FROM quarantine WHERE id = $1";
    auto rows = db.exec(kSql, {int64(id)});
    if (!rows) return fail(rows);
    if (rows->size() == 0) return std::optional<QuarantineEntry>();
    QuarantineEntry q = read_quarantine(*rows, 0);
    q.raw = rows->bytes(0, 8);
    return std::optional<QuarantineEntry>(std::move(q));
  });
}

Result<void> PgTicketStore::mark_reprocessed(std::int64_t quarantine_id, std::optional<std::int64_t> ticket_id) {
  return write_now([&](Connection& db) -> Result<void> {
    auto updated = db.exec("UPDATE quarantine SET status = 'reprocessed', ticket_id = $2 WHERE id = $1",
                           {int64(quarantine_id), int64(ticket_id)});
    if (!updated) return fail(updated);
    if (updated->affected() == 0)
      return std::unexpected(StoreError{StoreError::Code::bad_request,
                                        "no quarantined message " + std::to_string(quarantine_id)});
    return {};
  });
}

Result<std::vector<OutboxItem>> PgTicketStore::due_outbox(Clock::time_point now, int limit) {
  return write_now([&](Connection& db) -> Result<std::vector<OutboxItem>> {
    // Answers with each row as it was before the claim (next_attempt_at as due).
    auto rows = db.exec(
        "WITH due AS (SELECT id, next_attempt_at FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 "
        "             ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED), "
        "claimed AS (UPDATE outbox o SET next_attempt_at = $3 FROM due WHERE o.id = due.id "
        "            RETURNING o.*, due.next_attempt_at AS due_at) "
        "SELECT c.id, c.ticket_id, t.ref, c.to_address, c.to_name, c.subject, c.text, c.message_id, "
        "c.in_reply_to, c.references_json, c.purpose, c.created_at, c.attempts, c.due_at, c.status, "
        "c.last_error, c.sent_at FROM claimed c JOIN tickets t ON t.id = c.ticket_id "
        "ORDER BY c.due_at, c.id",
        {int64(to_unix_ms(now)), int64(std::int64_t{std::clamp(limit, kMinPageSize, kMaxPageSize)}),
         int64(to_unix_ms(now + kOutboxLease))});
    if (!rows) return fail(rows);
    std::vector<OutboxItem> items;
    try {
      for (int r = 0; r < rows->size(); ++r) items.push_back(read_outbox(*rows, r));
    } catch (const std::exception& e) {
      return std::unexpected(StoreError{StoreError::Code::io, e.what()});
    }
    return items;
  });
}

Result<void> PgTicketStore::mark_sent(std::int64_t outbox_id, Clock::time_point at) {
  return write_now([&](Connection& db) -> Result<void> {
    auto updated = db.exec(
        "UPDATE outbox SET status = 'sent', sent_at = $2, last_error = '' WHERE id = $1 RETURNING ticket_id",
        {int64(outbox_id), int64(to_unix_ms(at))});
    if (!updated) return fail(updated);
    if (updated->size() == 0) return std::unexpected(no_outbox_mail(outbox_id));
    return insert_json_event(db, updated->int64(0, 0), at, "auto_reply_sent", {{"outbox_id", outbox_id}});
  });
}

Result<void> PgTicketStore::mark_attempt_failed(std::int64_t outbox_id, const std::string& error,
                                                std::optional<Clock::time_point> next_attempt_at) {
  // The one place the store reads the clock: the interface passes no time for the event.
  const Clock::time_point now = Clock::now();
  return write_now([&](Connection& db) -> Result<void> {
    std::optional<std::int64_t> next;
    if (next_attempt_at) next = to_unix_ms(*next_attempt_at);
    // Giving up keeps the last planned time: next_attempt_at is NOT NULL and no longer read.
    auto updated = db.exec(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
        "next_attempt_at = coalesce($3::bigint, next_attempt_at), "
        "status = CASE WHEN $3::bigint IS NULL THEN 'failed' ELSE status END "
        "WHERE id = $1 RETURNING ticket_id, attempts",
        {int64(outbox_id), text(error), int64(next)});
    if (!updated) return fail(updated);
    if (updated->size() == 0) return std::unexpected(no_outbox_mail(outbox_id));
    return insert_json_event(db, updated->int64(0, 0), now, "auto_reply_failed",
                             {{"outbox_id", outbox_id},
                              {"error", error},
                              {"attempt", updated->int64(0, 1)},
                              {"gave_up", !next_attempt_at.has_value()}});
  });
}

Result<std::int64_t> PgTicketStore::replies_to_since(const std::string& address, Clock::time_point since) {
  return pool_->with_connection([&](Connection& db) -> Result<std::int64_t> {
    // Staff replies are a person's answers, not automatic mail: not counted (mail_store.h).
    auto count = db.exec(
        "SELECT count(*) FROM outbox WHERE lower(to_address) = lower($1) AND created_at >= $2 "
        "AND purpose <> 'staff_reply'",
        {text(address), int64(to_unix_ms(since))});
    if (!count) return fail(count);
    return count->int64(0, 0);
  });
}

}  // namespace triaged::storage::pg

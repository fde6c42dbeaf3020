#include "mail_reader.h"

#include <algorithm>
#include <exception>
#include <map>
#include <utility>

#include <boost/json.hpp>

#include "mail_rows.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

constexpr int kMinPageSize = 1;
constexpr int kMaxPageSize = 500;

AttachmentRecord read_attachment_metadata(const Statement& row) {
  AttachmentRecord a;
  a.id = row.column_int64(0);
  a.filename = row.column_text(2);
  a.content_type = row.column_text(3);
  a.content_id = row.column_text(4);
  a.is_inline = row.column_int64(5) != 0;
  a.size = row.column_int64(6);
  a.sha256 = row.column_text(7);
  a.dropped = row.column_int64(8) != 0;
  a.drop_reason = row.column_text(9);
  return a;
}

constexpr std::string_view kAttachmentColumns =
    "id, message_row_id, filename, content_type, content_id, is_inline, size, sha256, dropped, "
    "drop_reason";

StoredMessage read_message(const Statement& row) {
  StoredMessage m;
  m.id = row.column_int64(0);
  m.ticket_id = row.column_int64(1);
  m.at = from_unix_ms(row.column_int64(2));
  m.direction = row.column_text(3);
  m.kind = row.column_text(4);
  m.channel = row.column_text(5);
  m.mailbox = row.column_text(6);
  m.message_id = row.column_text(7);
  m.from_address = row.column_text(8);
  m.from_name = row.column_text(9);
  m.to_address = row.column_text(10);
  m.subject = row.column_text(11);
  m.text = row.column_text(12);
  m.raw_size = row.column_int64(13);
  return m;
}

constexpr std::string_view kQuarantineColumns =
    "id, at, mailbox, message_id, reason, length(raw), status, ticket_id";

QuarantineEntry read_quarantine(const Statement& row) {
  QuarantineEntry q;
  q.id = row.column_int64(0);
  q.at = from_unix_ms(row.column_int64(1));
  q.mailbox = row.column_text(2);
  q.message_id = row.column_text(3);
  q.reason = row.column_text(4);
  q.raw_size = row.column_int64(5);
  q.status = row.column_text(6);
  q.ticket_id = row.column_optional_int64(7);
  return q;
}

std::vector<std::string> strings_from_json(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec);
  std::vector<std::string> strings;
  if (ec || !value.is_array()) return strings;
  for (const auto& item : value.get_array()) {
    if (item.is_string()) strings.emplace_back(item.get_string());
  }
  return strings;
}

OutboxItem read_outbox(const Statement& row) {
  OutboxItem o;
  o.id = row.column_int64(0);
  o.ticket_id = row.column_int64(1);
  o.ticket_ref = row.column_text(2);
  o.mail.to_address = row.column_text(3);
  o.mail.to_name = row.column_text(4);
  o.mail.subject = row.column_text(5);
  o.mail.text = row.column_text(6);
  o.mail.message_id = row.column_text(7);
  o.mail.in_reply_to = row.column_text(8);
  o.mail.references = strings_from_json(row.column_text(9));
  o.mail.purpose = row.column_text(10);
  o.created_at = from_unix_ms(row.column_int64(11));
  o.attempts = static_cast<int>(row.column_int64(12));
  o.next_attempt_at = from_unix_ms(row.column_int64(13));
  o.status = row.column_text(14);
  o.last_error = row.column_text(15);
  if (const auto sent = row.column_optional_int64(16)) o.sent_at = from_unix_ms(*sent);
  return o;
}

StoreError io_error(const std::exception& e) { return StoreError{StoreError::Code::io, e.what()}; }

// Steps `stmt` to the end, appending read(stmt) for every row.
template <typename T, typename Read>
Result<void> collect(Statement& stmt, std::vector<T>& into, Read read) {
  for (;;) {
    auto row = stmt.step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return {};
    into.push_back(read(stmt));
  }
}

}  // namespace

Result<std::optional<std::int64_t>> find_ticket_by_message_ids(
    Database& db, const std::vector<std::string>& message_ids) {
  std::vector<std::string> ids;
  for (const auto& id : message_ids) {
    if (ids.size() == kMaxThreadingIds) break;
    if (!id.empty()) ids.push_back(id);
  }
  if (ids.empty()) return std::optional<std::int64_t>();
  try {
    // One statement for any number of ids: the list travels as a JSON array.
    auto find = db.prepare(
        "SELECT ticket_id FROM messages WHERE message_id IN (SELECT value FROM json_each(?1)) "
        "ORDER BY id DESC LIMIT 1");
    if (!find) return std::unexpected(std::move(find.error()));
    find->bind(1, strings_to_json(ids));
    auto row = find->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(find->column_int64(0));
  } catch (const std::exception& e) {
    return std::unexpected(io_error(e));
  }
}

Result<std::vector<StoredMessage>> read_messages(Database& db, std::int64_t ticket_id) {
  // One snapshot, so every attachment listed belongs to a message listed.
  auto tx = Transaction::begin(db, Transaction::Mode::deferred);
  if (!tx) return std::unexpected(std::move(tx.error()));
  auto select = db.prepare(
      "SELECT id, ticket_id, at, direction, kind, channel, mailbox, message_id, from_address, "
      "from_name, to_address, subject, text, length(raw) FROM messages WHERE ticket_id = ?1 "
      "ORDER BY id");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, ticket_id);
  std::vector<StoredMessage> messages;
  if (auto read = collect(*select, messages, read_message); !read) {
    return std::unexpected(std::move(read.error()));
  }

  static const std::string kAttachmentsSql =
      "SELECT a." + std::string(kAttachmentColumns) +
      " FROM attachments a JOIN messages m ON m.id = a.message_row_id WHERE m.ticket_id = ?1 "
      "ORDER BY a.id";
  auto attachments = db.prepare(kAttachmentsSql);
  if (!attachments) return std::unexpected(std::move(attachments.error()));
  attachments->bind(1, ticket_id);
  std::map<std::int64_t, StoredMessage*> by_id;
  for (auto& m : messages) by_id[m.id] = &m;
  for (;;) {
    auto row = attachments->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    if (auto it = by_id.find(attachments->column_int64(1)); it != by_id.end()) {
      it->second->attachments.push_back(read_attachment_metadata(*attachments));
    }
  }
  if (auto done = tx->commit(); !done) return std::unexpected(std::move(done.error()));
  return messages;
}

Result<std::vector<StoredMessage>> read_customer_thread(Database& db, std::int64_t ticket_id) {
  // An allow-list, not a deny-list: a kind added later is invisible to customers until it is
  // named here. Only columns a customer may see are selected.
  auto select = db.prepare(
      "SELECT id, ticket_id, at, direction, kind, channel, '', '', '', '', '', subject, text, 0 "
      "FROM messages WHERE ticket_id = ?1 AND kind = 'message' AND direction IN ('in', 'out') "
      // A web ticket's own report joins its thread only when a repeat is merged, after our
      // acknowledgement but stamped with the ticket's creation: at one instant, theirs first.
      "ORDER BY at, direction = 'out', id");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, ticket_id);
  std::vector<StoredMessage> messages;
  if (auto read = collect(*select, messages, read_message); !read) return std::unexpected(std::move(read.error()));
  return messages;
}

Result<std::optional<std::string>> read_raw_message(Database& db, std::int64_t message_row_id) {
  auto select = db.prepare("SELECT raw FROM messages WHERE id = ?1 AND length(raw) > 0");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, message_row_id);
  auto row = select->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select->column_blob(0));
}

Result<std::optional<AttachmentRecord>> read_attachment(Database& db, std::int64_t id) {
  static const std::string kSql =
      "SELECT " + std::string(kAttachmentColumns) + ", data FROM attachments WHERE id = ?1";
  auto select = db.prepare(kSql);
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, id);
  auto row = select->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<AttachmentRecord>();
  AttachmentRecord a = read_attachment_metadata(*select);
  a.data = select->column_blob(10);
  return std::optional<AttachmentRecord>(std::move(a));
}

Result<std::vector<QuarantineEntry>> read_quarantined(Database& db, const std::string& status,
                                                      int limit) {
  static const std::string kAny = "SELECT " + std::string(kQuarantineColumns) +
                                  " FROM quarantine ORDER BY id DESC LIMIT ?2";
  static const std::string kByStatus = "SELECT " + std::string(kQuarantineColumns) +
                                       " FROM quarantine WHERE status = ?1 "
                                       "ORDER BY id DESC LIMIT ?2";
  auto select = db.prepare(status.empty() ? kAny : kByStatus);
  if (!select) return std::unexpected(std::move(select.error()));
  if (!status.empty()) select->bind(1, status);
  select->bind(2, std::int64_t{std::clamp(limit, kMinPageSize, kMaxPageSize)});
  std::vector<QuarantineEntry> entries;
  if (auto read = collect(*select, entries, read_quarantine); !read) {
    return std::unexpected(std::move(read.error()));
  }
  return entries;
}

Result<std::optional<QuarantineEntry>> read_quarantine_entry(Database& db, std::int64_t id) {
  static const std::string kSql =
      "SELECT " + std::string(kQuarantineColumns) + ", raw FROM quarantine WHERE id = ?1";
  auto select = db.prepare(kSql);
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, id);
  auto row = select->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<QuarantineEntry>();
  QuarantineEntry q = read_quarantine(*select);
  q.raw = select->column_blob(8);
  return std::optional<QuarantineEntry>(std::move(q));
}

Result<std::vector<OutboxItem>> read_due_outbox(Database& db, Clock::time_point now, int limit) {
  auto select = db.prepare(
      "SELECT o.id, o.ticket_id, t.ref, o.to_address, o.to_name, o.subject, o.text, "
      "o.message_id, o.in_reply_to, o.references_json, o.purpose, o.created_at, o.attempts, "
      "o.next_attempt_at, o.status, o.last_error, o.sent_at "
      "FROM outbox o JOIN tickets t ON t.id = o.ticket_id "
      "WHERE o.status = 'pending' AND o.next_attempt_at <= ?1 "
      "ORDER BY o.next_attempt_at, o.id LIMIT ?2");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, to_unix_ms(now));
  select->bind(2, std::int64_t{std::clamp(limit, kMinPageSize, kMaxPageSize)});
  std::vector<OutboxItem> items;
  try {
    if (auto read = collect(*select, items, read_outbox); !read) {
      return std::unexpected(std::move(read.error()));
    }
  } catch (const std::exception& e) {
    return std::unexpected(io_error(e));
  }
  return items;
}

Result<std::int64_t> count_replies_to_since(Database& db, const std::string& address,
                                            Clock::time_point since) {
  // lower() on both sides, as in the outbox_by_recipient index, so the index serves it.
  auto count = db.prepare(
      "SELECT count(*) FROM outbox WHERE lower(to_address) = lower(?1) AND created_at >= ?2 "
      "AND purpose <> 'staff_reply'");
  if (!count) return std::unexpected(std::move(count.error()));
  count->bind(1, address).bind(2, to_unix_ms(since));
  auto row = count->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::int64_t{0};
  return count->column_int64(0);
}

}  // namespace triaged::storage

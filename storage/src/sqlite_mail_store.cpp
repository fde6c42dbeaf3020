// SqliteTicketStore's email path: mail writes go through the writer's queue, later status
// changes through its write_now, reads through the reader's connections.
#include "mail_reader.h"
#include "mail_status.h"
#include "sqlite_ticket_store.h"

namespace triaged::storage {

void SqliteTicketStore::write_mail(MailWrite write, MailCallback done) {
  writer_->submit(std::move(write), std::move(done));
}

Result<std::optional<std::int64_t>> SqliteTicketStore::find_ticket_by_message_ids(
    const std::vector<std::string>& message_ids) {
  return reader_->with_connection(
      [&](Database& db) { return storage::find_ticket_by_message_ids(db, message_ids); });
}

Result<std::vector<StoredMessage>> SqliteTicketStore::messages(std::int64_t ticket_id) {
  return reader_->with_connection([&](Database& db) { return read_messages(db, ticket_id); });
}

Result<std::vector<StoredMessage>> SqliteTicketStore::customer_thread(std::int64_t ticket_id) {
  return reader_->with_connection([&](Database& db) { return read_customer_thread(db, ticket_id); });
}

Result<std::optional<std::string>> SqliteTicketStore::raw_message(std::int64_t message_id) {
  return reader_->with_connection([&](Database& db) { return read_raw_message(db, message_id); });
}

Result<std::optional<AttachmentRecord>> SqliteTicketStore::attachment(std::int64_t attachment_id) {
  return reader_->with_connection(
      [&](Database& db) { return read_attachment(db, attachment_id); });
}

Result<std::vector<QuarantineEntry>> SqliteTicketStore::quarantined(const std::string& status,
                                                                    int limit) {
  return reader_->with_connection(
      [&](Database& db) { return read_quarantined(db, status, limit); });
}

Result<std::optional<QuarantineEntry>> SqliteTicketStore::get_quarantined(std::int64_t id) {
  return reader_->with_connection([&](Database& db) { return read_quarantine_entry(db, id); });
}

Result<void> SqliteTicketStore::mark_reprocessed(std::int64_t quarantine_id,
                                                 std::optional<std::int64_t> ticket_id) {
  return writer_->write_now(
      [&](Database& db) { return storage::mark_reprocessed(db, quarantine_id, ticket_id); });
}

Result<std::vector<OutboxItem>> SqliteTicketStore::due_outbox(Clock::time_point now, int limit) {
  return reader_->with_connection([&](Database& db) { return read_due_outbox(db, now, limit); });
}

Result<void> SqliteTicketStore::mark_sent(std::int64_t outbox_id, Clock::time_point at) {
  return writer_->write_now([&](Database& db) { return storage::mark_sent(db, outbox_id, at); });
}

Result<void> SqliteTicketStore::mark_attempt_failed(
    std::int64_t outbox_id, const std::string& error,
    std::optional<Clock::time_point> next_attempt_at) {
  // The one place the store reads the clock: the interface passes no time for the event.
  const Clock::time_point now = Clock::now();
  return writer_->write_now([&](Database& db) {
    return storage::mark_attempt_failed(db, outbox_id, error, next_attempt_at, now);
  });
}

Result<std::int64_t> SqliteTicketStore::replies_to_since(const std::string& address,
                                                         Clock::time_point since) {
  return reader_->with_connection(
      [&](Database& db) { return count_replies_to_since(db, address, since); });
}

}  // namespace triaged::storage

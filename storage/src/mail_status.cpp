#include "mail_status.h"

#include <exception>
#include <utility>

#include <boost/json.hpp>

#include "mail_rows.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

StoreError no_outbox_mail(std::int64_t outbox_id) {
  return StoreError{StoreError::Code::bad_request, "no outbox mail " + std::to_string(outbox_id)};
}

// Runs an UPDATE ... RETURNING of one row; false when no row matched.
Result<bool> update_one(Statement& update) {
  auto row = update.step();
  if (!row) return std::unexpected(std::move(row.error()));
  return *row;
}

}  // namespace

Result<void> mark_reprocessed(Database& db, std::int64_t quarantine_id,
                              std::optional<std::int64_t> ticket_id) {
  auto update = db.prepare(
      "UPDATE quarantine SET status = 'reprocessed', ticket_id = ?2 WHERE id = ?1 RETURNING id");
  if (!update) return std::unexpected(std::move(update.error()));
  update->bind(1, quarantine_id).bind(2, ticket_id);
  auto found = update_one(*update);
  if (!found) return std::unexpected(std::move(found.error()));
  if (!*found) {
    return std::unexpected(StoreError{StoreError::Code::bad_request,
                                      "no quarantined message " + std::to_string(quarantine_id)});
  }
  return {};
}

Result<void> mark_sent(Database& db, std::int64_t outbox_id, Clock::time_point at) {
  std::int64_t ticket_id = 0;
  {
    auto update = db.prepare(
        "UPDATE outbox SET status = 'sent', sent_at = ?2, last_error = '' WHERE id = ?1 "
        "RETURNING ticket_id");
    if (!update) return std::unexpected(std::move(update.error()));
    update->bind(1, outbox_id).bind(2, to_unix_ms(at));
    auto found = update_one(*update);
    if (!found) return std::unexpected(std::move(found.error()));
    if (!*found) return std::unexpected(no_outbox_mail(outbox_id));
    ticket_id = update->column_int64(0);
  }
  try {
    const boost::json::object data{{"outbox_id", outbox_id}};
    return insert_event(db, ticket_id, at, "auto_reply_sent", boost::json::serialize(data));
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

Result<void> mark_attempt_failed(Database& db, std::int64_t outbox_id, const std::string& error,
                                 std::optional<Clock::time_point> next_attempt_at,
                                 Clock::time_point now) {
  const bool gave_up = !next_attempt_at.has_value();
  std::int64_t ticket_id = 0;
  std::int64_t attempt = 0;
  {
    // Giving up keeps the last planned time: next_attempt_at is NOT NULL and no longer read.
    auto update = db.prepare(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, "
        "next_attempt_at = coalesce(?3, next_attempt_at), "
        "status = CASE WHEN ?3 IS NULL THEN 'failed' ELSE status END "
        "WHERE id = ?1 RETURNING ticket_id, attempts");
    if (!update) return std::unexpected(std::move(update.error()));
    update->bind(1, outbox_id).bind(2, error);
    std::optional<std::int64_t> next;
    if (next_attempt_at) next = to_unix_ms(*next_attempt_at);
    update->bind(3, next);
    auto found = update_one(*update);
    if (!found) return std::unexpected(std::move(found.error()));
    if (!*found) return std::unexpected(no_outbox_mail(outbox_id));
    ticket_id = update->column_int64(0);
    attempt = update->column_int64(1);
  }
  try {
    const boost::json::object data{
        {"outbox_id", outbox_id}, {"error", error}, {"attempt", attempt}, {"gave_up", gave_up}};
    return insert_event(db, ticket_id, now, "auto_reply_failed", boost::json::serialize(data));
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

}  // namespace triaged::storage

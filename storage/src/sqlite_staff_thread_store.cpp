// SqliteTicketStore's part for staff replies, internal notes, deflections and the customer's
// ratings: each write one transaction through the writer's write_now, as claims are; reads on
// the reader's connections.
#include <optional>
#include <utility>

#include "satisfaction_rows.h"
#include "sqlite_ticket_store.h"
#include "staff_thread_rows.h"

namespace triaged::storage {
namespace {

template <typename Value, typename Write>
Result<Value> write_one(TicketWriter& writer, Write write) {
  std::optional<Value> value;
  auto written = writer.write_now([&](Database& db) -> Result<void> {
    auto done = write(db);
    if (!done) return std::unexpected(std::move(done.error()));
    value = std::move(*done);
    return {};
  });
  if (!written) return std::unexpected(std::move(written.error()));
  return std::move(*value);
}

}  // namespace

Result<StaffReplyOutcome> SqliteTicketStore::add_reply(const StaffReply& reply) {
  return write_one<StaffReplyOutcome>(*writer_, [&](Database& db) { return insert_staff_reply(db, reply); });
}

Result<StoredNote> SqliteTicketStore::add_note(const NewNote& note) {
  return write_one<StoredNote>(*writer_, [&](Database& db) { return insert_note(db, note); });
}

Result<std::vector<StoredNote>> SqliteTicketStore::notes(std::int64_t ticket_id) {
  return reader_->with_connection([&](Database& db) { return read_notes(db, ticket_id); });
}

Result<std::int64_t> SqliteTicketStore::record_deflection(const Deflection& deflection) {
  return write_one<std::int64_t>(*writer_, [&](Database& db) { return insert_deflection(db, deflection); });
}

Result<std::optional<SatisfactionState>> SqliteTicketStore::satisfaction(std::int64_t ticket_id) {
  return reader_->with_connection([&](Database& db) { return select_satisfaction(db, ticket_id); });
}

Result<RatingOutcome> SqliteTicketStore::rate(const Rating& rating) {
  return write_one<RatingOutcome>(*writer_, [&](Database& db) { return rate_ticket(db, rating); });
}

}  // namespace triaged::storage

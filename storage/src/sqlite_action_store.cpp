// SqliteTicketStore's part for staff work on a ticket: claim and status change, each one
// transaction through the writer's write_now, as reroute is.
#include <optional>
#include <utility>

#include "sqlite_ticket_store.h"
#include "ticket_action_rows.h"

namespace triaged::storage {
namespace {

template <typename Write>
Result<TicketActionOutcome> write_action(TicketWriter& writer, Write write) {
  std::optional<TicketActionOutcome> outcome;
  auto written = writer.write_now([&](Database& db) -> Result<void> {
    auto done = write(db);
    if (!done) return std::unexpected(std::move(done.error()));
    outcome = std::move(*done);
    return {};
  });
  if (!written) return std::unexpected(std::move(written.error()));
  return std::move(*outcome);
}

}  // namespace

Result<TicketActionOutcome> SqliteTicketStore::claim(const Claim& claim) {
  return write_action(*writer_, [&](Database& db) { return claim_ticket(db, claim); });
}

Result<TicketActionOutcome> SqliteTicketStore::change_status(const StatusChange& change) {
  return write_action(*writer_, [&](Database& db) { return change_ticket_status(db, change); });
}

}  // namespace triaged::storage

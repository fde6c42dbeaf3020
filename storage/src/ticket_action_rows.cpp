#include "ticket_action_rows.h"

#include <exception>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "mail_rows.h"
#include "satisfaction_rows.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

StoreError bad_request(std::string message) {
  return StoreError{StoreError::Code::bad_request, std::move(message)};
}

// Boost.JSON may throw on allocation failure; no exception leaves storage.
Result<std::string> serialize(const boost::json::object& data) {
  try {
    return boost::json::serialize(data);
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

Result<StoredTicket> existing_ticket(Database& db, std::int64_t id) {
  auto current = select_ticket(db, id);
  if (!current) return std::unexpected(std::move(current.error()));
  if (!*current) return std::unexpected(bad_request("no ticket " + std::to_string(id)));
  return std::move(**current);
}

// Sets status, assignee and updated_at of `ticket` in one statement.
Result<void> update_ticket(Database& db, const StoredTicket& ticket, std::int64_t at_ms) {
  auto update = db.prepare(
      "UPDATE tickets SET status = ?2, assignee = ?3, updated_at = ?4 WHERE id = ?1");
  if (!update) return std::unexpected(std::move(update.error()));
  update->bind(1, ticket.id).bind(2, ticket.status).bind(3, ticket.assignee).bind(4, at_ms);
  return update->run();
}

Result<void> append_status_event(Database& db, std::int64_t ticket_id, Clock::time_point at,
                                 const std::string& from, const std::string& to,
                                 const std::string& reason, const std::string& actor) {
  auto data = serialize({{"from", from}, {"to", to}, {"reason", reason}, {"actor", actor}});
  if (!data) return std::unexpected(std::move(data.error()));
  return insert_event(db, ticket_id, at, "status_changed", *data);
}

}  // namespace

Result<TicketActionOutcome> claim_ticket(Database& db, const Claim& claim) {
  if (claim.assignee.empty()) return std::unexpected(bad_request("a claim needs an assignee"));
  auto found = existing_ticket(db, claim.ticket_id);
  if (!found) return std::unexpected(std::move(found.error()));
  StoredTicket ticket = std::move(*found);
  const bool held_by_other = !ticket.assignee.empty() && ticket.assignee != claim.assignee;
  if (ticket.assignee == claim.assignee || (held_by_other && !claim.take_over)) {
    return TicketActionOutcome{std::move(ticket), false};
  }

  const std::string previous = ticket.assignee;
  const std::string previous_status = ticket.status;
  const std::int64_t at = to_unix_ms(claim.at);
  ticket.assignee = claim.assignee;
  if (ticket.status == "new") ticket.status = "in_progress";
  if (auto done = update_ticket(db, ticket, at); !done) return std::unexpected(std::move(done.error()));
  auto data = serialize({{"assignee", claim.assignee}, {"previous_assignee", previous}});
  if (!data) return std::unexpected(std::move(data.error()));
  if (auto event = insert_event(db, ticket.id, claim.at, "claimed", *data); !event) {
    return std::unexpected(std::move(event.error()));
  }
  if (ticket.status != previous_status) {
    auto event = append_status_event(db, ticket.id, claim.at, previous_status, ticket.status,
                                     "claimed", claim.assignee);
    if (!event) return std::unexpected(std::move(event.error()));
  }
  ticket.updated_at = from_unix_ms(at);
  return TicketActionOutcome{std::move(ticket), true};
}

Result<TicketActionOutcome> change_ticket_status(Database& db, const StatusChange& change) {
  if (change.status.empty()) return std::unexpected(bad_request("a status change needs a status"));
  auto found = existing_ticket(db, change.ticket_id);
  if (!found) return std::unexpected(std::move(found.error()));
  StoredTicket ticket = std::move(*found);
  if (ticket.status == change.status) return TicketActionOutcome{std::move(ticket), false};

  const std::string previous = ticket.status;
  const std::int64_t at = to_unix_ms(change.at);
  ticket.status = change.status;
  if (auto done = update_ticket(db, ticket, at); !done) return std::unexpected(std::move(done.error()));
  auto event = append_status_event(db, ticket.id, change.at, previous, change.status, change.reason,
                                   change.actor);
  if (!event) return std::unexpected(std::move(event.error()));
  if (auto asked = ask_survey_once(db, ticket, change); !asked) return std::unexpected(std::move(asked.error()));
  ticket.updated_at = from_unix_ms(at);
  return TicketActionOutcome{std::move(ticket), true};
}

}  // namespace triaged::storage

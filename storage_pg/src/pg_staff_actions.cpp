// PgTicketStore's staff actions: reroute, claim, status change and hand-made links, each one
// transaction on a pooled connection that locks the ticket row first, so two nodes acting on
// one ticket at once take turns and the second sees the first one's result (as the SQLite
// store's single write connection makes them take turns).
#include <exception>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "pg_admission.h"
#include "pg_satisfaction.h"
#include "pg_ticket_rows.h"
#include "pg_ticket_store.h"

namespace triaged::storage::pg {
namespace {

StoreError bad_request(std::string message) { return StoreError{StoreError::Code::bad_request, std::move(message)}; }

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}


Result<void> update_status_and_assignee(Connection& db, const StoredTicket& ticket, std::int64_t at_ms) {
  auto done = db.exec("UPDATE tickets SET status = $2, assignee = $3, updated_at = $4 WHERE id = $1",
                      {int64(ticket.id), text(ticket.status), text(ticket.assignee), int64(at_ms)});
  if (!done) return fail(done);
  return {};
}

Result<void> append_status_event(Connection& db, std::int64_t ticket_id, Clock::time_point at, const std::string& from,
                                 const std::string& to, const std::string& reason, const std::string& actor) {
  auto data = serialize({{"from", from}, {"to", to}, {"reason", reason}, {"actor", actor}});
  if (!data) return fail(data);
  return insert_event(db, ticket_id, at, "status_changed", *data);
}

Result<RerouteOutcome> reroute_ticket(Connection& db, const Reroute& reroute) {
  if (reroute.topic.empty() || reroute.department.empty())
    return std::unexpected(bad_request("a reroute needs both a topic and a department"));
  auto found = locked_ticket(db, reroute.ticket_id);
  if (!found) return fail(found);
  StoredTicket ticket = std::move(*found);
  if (ticket.topic == reroute.topic && ticket.department == reroute.department)
    return RerouteOutcome{std::move(ticket), false};
  auto data = serialize({{"from_topic", ticket.topic},
                         {"from_department", ticket.department},
                         {"to_topic", reroute.topic},
                         {"to_department", reroute.department},
                         {"reason", reroute.reason},
                         {"actor", reroute.actor}});
  if (!data) return fail(data);
  const std::int64_t at = to_unix_ms(reroute.at);
  auto updated = db.exec("UPDATE tickets SET topic = $2, department = $3, updated_at = $4 WHERE id = $1",
                         {int64(ticket.id), text(reroute.topic), text(reroute.department), int64(at)});
  if (!updated) return fail(updated);
  if (auto event = insert_event(db, ticket.id, reroute.at, "rerouted", *data); !event) return fail(event);
  ticket.topic = reroute.topic;
  ticket.department = reroute.department;
  ticket.updated_at = from_unix_ms(at);
  return RerouteOutcome{std::move(ticket), true};
}

Result<TicketActionOutcome> claim_ticket(Connection& db, const Claim& claim) {
  if (claim.assignee.empty()) return std::unexpected(bad_request("a claim needs an assignee"));
  auto found = locked_ticket(db, claim.ticket_id);
  if (!found) return fail(found);
  StoredTicket ticket = std::move(*found);
  const bool held_by_other = !ticket.assignee.empty() && ticket.assignee != claim.assignee;
  if (ticket.assignee == claim.assignee || (held_by_other && !claim.take_over))
    return TicketActionOutcome{std::move(ticket), false};
  const std::string previous = ticket.assignee;
  const std::string previous_status = ticket.status;
  const std::int64_t at = to_unix_ms(claim.at);
  ticket.assignee = claim.assignee;
  if (ticket.status == "new") ticket.status = "in_progress";
  if (auto done = update_status_and_assignee(db, ticket, at); !done) return fail(done);
  auto data = serialize({{"assignee", claim.assignee}, {"previous_assignee", previous}});
  if (!data) return fail(data);
  if (auto event = insert_event(db, ticket.id, claim.at, "claimed", *data); !event) return fail(event);
  if (ticket.status != previous_status) {
    auto event = append_status_event(db, ticket.id, claim.at, previous_status, ticket.status, "claimed", claim.assignee);
    if (!event) return fail(event);
  }
  ticket.updated_at = from_unix_ms(at);
  return TicketActionOutcome{std::move(ticket), true};
}

Result<TicketActionOutcome> change_ticket_status(Connection& db, const StatusChange& change) {
  if (change.status.empty()) return std::unexpected(bad_request("a status change needs a status"));
  auto found = locked_ticket(db, change.ticket_id);
  if (!found) return fail(found);
  StoredTicket ticket = std::move(*found);
  if (ticket.status == change.status) return TicketActionOutcome{std::move(ticket), false};
  const std::string previous = ticket.status;
  const std::int64_t at = to_unix_ms(change.at);
  ticket.status = change.status;
  if (auto done = update_status_and_assignee(db, ticket, at); !done) return fail(done);
  auto event = append_status_event(db, ticket.id, change.at, previous, change.status, change.reason, change.actor);
  if (!event) return fail(event);
  if (auto asked = ask_survey_once(db, ticket, change); !asked) return fail(asked);
  ticket.updated_at = from_unix_ms(at);
  return TicketActionOutcome{std::move(ticket), true};
}

Result<TicketActionOutcome> link_tickets(Connection& db, const LinkChange& change) {
  // Both rows locked in id order, so two nodes linking the same pair cannot deadlock.
  const auto [first, second] = std::minmax(change.ticket_id, change.other_id);
  auto a = select_ticket_for_update(db, first);
  if (!a) return fail(a);
  auto b = select_ticket_for_update(db, second);
  if (!b) return fail(b);
  if (!*a || !*b) return std::unexpected(bad_request("no such ticket"));
  const StoredTicket& ticket = (*a)->id == change.ticket_id ? **a : **b;
  const StoredTicket& other = (*a)->id == change.ticket_id ? **b : **a;
  auto changed = change.unlink ? delete_link(db, ticket, other, change.reason, change.actor, change.at)
                               : insert_link(db, ticket, other, change.kind, change.reason, change.actor, change.at);
  if (!changed) return fail(changed);
  if (*changed) {
    for (std::int64_t id : {change.ticket_id, change.other_id})
      if (auto touched = touch_ticket(db, id, change.at); !touched) return fail(touched);
  }
  auto current = select_ticket(db, change.ticket_id);
  if (!current) return fail(current);
  return TicketActionOutcome{std::move(**current), *changed};
}

}  // namespace

Result<RerouteOutcome> PgTicketStore::reroute(const Reroute& reroute) {
  return write_now([&](Connection& db) { return reroute_ticket(db, reroute); });
}

Result<TicketActionOutcome> PgTicketStore::claim(const Claim& claim) {
  return write_now([&](Connection& db) { return claim_ticket(db, claim); });
}

Result<TicketActionOutcome> PgTicketStore::change_status(const StatusChange& change) {
  return write_now([&](Connection& db) { return change_ticket_status(db, change); });
}

Result<TicketActionOutcome> PgTicketStore::change_link(const LinkChange& change) {
  return write_now([&](Connection& db) { return link_tickets(db, change); });
}

}  // namespace triaged::storage::pg

// SqliteTicketStore's part for requesters and ticket links: profiles read through the
// reader's pool, hand-made links written through the writer's write_now.
#include <utility>

#include "mail_rows.h"
#include "sqlite_ticket_store.h"
#include "ticket_admission.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

Result<std::optional<RequesterProfile>> read_profile(Database& db, std::int64_t id) {
  auto head = db.prepare("SELECT name, created_at, updated_at FROM requesters WHERE id = ?1");
  if (!head) return fail(head);
  head->bind(1, id);
  auto found = head->step();
  if (!found) return fail(found);
  if (!*found) return std::optional<RequesterProfile>();
  RequesterProfile p;
  p.id = id;
  p.name = head->column_text(0);
  p.created_at = from_unix_ms(head->column_int64(1));
  p.updated_at = from_unix_ms(head->column_int64(2));

  auto keys = db.prepare(
      "SELECT kind, value FROM requester_keys WHERE requester_id = ?1 ORDER BY first_seen_at, value");
  if (!keys) return fail(keys);
  keys->bind(1, id);
  for (;;) {
    auto row = keys->step();
    if (!row) return fail(row);
    if (!*row) break;
    (keys->column_text(0) == "email" ? p.emails : p.phones).push_back(keys->column_text(1));
  }

  auto values = db.prepare(
      "SELECT v.field, v.value, v.ticket_id, t.ref, v.at FROM requester_values v "
      "JOIN tickets t ON t.id = v.ticket_id WHERE v.requester_id = ?1");
  if (!values) return fail(values);
  values->bind(1, id);
  for (;;) {
    auto row = values->step();
    if (!row) return fail(row);
    if (!*row) break;
    p.values[values->column_text(0)] = RememberedValue{values->column_text(1), values->column_int64(2),
                                                       values->column_text(3), from_unix_ms(values->column_int64(4))};
  }

  auto tickets = db.prepare(
      "SELECT id, ref, topic, department, status, subject, created_at FROM tickets "
      "WHERE requester_id = ?1 ORDER BY id DESC LIMIT 100");
  if (!tickets) return fail(tickets);
  tickets->bind(1, id);
  for (;;) {
    auto row = tickets->step();
    if (!row) return fail(row);
    if (!*row) break;
    p.tickets.push_back(RequesterTicket{tickets->column_int64(0), tickets->column_text(1), tickets->column_text(2),
                                        tickets->column_text(3), tickets->column_text(4), tickets->column_text(5),
                                        from_unix_ms(tickets->column_int64(6))});
  }
  return std::optional<RequesterProfile>(std::move(p));
}

Result<std::optional<std::int64_t>> owner_of(Database& db, const RequesterKeys& keys) {
  auto by_email = key_owner(db, "email", keys.email);
  if (!by_email || *by_email) return by_email;
  return key_owner(db, "phone", keys.phone);
}

Result<std::vector<TicketLink>> read_links(Database& db, std::int64_t ticket_id) {
  auto select = db.prepare(
      "SELECT l.other_id, t.ref, l.kind, t.status, l.created_at FROM ticket_links l JOIN tickets t ON t.id = l.other_id "
      "WHERE l.ticket_id = ?1 "
      "UNION ALL SELECT l.ticket_id, t.ref, CASE l.kind WHEN 'duplicate_of' THEN 'duplicated_by' ELSE l.kind END, "
      "t.status, l.created_at FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id WHERE l.other_id = ?1 "
      "ORDER BY 5, 1");
  if (!select) return fail(select);
  select->bind(1, ticket_id);
  std::vector<TicketLink> out;
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row);
    if (!*row) break;
    out.push_back(TicketLink{select->column_int64(0), select->column_text(1), select->column_text(2),
                             select->column_text(3), from_unix_ms(select->column_int64(4))});
  }
  return out;
}

Result<TicketActionOutcome> link_tickets(Database& db, const LinkChange& change) {
  auto ticket = select_ticket(db, change.ticket_id);
  if (!ticket) return fail(ticket);
  auto other = select_ticket(db, change.other_id);
  if (!other) return fail(other);
  for (const auto* t : {&*ticket, &*other})
    if (!*t) return std::unexpected(StoreError{StoreError::Code::bad_request, "no such ticket"});
  auto changed = change.unlink ? delete_link(db, **ticket, **other, change.reason, change.actor, change.at)
                               : insert_link(db, **ticket, **other, change.kind, change.reason, change.actor, change.at);
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

Result<std::optional<RequesterProfile>> SqliteTicketStore::find_requester(const RequesterKeys& keys) {
  return reader_->with_connection([&](Database& db) -> Result<std::optional<RequesterProfile>> {
    auto id = owner_of(db, keys);
    if (!id) return fail(id);
    if (!*id) return std::optional<RequesterProfile>();
    return read_profile(db, **id);
  });
}

Result<std::optional<RequesterProfile>> SqliteTicketStore::requester(std::int64_t id) {
  return reader_->with_connection([&](Database& db) { return read_profile(db, id); });
}

Result<std::vector<TicketLink>> SqliteTicketStore::links(std::int64_t ticket_id) {
  return reader_->with_connection([&](Database& db) { return read_links(db, ticket_id); });
}

Result<TicketActionOutcome> SqliteTicketStore::change_link(const LinkChange& change) {
  std::optional<TicketActionOutcome> outcome;
  auto written = writer_->write_now([&](Database& db) -> Result<void> {
    auto done = link_tickets(db, change);
    if (!done) return fail(done);
    outcome = std::move(*done);
    return {};
  });
  if (!written) return fail(written);
  return std::move(*outcome);
}

}  // namespace triaged::storage

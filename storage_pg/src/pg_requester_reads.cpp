// PgTicketStore's requester profiles and ticket links, read on pooled connections.
#include <utility>

#include "pg_ticket_rows.h"
#include "pg_ticket_store.h"

namespace triaged::storage::pg {
namespace {

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

Result<std::optional<RequesterProfile>> read_profile(Connection& db, std::int64_t id) {
  auto head = db.exec("SELECT name, created_at, updated_at FROM requesters WHERE id = $1", {int64(id)});
  if (!head) return fail(head);
  if (head->size() == 0) return std::optional<RequesterProfile>();
  RequesterProfile p;
  p.id = id;
  p.name = head->text(0, 0);
  p.created_at = from_unix_ms(head->int64(0, 1));
  p.updated_at = from_unix_ms(head->int64(0, 2));
  // COLLATE "C": the byte order SQLite sorts text in, whatever the database's locale.
  auto keys = db.exec(
      "SELECT kind, value FROM requester_keys WHERE requester_id = $1 ORDER BY first_seen_at, value COLLATE \"C\"",
      {int64(id)});
  if (!keys) return fail(keys);
  for (int r = 0; r < keys->size(); ++r) (keys->text(r, 0) == "email" ? p.emails : p.phones).push_back(keys->text(r, 1));
  auto values = db.exec(
      "SELECT v.field, v.value, v.ticket_id, t.ref, v.at FROM requester_values v "
      "JOIN tickets t ON t.id = v.ticket_id WHERE v.requester_id = $1",
      {int64(id)});
  if (!values) return fail(values);
  for (int r = 0; r < values->size(); ++r) {
    p.values[values->text(r, 0)] = RememberedValue{values->text(r, 1), values->int64(r, 2), values->text(r, 3),
                                                   from_unix_ms(values->int64(r, 4))};
  }
  auto tickets = db.exec(
      "SELECT id, ref, topic, department, status, subject, created_at FROM tickets "
      "WHERE requester_id = $1 ORDER BY id DESC LIMIT 100",
      {int64(id)});
  if (!tickets) return fail(tickets);
  for (int r = 0; r < tickets->size(); ++r) {
    p.tickets.push_back(RequesterTicket{tickets->int64(r, 0), tickets->text(r, 1), tickets->text(r, 2),
                                        tickets->text(r, 3), tickets->text(r, 4), tickets->text(r, 5),
                                        from_unix_ms(tickets->int64(r, 6))});
  }
  return std::optional<RequesterProfile>(std::move(p));
}

Result<std::optional<std::int64_t>> key_owner(Connection& db, const char* kind, const std::string& value) {
  if (value.empty()) return std::optional<std::int64_t>();
  auto found = db.exec("SELECT requester_id FROM requester_keys WHERE kind = $1 AND value = $2", {text(kind), text(value)});
  if (!found) return fail(found);
  if (found->size() == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(found->int64(0, 0));
}

Result<std::vector<TicketLink>> read_links(Connection& db, std::int64_t ticket_id) {
  auto rows = db.exec(
      "SELECT l.other_id, t.ref, l.kind, t.status, l.created_at FROM ticket_links l JOIN tickets t ON t.id = l.other_id "
      "WHERE l.ticket_id = $1 "
      "UNION ALL SELECT l.ticket_id, t.ref, CASE l.kind WHEN 'duplicate_of' THEN 'duplicated_by' ELSE l.kind END, "
      "t.status, l.created_at FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id WHERE l.other_id = $1 "
      "ORDER BY 5, 1",
      {int64(ticket_id)});
  if (!rows) return fail(rows);
  std::vector<TicketLink> out;
  for (int r = 0; r < rows->size(); ++r) {
    out.push_back(TicketLink{rows->int64(r, 0), rows->text(r, 1), rows->text(r, 2), rows->text(r, 3),
                             from_unix_ms(rows->int64(r, 4))});
  }
  return out;
}

}  // namespace

Result<std::optional<RequesterProfile>> PgTicketStore::find_requester(const RequesterKeys& keys) {
  return pool_->with_connection([&](Connection& db) -> Result<std::optional<RequesterProfile>> {
    auto id = key_owner(db, "email", keys.email);
    if (id && !*id) id = key_owner(db, "phone", keys.phone);
    if (!id) return fail(id);
    if (!*id) return std::optional<RequesterProfile>();
    return read_profile(db, **id);
  });
}

Result<std::optional<RequesterProfile>> PgTicketStore::requester(std::int64_t id) {
  return pool_->with_connection([&](Connection& db) { return read_profile(db, id); });
}

Result<std::vector<TicketLink>> PgTicketStore::links(std::int64_t ticket_id) {
  return pool_->with_connection([&](Connection& db) { return read_links(db, ticket_id); });
}

}  // namespace triaged::storage::pg

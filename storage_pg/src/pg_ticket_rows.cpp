#include "pg_ticket_rows.h"

#include <exception>
#include <map>

#include <boost/json.hpp>

#include "ticket_ref.h"

namespace triaged::storage::pg {
namespace {

using StringMap = std::map<std::string, std::string>;

std::string to_json(const StringMap& map) {
  boost::json::object object;
  for (const auto& [key, value] : map) object[key] = value;
  return boost::json::serialize(object);
}

std::optional<StringMap> from_json(std::string_view json) {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  StringMap map;
  for (const auto& [key, item] : value.get_object()) {
    if (!item.is_string()) return std::nullopt;
    map.emplace(std::string(key), std::string(item.get_string()));
  }
  return map;
}

std::optional<routing::Priority> parse_priority(std::string_view text) {
  using routing::Priority;
  for (const Priority p : {Priority::low, Priority::normal, Priority::high, Priority::urgent}) {
    if (text == routing::to_string(p)) return p;
  }
  return std::nullopt;
}

StoreError corrupt(std::int64_t id, std::string_view what) {
  return StoreError{StoreError::Code::io,
                    "ticket " + std::to_string(id) + ": undecodable " + std::string(what)};
}

}  // namespace

std::int64_t to_unix_ms(Clock::time_point at) {
  return std::chrono::floor<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

Clock::time_point from_unix_ms(std::int64_t ms) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(ms)));
}

Result<StoredTicket> read_ticket(const Rows& rows, int r, int c) {
  // Boost.JSON may throw on allocation failure; no exception leaves storage.
  try {
    StoredTicket t;
    t.id = rows.int64(r, c + 0);
    t.ref = rows.text(r, c + 1);
    t.created_at = from_unix_ms(rows.int64(r, c + 2));
    t.updated_at = from_unix_ms(rows.int64(r, c + 3));
    t.ticket.channel = rows.text(r, c + 4);
    t.ticket.requester.name = rows.text(r, c + 5);
    t.ticket.requester.email = rows.text(r, c + 6);
    t.ticket.requester.phone = rows.text(r, c + 7);
    t.ticket.subject = rows.text(r, c + 8);
    t.ticket.body = rows.text(r, c + 9);
    auto fields = from_json(rows.text(r, c + 10));
    if (!fields) return std::unexpected(corrupt(t.id, "fields_json"));
    t.ticket.fields = std::move(*fields);
    auto headers = from_json(rows.text(r, c + 11));
    if (!headers) return std::unexpected(corrupt(t.id, "headers_json"));
    t.ticket.headers = std::move(*headers);
    t.ticket.topic = rows.text(r, c + 12);
    t.topic = rows.text(r, c + 13);
    t.department = rows.text(r, c + 14);
    const auto priority = parse_priority(rows.text(r, c + 15));
    if (!priority) return std::unexpected(corrupt(t.id, "priority"));
    t.priority = *priority;
    t.status = rows.text(r, c + 16);
    if (const auto due = rows.optional_int64(r, c + 17)) t.due_at = from_unix_ms(*due);
    t.rules_version = rows.text(r, c + 18);
    t.decision_json = rows.text(r, c + 19);
    t.idempotency_key = rows.text(r, c + 20);
    t.assignee = rows.text(r, c + 21);
    t.requester_id = rows.optional_int64(r, c + 22);
    return t;
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

namespace {

Result<std::optional<StoredTicket>> select_one(Connection& db, const std::string& sql, std::int64_t id) {
  auto rows = db.exec(sql, {int64(id)});
  if (!rows) return std::unexpected(std::move(rows.error()));
  if (rows->size() == 0) return std::optional<StoredTicket>();
  auto ticket = read_ticket(*rows, 0);
  if (!ticket) return std::unexpected(std::move(ticket.error()));
  return std::optional<StoredTicket>(std::move(*ticket));
}

}  // namespace

Result<std::optional<StoredTicket>> select_ticket(Connection& db, std::int64_t id) {
  static const std::string kSql = "SELECT " + std::string(kTicketColumns) + " FROM tickets WHERE id = $1";
  return select_one(db, kSql, id);
}

Result<std::optional<StoredTicket>> select_ticket_for_update(Connection& db, std::int64_t id) {
  static const std::string kSql =
      "SELECT " + std::string(kTicketColumns) + " FROM tickets WHERE id = $1 FOR UPDATE";
  return select_one(db, kSql, id);
}

Result<void> insert_event(Connection& db, std::int64_t ticket_id, Clock::time_point at,
                          std::string_view kind, const std::string& data_json) {
  auto done = db.exec("INSERT INTO ticket_events (ticket_id, at, kind, data_json) VALUES ($1, $2, $3, $4)",
                      {int64(ticket_id), int64(to_unix_ms(at)), text(std::string(kind)), text(data_json)});
  if (!done) return std::unexpected(std::move(done.error()));
  return {};
}

Result<void> touch_ticket(Connection& db, std::int64_t ticket_id, Clock::time_point at) {
  auto done = db.exec("UPDATE tickets SET updated_at = greatest(updated_at, $2) WHERE id = $1",
                      {int64(ticket_id), int64(to_unix_ms(at))});
  if (!done) return std::unexpected(std::move(done.error()));
  return {};
}

Result<CreateOutcome> insert_new_ticket(Connection& db, const NewTicket& ticket,
                                        std::optional<std::int64_t> requester_id) {
  std::string fields_json, headers_json, event_json;
  try {
    fields_json = to_json(ticket.ticket.fields);
    headers_json = to_json(ticket.ticket.headers);
    event_json = boost::json::serialize(boost::json::object{
        {"status", ticket.status}, {"topic", ticket.topic}, {"department", ticket.department}});
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
  // From the sequence, so two nodes never pick one id; a rolled-back create leaves a gap.
  auto next = db.exec("SELECT nextval('tickets_id_seq')");
  if (!next) return std::unexpected(std::move(next.error()));
  const std::int64_t id = next->int64(0, 0);
  const std::string ref = encode_ref(id);
  const std::int64_t at = to_unix_ms(ticket.received_at);
  std::optional<std::int64_t> due;
  if (ticket.due_at) due = to_unix_ms(*ticket.due_at);
  const auto& t = ticket.ticket;
  // NULL, not "", for "no key": UNIQUE allows any number of NULLs but only one "".
  auto inserted = db.exec(
      "INSERT INTO tickets (id, ref, created_at, updated_at, channel, requester_name, "
      "requester_email, requester_phone, subject, body, fields_json, headers_json, "
      "explicit_topic, topic, department, priority, status, due_at, rules_version, "
      "decision_json, idempotency_key, request_hash, requester_id) "
      "VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
      "$18, $19, $20, $21, $22)",
      {int64(id), text(ref), int64(at), text(t.channel), text(t.requester.name),
       text(t.requester.email), text(t.requester.phone), text(t.subject), text(t.body),
       text(fields_json), text(headers_json), text(t.topic), text(ticket.topic),
       text(ticket.department), text(std::string(routing::to_string(ticket.priority))),
       text(ticket.status), int64(due), text(ticket.rules_version), text(ticket.decision_json),
       ticket.idempotency_key.empty() ? null() : text(ticket.idempotency_key),
       text(ticket.request_hash), int64(requester_id)});
  if (!inserted) return std::unexpected(std::move(inserted.error()));
  if (auto event = insert_event(db, id, ticket.received_at, "created", event_json); !event) {
    return std::unexpected(std::move(event.error()));
  }
  StoredTicket stored;
  stored.id = id;
  stored.ref = ref;
  stored.ticket = t;
  stored.topic = ticket.topic;
  stored.department = ticket.department;
  stored.priority = ticket.priority;
  stored.status = ticket.status;
  if (due) stored.due_at = from_unix_ms(*due);
  stored.created_at = from_unix_ms(at);
  stored.updated_at = stored.created_at;
  stored.rules_version = ticket.rules_version;
  stored.decision_json = ticket.decision_json;
  stored.idempotency_key = ticket.idempotency_key;
  stored.requester_id = requester_id;
  return CreateOutcome{std::move(stored), true};
}

Result<StoredTicket> locked_ticket(Connection& db, std::int64_t id) {
  auto current = select_ticket_for_update(db, id);
  if (!current) return std::unexpected(std::move(current.error()));
  if (!*current) return std::unexpected(StoreError{StoreError::Code::bad_request, "no ticket " + std::to_string(id)});
  return std::move(**current);
}

Result<std::string> serialize(const boost::json::object& data) {
  try {
    return boost::json::serialize(data);
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

}  // namespace triaged::storage::pg

#include "ticket_row.h"

#include <exception>
#include <map>

#include <boost/json.hpp>

#include "reply_queue.h"
#include "ticket_admission.h"
#include "ticket_ref.h"

namespace triaged::storage {
namespace {

using StringMap = std::map<std::string, std::string>;

std::string to_json(const StringMap& map) {
  boost::json::object object;
  for (const auto& [key, value] : map) object[key] = value;
  return boost::json::serialize(object);
}

std::optional<StringMap> from_json(std::string_view json) {
  boost::json::parse_options options;
  // Adapters promise UTF-8, but a stored ticket must stay readable even if one slipped.
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

std::string created_event_json(const NewTicket& ticket) {
  const boost::json::object data{{"status", ticket.status},
                                 {"topic", ticket.topic},
                                 {"department", ticket.department}};
  return boost::json::serialize(data);
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
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(ms)));
}

Result<StoredTicket> read_ticket(const Statement& row) {
  // Boost.JSON throws on allocation failure even through its error_code overloads; no
  // exception may leave storage, so it is caught here, where JSON is decoded.
  try {
    StoredTicket t;
    t.id = row.column_int64(0);
    t.ref = row.column_text(1);
    t.created_at = from_unix_ms(row.column_int64(2));
    t.updated_at = from_unix_ms(row.column_int64(3));
    t.ticket.channel = row.column_text(4);
    t.ticket.requester.name = row.column_text(5);
    t.ticket.requester.email = row.column_text(6);
    t.ticket.requester.phone = row.column_text(7);
    t.ticket.subject = row.column_text(8);
    t.ticket.body = row.column_text(9);
    auto fields = from_json(row.column_text(10));
    if (!fields) return std::unexpected(corrupt(t.id, "fields_json"));
    t.ticket.fields = std::move(*fields);
    auto headers = from_json(row.column_text(11));
    if (!headers) return std::unexpected(corrupt(t.id, "headers_json"));
    t.ticket.headers = std::move(*headers);
    t.ticket.topic = row.column_text(12);
    t.topic = row.column_text(13);
    t.department = row.column_text(14);
    const auto priority = parse_priority(row.column_text(15));
    if (!priority) return std::unexpected(corrupt(t.id, "priority"));
    t.priority = *priority;
    t.status = row.column_text(16);
    if (const auto due = row.column_optional_int64(17)) t.due_at = from_unix_ms(*due);
    t.rules_version = row.column_text(18);
    t.decision_json = row.column_text(19);
    t.idempotency_key = row.column_text(20);  // NULL reads as ""
    t.assignee = row.column_text(21);
    t.requester_id = row.column_optional_int64(22);
    return t;
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

Result<StoredTicket> insert_ticket(Database& db, std::int64_t id, const std::string& ref,
                                   const NewTicket& ticket, std::optional<std::int64_t> requester_id) {
  std::string fields_json, headers_json, event_json;
  try {
    fields_json = to_json(ticket.ticket.fields);
    headers_json = to_json(ticket.ticket.headers);
    event_json = created_event_json(ticket);
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
  const std::int64_t at = to_unix_ms(ticket.received_at);
  std::optional<std::int64_t> due;
  if (ticket.due_at) due = to_unix_ms(*ticket.due_at);
  const auto& t = ticket.ticket;

  auto insert = db.prepare(
      "INSERT INTO tickets (id, ref, created_at, updated_at, channel, requester_name, "
      "requester_email, requester_phone, subject, body, fields_json, headers_json, "
      "explicit_topic, topic, department, priority, status, due_at, rules_version, "
      "decision_json, idempotency_key, request_hash, requester_id) "
      "VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "?18, ?19, ?20, ?21, ?22)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, id).bind(2, ref).bind(3, at).bind(4, t.channel).bind(5, t.requester.name);
  insert->bind(6, t.requester.email).bind(7, t.requester.phone).bind(8, t.subject);
  insert->bind(9, t.body).bind(10, fields_json).bind(11, headers_json).bind(12, t.topic);
  insert->bind(13, ticket.topic).bind(14, ticket.department);
  insert->bind(15, routing::to_string(ticket.priority)).bind(16, ticket.status).bind(17, due);
  insert->bind(18, ticket.rules_version).bind(19, ticket.decision_json);
  // NULL, not "", for "no key": UNIQUE allows any number of NULLs but only one "".
  if (ticket.idempotency_key.empty()) {
    insert->bind_null(20);
  } else {
    insert->bind(20, ticket.idempotency_key);
  }
  insert->bind(21, ticket.request_hash).bind(22, requester_id);
  if (auto done = insert->run(); !done) return std::unexpected(std::move(done.error()));

  auto event = db.prepare(
      "INSERT INTO ticket_events (ticket_id, at, kind, data_json) VALUES (?1, ?2, 'created', ?3)");
  if (!event) return std::unexpected(std::move(event.error()));
  event->bind(1, id).bind(2, at).bind(3, event_json);
  if (auto done = event->run(); !done) return std::unexpected(std::move(done.error()));

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
  return stored;
}

Result<CreateOutcome> create_one(Database& db, const NewTicket& ticket, const MergedMessageWriter& write_merged) {
  if (!ticket.idempotency_key.empty()) {
    // Runs inside the batch transaction, so it also sees a same-key create committed
    // earlier in this very batch.
    static const std::string kSelectByKey =
        "SELECT " + std::string(kTicketColumns) +
        ", request_hash FROM tickets WHERE idempotency_key = ?1";
    auto existing = db.prepare(kSelectByKey);
    if (!existing) return std::unexpected(std::move(existing.error()));
    existing->bind(1, ticket.idempotency_key);
    auto row = existing->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (*row) {
      if (existing->column_text(23) != ticket.request_hash) {
        return std::unexpected(StoreError{
            StoreError::Code::conflict,
            "idempotency key '" + ticket.idempotency_key + "' was used for a different request"});
      }
      auto first = read_ticket(*existing);
      if (!first) return std::unexpected(std::move(first.error()));
      CreateOutcome replay{std::move(*first), false};
      replay.replayed = true;
      return replay;
    }
  }
  auto admitted = admit_ticket(db, ticket, write_merged);
  if (!admitted || !admitted->created || admitted->merged || !ticket.acknowledgement) return admitted;
  auto queued = queue_capped_reply(db, admitted->ticket, ticket.received_at, *ticket.acknowledgement);
  if (!queued) return std::unexpected(std::move(queued.error()));
  return admitted;
}

Result<CreateOutcome> insert_new_ticket(Database& db, const NewTicket& ticket,
                                        std::optional<std::int64_t> requester_id) {
  // Safe without AUTOINCREMENT: this connection holds the write lock and rows are never
  // deleted, so max(id) + 1 is the id SQLite would pick, known before the insert so the
  // ref can go into the same row.
  auto next_id = db.query_int64("SELECT coalesce(max(id), 0) + 1 FROM tickets");
  if (!next_id) return std::unexpected(std::move(next_id.error()));
  auto stored = insert_ticket(db, *next_id, encode_ref(*next_id), ticket, requester_id);
  if (!stored) return std::unexpected(std::move(stored.error()));
  return CreateOutcome{std::move(*stored), true};
}

}  // namespace triaged::storage

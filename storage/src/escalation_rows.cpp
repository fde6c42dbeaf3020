#include "escalation_rows.h"

#include <boost/json.hpp>

#include <exception>
#include <utility>

#include "mail_rows.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

namespace json = boost::json;

StoreError io_error(const std::exception& e) { return StoreError{StoreError::Code::io, e.what()}; }

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find('\n', at);
    out.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return out;
}

// The clock starts when the ticket reached its queue; the first response is the first staff
// action (a claim, a reply to the customer, a status change). A reply that releases a needs_info ticket also writes "status_changed" (from
// needs_info), which is the customer's doing, not staff's.
constexpr const char* kOpenTickets = R"sql(
SELECT t.id, t.ref, t.subject, t.topic, t.department, t.priority, t.status, t.assignee,
       t.created_at, t.due_at,
       coalesce((SELECT max(e.at) FROM ticket_events e
                 WHERE e.ticket_id = t.id AND e.kind = 'fields_completed'), t.created_at),
       (SELECT min(e.at) FROM ticket_events e
        WHERE e.ticket_id = t.id
          AND (e.kind IN ('claimed', 'staff_reply')
               OR (e.kind = 'status_changed'
                   AND coalesce(json_extract(e.data_json, '$.from'), '') <> 'needs_info'))),
       (SELECT group_concat(x.level, char(10)) FROM escalations x WHERE x.ticket_id = t.id)
FROM tickets t
WHERE t.id > ?1 AND t.status NOT IN ('needs_info', 'resolved', 'closed')
ORDER BY t.id LIMIT ?2)sql";

routing::Priority priority_of(const std::string& name) {
  using routing::Priority;
  for (Priority p : {Priority::low, Priority::normal, Priority::high, Priority::urgent})
    if (name == routing::to_string(p)) return p;
  return Priority::normal;
}

Result<std::int64_t> insert_record(Database& db, const Escalation& e) {
  // DO NOTHING on the (ticket, level) key: a level recorded before is not an error, it is
  // the answer "already done", and the caller writes nothing else.
  auto insert = db.prepare(
      "INSERT INTO escalations (ticket_id, level, at, sla, percent, action, threshold_at, deadline_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (ticket_id, level) DO NOTHING RETURNING id");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, e.ticket_id).bind(2, e.level).bind(3, to_unix_ms(e.at)).bind(4, e.sla);
  insert->bind(5, std::int64_t{e.percent}).bind(6, e.action);
  insert->bind(7, to_unix_ms(e.threshold_at)).bind(8, to_unix_ms(e.deadline_at));
  auto row = insert->step();
  if (!row) return std::unexpected(std::move(row.error()));
  return *row ? insert->column_int64(0) : 0;
}

Result<std::int64_t> insert_webhook(Database& db, const Escalation& e, std::int64_t escalation_id) {
  auto insert = db.prepare(
      "INSERT INTO webhook_outbox (ticket_id, escalation_id, created_at, url, secret_env, body, attempts, "
      "next_attempt_at, status, last_error, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?3, 'pending', '', NULL)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, e.ticket_id).bind(2, escalation_id).bind(3, to_unix_ms(e.at));
  insert->bind(4, e.webhook->url).bind(5, e.webhook->secret_env).bind(6, e.webhook->body);
  if (auto done = insert->run(); !done) return std::unexpected(std::move(done.error()));
  return sqlite3_last_insert_rowid(db.handle());
}

// The department before the move, or nullopt when the ticket is missing.
Result<std::optional<std::string>> reassign(Database& db, const Escalation& e) {
  auto select = db.prepare("SELECT department FROM tickets WHERE id = ?1");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, e.ticket_id);
  auto row = select->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<std::string>{};
  std::string from = select->column_text(0);
  if (from == e.reassign_to) return std::optional<std::string>{std::move(from)};
  auto update = db.prepare("UPDATE tickets SET department = ?2, updated_at = ?3 WHERE id = ?1");
  if (!update) return std::unexpected(std::move(update.error()));
  update->bind(1, e.ticket_id).bind(2, e.reassign_to).bind(3, to_unix_ms(e.at));
  if (auto done = update->run(); !done) return std::unexpected(std::move(done.error()));
  return std::optional<std::string>{std::move(from)};
}

}  // namespace

Result<SlaTicketPage> read_open_tickets(Database& db, std::int64_t after_id, int limit) {
  auto select = db.prepare(kOpenTickets);
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, after_id).bind(2, std::int64_t{limit});
  SlaTicketPage page;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    SlaTicket t;
    t.id = select->column_int64(0);
    t.ref = select->column_text(1);
    t.subject = select->column_text(2);
    t.topic = select->column_text(3);
    t.department = select->column_text(4);
    t.priority = priority_of(select->column_text(5));
    t.status = select->column_text(6);
    t.assignee = select->column_text(7);
    t.created_at = from_unix_ms(select->column_int64(8));
    if (auto due = select->column_optional_int64(9)) t.due_at = from_unix_ms(*due);
    t.clock_started_at = from_unix_ms(select->column_int64(10));
    if (auto first = select->column_optional_int64(11)) t.first_response_at = from_unix_ms(*first);
    t.fired = split_lines(select->column_text(12));
    page.tickets.push_back(std::move(t));
  }
  if (static_cast<int>(page.tickets.size()) == limit) page.next_after_id = page.tickets.back().id;
  return page;
}

Result<EscalationOutcome> record_escalation(Database& db, const Escalation& e) {
  EscalationOutcome out;
  auto id = insert_record(db, e);
  if (!id) return std::unexpected(std::move(id.error()));
  if (*id == 0) return out;
  out.recorded = true;
  try {
    json::object data{{"level", e.level},       {"sla", e.sla},
                      {"percent", e.percent},   {"action", e.action},
                      {"threshold_at", to_unix_ms(e.threshold_at)},
                      {"deadline_at", to_unix_ms(e.deadline_at)}};
    if (e.mail) {
      auto queued = insert_outbox(db, e.ticket_id, e.at, *e.mail);
      if (!queued) return std::unexpected(std::move(queued.error()));
      out.outbox_id = *queued;
      data["to"] = e.mail->to_address;
      data["outbox_id"] = out.outbox_id;
    } else if (e.webhook) {
      auto queued = insert_webhook(db, e, *id);
      if (!queued) return std::unexpected(std::move(queued.error()));
      out.webhook_id = *queued;
      data["url"] = e.webhook->url;
      data["webhook_id"] = out.webhook_id;
    } else if (!e.reassign_to.empty()) {
      auto from = reassign(db, e);
      if (!from) return std::unexpected(std::move(from.error()));
      if (!*from)
        return std::unexpected(StoreError{StoreError::Code::bad_request, "no ticket " + std::to_string(e.ticket_id)});
      out.reassigned = **from != e.reassign_to;
      data["from_department"] = **from;
      data["to_department"] = e.reassign_to;
      if (!out.reassigned) data["note"] = "the ticket was in that department already";
    }
    if (!e.note.empty()) data["note"] = e.note;
    if (auto added = insert_event(db, e.ticket_id, e.at, "escalated", json::serialize(data)); !added)
      return std::unexpected(std::move(added.error()));
  } catch (const std::exception& ex) {
    return std::unexpected(io_error(ex));
  }
  return out;
}

Result<std::vector<EscalationRecord>> read_escalations(Database& db, std::int64_t ticket_id) {
  auto select = db.prepare(
      "SELECT id, ticket_id, level, sla, percent, action, at, threshold_at, deadline_at FROM escalations "
      "WHERE ticket_id = ?1 ORDER BY id");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, ticket_id);
  std::vector<EscalationRecord> out;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return out;
    out.push_back({select->column_int64(0), select->column_int64(1), select->column_text(2),
                   select->column_text(3), static_cast<int>(select->column_int64(4)), select->column_text(5),
                   from_unix_ms(select->column_int64(6)), from_unix_ms(select->column_int64(7)),
                   from_unix_ms(select->column_int64(8))});
  }
}

Result<std::vector<WebhookItem>> read_webhooks(Database& db, std::int64_t ticket_id, Clock::time_point now,
                                               int limit) {
  constexpr const char* kColumns =
      "SELECT id, ticket_id, escalation_id, url, secret_env, body, attempts, created_at, next_attempt_at, "
      "status, last_error, sent_at FROM webhook_outbox ";
  auto select = ticket_id == 0
                    ? db.prepare(std::string(kColumns) +
                                 "WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id "
                                 "LIMIT ?2")
                    : db.prepare(std::string(kColumns) + "WHERE ticket_id = ?3 ORDER BY id LIMIT ?2");
  if (!select) return std::unexpected(std::move(select.error()));
  if (ticket_id == 0) select->bind(1, to_unix_ms(now));
  else select->bind(3, ticket_id);
  select->bind(2, std::int64_t{limit});
  std::vector<WebhookItem> out;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return out;
    WebhookItem w;
    w.id = select->column_int64(0);
    w.ticket_id = select->column_int64(1);
    w.escalation_id = select->column_int64(2);
    w.call = {select->column_text(3), select->column_text(4), select->column_text(5)};
    w.attempts = static_cast<int>(select->column_int64(6));
    w.created_at = from_unix_ms(select->column_int64(7));
    w.next_attempt_at = from_unix_ms(select->column_int64(8));
    w.status = select->column_text(9);
    w.last_error = select->column_text(10);
    if (auto sent = select->column_optional_int64(11)) w.sent_at = from_unix_ms(*sent);
    out.push_back(std::move(w));
  }
}

Result<void> webhook_sent(Database& db, std::int64_t webhook_id, Clock::time_point at) {
  auto update = db.prepare(
      "UPDATE webhook_outbox SET status = 'sent', sent_at = ?2, last_error = '' WHERE id = ?1 RETURNING ticket_id");
  if (!update) return std::unexpected(std::move(update.error()));
  update->bind(1, webhook_id).bind(2, to_unix_ms(at));
  auto row = update->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::unexpected(StoreError{StoreError::Code::bad_request, "no webhook " + std::to_string(webhook_id)});
  const std::int64_t ticket_id = update->column_int64(0);
  return insert_event(db, ticket_id, at, "webhook_sent",
                      json::serialize(json::object{{"webhook_id", webhook_id}}));
}

Result<void> webhook_failed(Database& db, std::int64_t webhook_id, const std::string& error,
                            std::optional<Clock::time_point> next_attempt_at, Clock::time_point now) {
  auto update = db.prepare(
      "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?2, "
      "next_attempt_at = coalesce(?3, next_attempt_at), "
      "status = CASE WHEN ?3 IS NULL THEN 'failed' ELSE status END WHERE id = ?1 RETURNING ticket_id, attempts");
  if (!update) return std::unexpected(std::move(update.error()));
  std::optional<std::int64_t> next;
  if (next_attempt_at) next = to_unix_ms(*next_attempt_at);
  update->bind(1, webhook_id).bind(2, error).bind(3, next);
  auto row = update->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::unexpected(StoreError{StoreError::Code::bad_request, "no webhook " + std::to_string(webhook_id)});
  const std::int64_t ticket_id = update->column_int64(0);
  const std::int64_t attempt = update->column_int64(1);
  try {
    const json::object data{{"webhook_id", webhook_id}, {"error", error}, {"attempt", attempt},
                            {"gave_up", !next_attempt_at.has_value()}};
    return insert_event(db, ticket_id, now, "webhook_failed", json::serialize(data));
  } catch (const std::exception& e) {
    return std::unexpected(io_error(e));
  }
}

}  // namespace triaged::storage

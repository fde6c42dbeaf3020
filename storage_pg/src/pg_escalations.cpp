// EscalationStore on PostgreSQL, over PgTicketStore's pool: each record one transaction. The
// UNIQUE (ticket_id, level) key makes "once per ticket and level" hold whichever node's
// scheduler fires first; the loser's INSERT ... ON CONFLICT DO NOTHING writes nothing (it
// waits for the winner's commit, then sees its row). Webhook calls are claimed for a lease
// like the mail outbox (pg_mail_store.cpp), so one node delivers each.
#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include <boost/json.hpp>

#include "pg_mail_rows.h"
#include "pg_ticket_rows.h"
#include "pg_ticket_store.h"
#include "storage/escalations.h"

namespace triaged::storage::pg {
namespace {

namespace json = boost::json;

constexpr std::chrono::seconds kWebhookLease{120};

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

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

// See storage/src/escalation_rows.cpp: the clock starts when the ticket reached its queue;
// the first response is the first staff action (a claim, a reply to the customer, a status
// change), not a customer's reply releasing it.
constexpr const char* kOpenTickets = R"sql(
SELECT t.id, t.ref, t.subject, t.topic, t.department, t.priority, t.status, t.assignee,
       t.created_at, t.due_at,
       coalesce((SELECT max(e.at) FROM ticket_events e
                 WHERE e.ticket_id = t.id AND e.kind = 'fields_completed'), t.created_at),
       (SELECT min(e.at) FROM ticket_events e
        WHERE e.ticket_id = t.id
          AND (e.kind IN ('claimed', 'staff_reply')
               OR (e.kind = 'status_changed'
                   AND coalesce(try_jsonb(e.data_json) ->> 'from', '') <> 'needs_info'))),
       (SELECT string_agg(x.level, E'\n' ORDER BY x.id) FROM escalations x WHERE x.ticket_id = t.id)
FROM tickets t
WHERE t.id > $1 AND t.status NOT IN ('needs_info', 'resolved', 'closed')
ORDER BY t.id LIMIT $2)sql";

constexpr const char* kWebhookColumns =
    "id, ticket_id, escalation_id, url, secret_env, body, attempts, created_at, next_attempt_at, "
    "status, last_error, sent_at";

routing::Priority priority_of(const std::string& name) {
  using routing::Priority;
  for (Priority p : {Priority::low, Priority::normal, Priority::high, Priority::urgent})
    if (name == routing::to_string(p)) return p;
  return Priority::normal;
}

std::vector<WebhookItem> read_webhook_rows(const Rows& rows) {
  std::vector<WebhookItem> out;
  for (int r = 0; r < rows.size(); ++r) {
    WebhookItem w;
    w.id = rows.int64(r, 0);
    w.ticket_id = rows.int64(r, 1);
    w.escalation_id = rows.int64(r, 2);
    w.call = {rows.text(r, 3), rows.text(r, 4), rows.text(r, 5)};
    w.attempts = static_cast<int>(rows.int64(r, 6));
    w.created_at = from_unix_ms(rows.int64(r, 7));
    w.next_attempt_at = from_unix_ms(rows.int64(r, 8));
    w.status = rows.text(r, 9);
    w.last_error = rows.text(r, 10);
    if (auto sent = rows.optional_int64(r, 11)) w.sent_at = from_unix_ms(*sent);
    out.push_back(std::move(w));
  }
  return out;
}

Result<EscalationOutcome> record_escalation(Connection& db, const Escalation& e) {
  EscalationOutcome out;
  auto inserted = db.exec(
      "INSERT INTO escalations (ticket_id, level, at, sla, percent, action, threshold_at, deadline_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (ticket_id, level) DO NOTHING RETURNING id",
      {int64(e.ticket_id), text(e.level), int64(to_unix_ms(e.at)), text(e.sla), int64(std::int64_t{e.percent}),
       text(e.action), int64(to_unix_ms(e.threshold_at)), int64(to_unix_ms(e.deadline_at))});
  if (!inserted) {
    // A missing ticket is the caller's mistake, as on SQLite (whose foreign keys say the same).
    if (inserted.error().message.find("(SQLSTATE 23503)") != std::string::npos)
      return std::unexpected(StoreError{StoreError::Code::bad_request, "no ticket " + std::to_string(e.ticket_id)});
    return fail(inserted);
  }
  if (inserted->size() == 0) return out;
  const std::int64_t id = inserted->int64(0, 0);
  out.recorded = true;
  try {
    json::object data{{"level", e.level},
                      {"sla", e.sla},
                      {"percent", e.percent},
                      {"action", e.action},
                      {"threshold_at", to_unix_ms(e.threshold_at)},
                      {"deadline_at", to_unix_ms(e.deadline_at)}};
    if (e.mail) {
      auto queued = insert_outbox(db, e.ticket_id, e.at, *e.mail);
      if (!queued) return fail(queued);
      out.outbox_id = *queued;
      data["to"] = e.mail->to_address;
      data["outbox_id"] = out.outbox_id;
    } else if (e.webhook) {
      auto queued = db.exec(
          "INSERT INTO webhook_outbox (ticket_id, escalation_id, created_at, url, secret_env, body, attempts, "
          "next_attempt_at, status, last_error, sent_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $3, 'pending', '', NULL) "
          "RETURNING id",
          {int64(e.ticket_id), int64(id), int64(to_unix_ms(e.at)), text(e.webhook->url), text(e.webhook->secret_env),
           text(e.webhook->body)});
      if (!queued) return fail(queued);
      out.webhook_id = queued->int64(0, 0);
      data["url"] = e.webhook->url;
      data["webhook_id"] = out.webhook_id;
    } else if (!e.reassign_to.empty()) {
      auto current = db.exec("SELECT department FROM tickets WHERE id = $1 FOR UPDATE", {int64(e.ticket_id)});
      if (!current) return fail(current);
      if (current->size() == 0)
        return std::unexpected(StoreError{StoreError::Code::bad_request, "no ticket " + std::to_string(e.ticket_id)});
      const std::string from = current->text(0, 0);
      out.reassigned = from != e.reassign_to;
      if (out.reassigned) {
        auto moved = db.exec("UPDATE tickets SET department = $2, updated_at = $3 WHERE id = $1",
                             {int64(e.ticket_id), text(e.reassign_to), int64(to_unix_ms(e.at))});
        if (!moved) return fail(moved);
      }
      data["from_department"] = from;
      data["to_department"] = e.reassign_to;
      if (!out.reassigned) data["note"] = "the ticket was in that department already";
    }
    if (!e.note.empty()) data["note"] = e.note;
    if (auto added = insert_event(db, e.ticket_id, e.at, "escalated", json::serialize(data)); !added) return fail(added);
  } catch (const std::exception& ex) {
    return std::unexpected(StoreError{StoreError::Code::io, ex.what()});
  }
  return out;
}

class PgEscalationStore final : public EscalationStore {
 public:
  explicit PgEscalationStore(PgTicketStore& store) : store_(store) {}

  Result<SlaTicketPage> open_tickets(std::int64_t after_id, int limit) override {
    limit = std::clamp(limit, 1, 1000);
    return store_.pool().with_connection([&](Connection& db) -> Result<SlaTicketPage> {
      auto rows = db.exec(kOpenTickets, {int64(after_id), int64(std::int64_t{limit})});
      if (!rows) return fail(rows);
      SlaTicketPage page;
      for (int r = 0; r < rows->size(); ++r) {
        SlaTicket t;
        t.id = rows->int64(r, 0);
        t.ref = rows->text(r, 1);
        t.subject = rows->text(r, 2);
        t.topic = rows->text(r, 3);
        t.department = rows->text(r, 4);
        t.priority = priority_of(rows->text(r, 5));
        t.status = rows->text(r, 6);
        t.assignee = rows->text(r, 7);
        t.created_at = from_unix_ms(rows->int64(r, 8));
        if (auto due = rows->optional_int64(r, 9)) t.due_at = from_unix_ms(*due);
        t.clock_started_at = from_unix_ms(rows->int64(r, 10));
        if (auto first = rows->optional_int64(r, 11)) t.first_response_at = from_unix_ms(*first);
        t.fired = split_lines(rows->text(r, 12));
        page.tickets.push_back(std::move(t));
      }
      if (static_cast<int>(page.tickets.size()) == limit) page.next_after_id = page.tickets.back().id;
      return page;
    });
  }

  Result<EscalationOutcome> record(const Escalation& escalation) override {
    return store_.write_now([&](Connection& db) { return record_escalation(db, escalation); });
  }

  Result<std::vector<EscalationRecord>> escalations(std::int64_t ticket_id) override {
    return store_.pool().with_connection([&](Connection& db) -> Result<std::vector<EscalationRecord>> {
      auto rows = db.exec(
          "SELECT id, ticket_id, level, sla, percent, action, at, threshold_at, deadline_at FROM escalations "
          "WHERE ticket_id = $1 ORDER BY id",
          {int64(ticket_id)});
      if (!rows) return fail(rows);
      std::vector<EscalationRecord> out;
      for (int r = 0; r < rows->size(); ++r) {
        out.push_back({rows->int64(r, 0), rows->int64(r, 1), rows->text(r, 2), rows->text(r, 3),
                       static_cast<int>(rows->int64(r, 4)), rows->text(r, 5), from_unix_ms(rows->int64(r, 6)),
                       from_unix_ms(rows->int64(r, 7)), from_unix_ms(rows->int64(r, 8))});
      }
      return out;
    });
  }

  Result<std::vector<WebhookItem>> due_webhooks(Clock::time_point now, int limit) override {
    return store_.write_now([&](Connection& db) -> Result<std::vector<WebhookItem>> {
      auto rows = db.exec(
          "WITH due AS (SELECT id, next_attempt_at FROM webhook_outbox WHERE status = 'pending' "
          "             AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED), "
          "claimed AS (UPDATE webhook_outbox w SET next_attempt_at = $3 FROM due WHERE w.id = due.id "
          "            RETURNING w.*, due.next_attempt_at AS due_at) "
          "SELECT id, ticket_id, escalation_id, url, secret_env, body, attempts, created_at, due_at, status, "
          "last_error, sent_at FROM claimed ORDER BY due_at, id",
          {int64(to_unix_ms(now)), int64(std::int64_t{std::clamp(limit, 1, 1000)}),
           int64(to_unix_ms(now + kWebhookLease))});
      if (!rows) return fail(rows);
      return read_webhook_rows(*rows);
    });
  }

  Result<std::vector<WebhookItem>> webhooks(std::int64_t ticket_id) override {
    return store_.pool().with_connection([&](Connection& db) -> Result<std::vector<WebhookItem>> {
      auto rows = db.exec(std::string("SELECT ") + kWebhookColumns +
                              " FROM webhook_outbox WHERE ticket_id = $1 ORDER BY id LIMIT 1000",
                          {int64(ticket_id)});
      if (!rows) return fail(rows);
      return read_webhook_rows(*rows);
    });
  }

  Result<void> mark_webhook_sent(std::int64_t webhook_id, Clock::time_point at) override {
    return store_.write_now([&](Connection& db) -> Result<void> {
      auto updated = db.exec(
          "UPDATE webhook_outbox SET status = 'sent', sent_at = $2, last_error = '' WHERE id = $1 RETURNING ticket_id",
          {int64(webhook_id), int64(to_unix_ms(at))});
      if (!updated) return fail(updated);
      if (updated->size() == 0)
        return std::unexpected(StoreError{StoreError::Code::bad_request, "no webhook " + std::to_string(webhook_id)});
      return insert_event(db, updated->int64(0, 0), at, "webhook_sent",
                          json::serialize(json::object{{"webhook_id", webhook_id}}));
    });
  }

  Result<void> mark_webhook_failed(std::int64_t webhook_id, const std::string& error,
                                   std::optional<Clock::time_point> next_attempt_at, Clock::time_point now) override {
    return store_.write_now([&](Connection& db) -> Result<void> {
      std::optional<std::int64_t> next;
      if (next_attempt_at) next = to_unix_ms(*next_attempt_at);
      auto updated = db.exec(
          "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $2, "
          "next_attempt_at = coalesce($3::bigint, next_attempt_at), "
          "status = CASE WHEN $3::bigint IS NULL THEN 'failed' ELSE status END WHERE id = $1 "
          "RETURNING ticket_id, attempts",
          {int64(webhook_id), text(error), int64(next)});
      if (!updated) return fail(updated);
      if (updated->size() == 0)
        return std::unexpected(StoreError{StoreError::Code::bad_request, "no webhook " + std::to_string(webhook_id)});
      try {
        const json::object data{{"webhook_id", webhook_id},
                                {"error", error},
                                {"attempt", updated->int64(0, 1)},
                                {"gave_up", !next_attempt_at.has_value()}};
        return insert_event(db, updated->int64(0, 0), now, "webhook_failed", json::serialize(data));
      } catch (const std::exception& e) {
        return std::unexpected(StoreError{StoreError::Code::io, e.what()});
      }
    });
  }

 private:
  PgTicketStore& store_;
};

}  // namespace

Result<std::unique_ptr<EscalationStore>> open_pg_escalations(TicketStore& store) {
  auto* pg = dynamic_cast<PgTicketStore*>(&store);
  if (pg == nullptr) return std::unexpected(StoreError{StoreError::Code::io, "not a PostgreSQL store"});
  return std::unique_ptr<EscalationStore>(std::make_unique<PgEscalationStore>(*pg));
}

}  // namespace triaged::storage::pg

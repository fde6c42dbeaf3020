// storage: SLA escalations. The daemon's scheduler reads open tickets with what their SLA
// clocks need, and records each escalation level once per ticket: the record, its event on
// the ticket and its effect (a mail in the outbox, a webhook call in the webhook outbox, or
// the ticket moved to another department) in one transaction. A UNIQUE (ticket, level)
// constraint makes "never twice" hold even for two schedulers on one database. The webhook
// outbox is delivered by the daemon with retries, as the mail outbox is.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "storage/mail.h"
#include "storage/result.h"

namespace triaged::storage {

class TicketStore;  // ticket_store.h

// An open ticket (not needs_info, resolved or closed) as the scheduler sees it.
struct SlaTicket {
  std::int64_t id = 0;
  std::string ref;
  std::string subject;
  std::string topic;
  std::string department;
  routing::Priority priority = routing::Priority::normal;
  std::string status;
  std::string assignee;                            // "" while nobody has claimed it
  Clock::time_point created_at;
  // When it reached its queue: created_at, or the last time a reply released it from
  // needs_info (its "fields_completed" event).
  Clock::time_point clock_started_at;
  // The first staff action: a "claimed" event, or a "status_changed" one not caused by the
  // customer's reply. Unset while there is none.
  std::optional<Clock::time_point> first_response_at;
  std::optional<Clock::time_point> due_at;
  std::vector<std::string> fired;                  // escalation levels already recorded
};

struct SlaTicketPage {
  std::vector<SlaTicket> tickets;                  // by id
  std::int64_t next_after_id = 0;                  // 0: no more
};

// A webhook call to make: the body is sent verbatim as application/json, signed with the
// secret held by the environment variable `secret_env` when it is sent (never stored).
struct WebhookCall {
  std::string url;
  std::string secret_env;
  std::string body;
};

// One escalation level firing for one ticket, and at most one effect of it.
struct Escalation {
  std::int64_t ticket_id = 0;
  std::string level;                               // the level's id in the rule set
  std::string sla;                                 // "first_response" | "resolution"
  int percent = 100;
  std::string action;                              // "notify_head", ...
  Clock::time_point at;                            // now, as the scheduler saw it
  Clock::time_point threshold_at;
  Clock::time_point deadline_at;
  std::optional<OutboxMail> mail;                  // notify_*: queued in the outbox
  std::optional<WebhookCall> webhook;              // webhook: queued in the webhook outbox
  std::string reassign_to;                         // reassign: the department; "" otherwise
  std::string note;                                // why there is no effect, if there is none
};

struct EscalationOutcome {
  bool recorded = false;      // false: this level was recorded for the ticket before; nothing written
  std::int64_t outbox_id = 0;
  std::int64_t webhook_id = 0;
  bool reassigned = false;    // the ticket moved (false when it was in that department already)
};

struct EscalationRecord {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  std::string level;
  std::string sla;
  int percent = 0;
  std::string action;
  Clock::time_point at;
  Clock::time_point threshold_at;
  Clock::time_point deadline_at;
};

struct WebhookItem {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  std::int64_t escalation_id = 0;
  WebhookCall call;
  int attempts = 0;
  Clock::time_point created_at;
  Clock::time_point next_attempt_at;
  std::string status;                              // "pending" | "sent" | "failed" (gave up)
  std::string last_error;
  std::optional<Clock::time_point> sent_at;
};

// Operations on the escalation tables of a TicketStore's database. Thread-safe; writes go
// through the store's write connection, one transaction each. Must not outlive the store.
class EscalationStore {
 public:
  virtual ~EscalationStore() = default;

  // Open tickets with id > after_id, by id, at most `limit` (1..1000).
  virtual Result<SlaTicketPage> open_tickets(std::int64_t after_id, int limit) = 0;
  // Records `escalation` unless its (ticket, level) was recorded before: the record, an
  // "escalated" event on the ticket and its effect, in one transaction. A reassign also sets
  // the ticket's department and updated_at. A missing ticket fails with Code::bad_request.
  virtual Result<EscalationOutcome> record(const Escalation& escalation) = 0;
  // Oldest first.
  virtual Result<std::vector<EscalationRecord>> escalations(std::int64_t ticket_id) = 0;

  // Pending webhook calls whose next_attempt_at <= now, oldest first.
  virtual Result<std::vector<WebhookItem>> due_webhooks(Clock::time_point now, int limit) = 0;
  virtual Result<std::vector<WebhookItem>> webhooks(std::int64_t ticket_id) = 0;
  // Marks it sent, with a "webhook_sent" event on the ticket.
  virtual Result<void> mark_webhook_sent(std::int64_t webhook_id, Clock::time_point at) = 0;
  // attempts+1 and last_error, then the next attempt time or, with nullopt, "failed" for
  // good; a "webhook_failed" event on the ticket either way.
  virtual Result<void> mark_webhook_failed(std::int64_t webhook_id, const std::string& error,
                                                              std::optional<Clock::time_point> next_attempt_at,
                                                              Clock::time_point now) = 0;
};

// The escalation tables of `store`'s database. Fails with Code::io for a store that is not
// the SQLite one.
Result<std::unique_ptr<EscalationStore>> open_escalations(TicketStore& store);

}  // namespace triaged::storage

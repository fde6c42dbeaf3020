#include "jobs/escalation_scheduler.h"

#include <spdlog/spdlog.h>

#include "jobs/escalation_messages.h"
#include "common/metrics.h"

namespace triaged::daemon {
namespace {

// Open tickets read per query; the scheduler holds no connection between pages.
constexpr int kPage = 500;

routing::SlaClock clock_of(const storage::SlaTicket& t) {
  return {t.topic, t.priority, t.clock_started_at, t.first_response_at, t.fired};
}

const routing::DepartmentSpec* department(const routing::RuleSet& rules, const std::string& id) {
  for (const auto& d : rules.spec().departments)
    if (d.id == id) return &d;
  return nullptr;
}

}  // namespace

storage::Escalation plan_escalation(const routing::RuleSet& rules, const storage::SlaTicket& ticket,
                                    const routing::DueEscalation& due, std::chrono::system_clock::time_point now,
                                    const EscalationOptions& options) {
  using routing::EscalationAction;
  const routing::EscalationSpec& level = due.level;
  storage::Escalation e;
  e.ticket_id = ticket.id;
  e.level = level.id;
  e.sla = routing::to_string(level.sla);
  e.percent = level.percent;
  e.action = routing::to_string(level.action);
  e.at = now;
  e.threshold_at = due.threshold_at;
  e.deadline_at = due.deadline_at;
  auto mail_to = [&](const std::string& address) {
    e.mail = escalation_mail(ticket, due, address, options.message_id_domain);
  };
  switch (level.action) {
    case EscalationAction::notify_assignee:
      // Staff claim tickets by name or by address; only an address can be mailed.
      if (ticket.assignee.empty()) e.note = "nobody has claimed the ticket";
      else if (ticket.assignee.find('@') == std::string::npos)
        e.note = "the assignee \"" + ticket.assignee + "\" is not an email address";
      else mail_to(ticket.assignee);
      break;
    case EscalationAction::notify_head: {
      const routing::DepartmentSpec* d = department(rules, ticket.department);
      if (d == nullptr || d->head.empty()) e.note = "department \"" + ticket.department + "\" has no head";
      else mail_to(d->head);
      break;
    }
    case EscalationAction::reassign:
      e.reassign_to = level.department;
      break;
    case EscalationAction::webhook:
      e.webhook = storage::WebhookCall{level.url, level.secret_env, escalation_webhook_body(ticket, due, now)};
      break;
  }
  return e;
}

EscalationScheduler::EscalationScheduler(storage::EscalationStore& store, Hooks hooks, EscalationOptions options)
    : store_(store),
      hooks_(std::move(hooks)),
      options_(std::move(options)),
      worker_(options_.scan_interval, [this] { (void)scan(); }) {}

EscalationScheduler::~EscalationScheduler() { stop(); }

ScanReport EscalationScheduler::scan() {
  ScanReport report;
  const auto rules = hooks_.rules();  // one snapshot for the whole scan
  if (!rules || rules->spec().escalations.empty()) return report;
  const auto now = hooks_.clock();
  bool mail = false;
  bool webhook = false;
  std::int64_t after = 0;
  do {
    auto page = store_.open_tickets(after, kPage);
    if (!page) {
      spdlog::error("escalations: reading open tickets: {}", page.error().message);
      break;
    }
    for (const storage::SlaTicket& ticket : page->tickets) {
      ++report.tickets;
      for (const routing::DueEscalation& due : routing::due_escalations(*rules, clock_of(ticket), now)) {
        auto recorded = store_.record(plan_escalation(*rules, ticket, due, now, options_));
        if (!recorded) {
          ++report.failed;
          spdlog::error("escalation {} of ticket {}: {}", due.level.id, ticket.ref, recorded.error().message);
          continue;
        }
        if (!recorded->recorded) continue;  // another scan got there first
        ++report.recorded;
        mail = mail || recorded->outbox_id != 0;
        webhook = webhook || recorded->webhook_id != 0;
        if (hooks_.metrics)
          hooks_.metrics->escalations.inc({due.level.id, routing::to_string(due.level.action)});
        spdlog::info("escalation {} ({} at {}% of {}) for ticket {}", due.level.id,
                     routing::to_string(due.level.action), due.level.percent, routing::to_string(due.level.sla),
                     ticket.ref);
      }
    }
    after = page->next_after_id;
  } while (after != 0);
  if (mail && hooks_.mail_queued) hooks_.mail_queued();
  if (webhook && hooks_.webhook_queued) hooks_.webhook_queued();
  return report;
}

void EscalationScheduler::start() { worker_.start(); }

void EscalationScheduler::stop() { worker_.stop(); }

}  // namespace triaged::daemon

#include "jobs/escalation_messages.h"

#include <boost/json.hpp>

#include "common/json_output.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

std::string sla_words(routing::SlaKind kind) {
  return kind == routing::SlaKind::first_response ? "first response" : "resolution";
}

}  // namespace

storage::OutboxMail escalation_mail(const storage::SlaTicket& ticket, const routing::DueEscalation& due,
                                    const std::string& to, const std::string& message_id_domain) {
  const routing::EscalationSpec& level = due.level;
  const bool overdue = level.percent >= 100;
  storage::OutboxMail m;
  m.to_address = to;
  m.subject = "[" + ticket.ref + "] " +
              (overdue ? "Overdue (" + sla_words(level.sla) + ")"
                       : std::to_string(level.percent) + "% of the " + sla_words(level.sla) + " time used") +
              ": " + ticket.subject;
  m.text = "Ticket " + ticket.ref + " \"" + ticket.subject + "\"\n" +
           "Topic: " + ticket.topic + ", department: " + ticket.department + ", status: " + ticket.status +
           ", assignee: " + (ticket.assignee.empty() ? "nobody yet" : ticket.assignee) + "\n" +
           "The " + sla_words(level.sla) + " deadline " + (overdue ? "was " : "is ") + format_time(due.deadline_at) +
           " (UTC); " + std::to_string(level.percent) + "% of the time was used at " + format_time(due.threshold_at) +
           ".\n\nEscalation level \"" + level.id + "\" of the rule set. triaged sends this once per ticket and level.\n";
  // Unique per ticket and level, as the escalation itself is.
  m.message_id = "escalation." + std::to_string(ticket.id) + "." + level.id + "@" + message_id_domain;
  m.purpose = "escalation";
  return m;
}

std::string escalation_webhook_body(const storage::SlaTicket& ticket, const routing::DueEscalation& due,
                                    std::chrono::system_clock::time_point now) {
  const routing::EscalationSpec& level = due.level;
  json::object t{{"id", ticket.id},
                 {"ref", ticket.ref},
                 {"subject", ticket.subject},
                 {"topic", ticket.topic},
                 {"department", ticket.department},
                 {"priority", routing::to_string(ticket.priority)},
                 {"status", ticket.status},
                 {"assignee", ticket.assignee},
                 {"created_at", format_time(ticket.created_at)},
                 {"due_at", ticket.due_at ? json::value(format_time(*ticket.due_at)) : json::value(nullptr)}};
  json::object body{{"event", "escalation"},
                    {"level", level.id},
                    {"action", routing::to_string(level.action)},
                    {"sla", routing::to_string(level.sla)},
                    {"percent", level.percent},
                    {"threshold_at", format_time(due.threshold_at)},
                    {"deadline_at", format_time(due.deadline_at)},
                    {"at", format_time(now)},
                    {"ticket", std::move(t)}};
  return json::serialize(body);
}

}  // namespace triaged::daemon

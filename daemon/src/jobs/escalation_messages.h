// What an escalation says: the mail to the assignee or head, and the webhook's JSON body.
#pragma once

#include <chrono>
#include <string>

#include "routing/sla.h"
#include "storage/escalations.h"

namespace triaged::daemon {

storage::OutboxMail escalation_mail(const storage::SlaTicket& ticket, const routing::DueEscalation& due,
                                    const std::string& to, const std::string& message_id_domain);

// {"event": "escalation", "level", "action", "sla", "percent", "threshold_at", "deadline_at",
//  "at", "ticket": {id, ref, subject, topic, department, priority, status, assignee,
//  created_at, due_at}}; times as RFC 3339 UTC.
std::string escalation_webhook_body(const storage::SlaTicket& ticket, const routing::DueEscalation& due,
                                    std::chrono::system_clock::time_point now);

}  // namespace triaged::daemon

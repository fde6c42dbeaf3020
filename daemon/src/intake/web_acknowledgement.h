// The first mail to the requester of a ticket posted over HTTP (docs/customer.md): the
// acknowledgement, or, for a ticket held as needs_info (OnMissing::hold) where the rule set
// sends no acknowledgement, the automatic question for the missing fields. Both carry the
// status link, whose form releases a held ticket. Pure.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "common/problem.h"
#include "routing/routing.h"
#include "storage/mail.h"

namespace triaged::daemon {

struct WebMailOptions {
  std::string message_id_domain;
  int max_auto_replies_per_day = 5;  // the mail's daily_cap, re-checked in the ticket's transaction
};

// The address a held ticket's question goes to: the ticket's requester e-mail (or its `email`
// field), normalised. Without one, or when it is a machine's (noreply@, mailer-daemon@, ...),
// the FieldError that says why the ticket cannot be held: nobody would be asked.
std::expected<std::string, FieldError> hold_address(const routing::Ticket& ticket);

// The mail for a new web or API ticket routed as `decision`, or nullopt when nothing goes out:
// no address a person reads, or (for a complete ticket) no acknowledgement in the rule set, its
// topic or channel. An incomplete decision always gets a mail: the acknowledgement with the
// question folded in, or the plain question.
std::optional<storage::OutboxMail> web_first_mail(const routing::RuleSet& rules, const routing::Decision& decision,
                                                  const routing::Ticket& ticket, const WebMailOptions& options);

}  // namespace triaged::daemon

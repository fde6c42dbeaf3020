// The satisfaction survey a requester gets once, when their ticket is first resolved
// (docs/customer.md, "Satisfaction"): from the rule set's `satisfaction:` templates or the
// built-in Russian and English texts, with one-click good and bad links. "{ref}" stays for the
// store, "{status_link}", "{good_link}" and "{bad_link}" for the outbox sender to sign when it
// sends. Whether this ticket was asked before is the store's to say (storage/satisfaction.h).
// Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "storage/mail.h"
#include "storage/satisfaction.h"
#include "storage/tickets.h"

namespace triaged::daemon {

struct SurveySettings {
  std::string message_id;  // ours, without <>
  int daily_cap = 0;       // automatic mails to one address per 24 hours
  std::chrono::system_clock::time_point now;
};

// The ask for `ticket` as it is being resolved, or nullopt when the rule set has no
// `satisfaction:` block or turns it off for the ticket's topic or channel. The ask always
// carries the rating window (now + rating_days); it carries a mail only when the requester
// has an e-mail address a person reads (never a robot's: mail::unread_address_reason). The
// mail threads to `thread` (the ticket's messages) with "[#{ref}]" in its subject.
std::optional<storage::SurveyRequest> survey_request(const routing::RuleSet& rules, const storage::StoredTicket& ticket,
                                                     const std::vector<storage::StoredMessage>& thread,
                                                     const SurveySettings& settings);

// "ru" or "en": the block's `language`, else as acknowledgements choose (customer_language).
std::string satisfaction_language(const routing::RuleSet& rules);

}  // namespace triaged::daemon

// The automatic reply that asks an email requester for the fields their ticket's template
// still needs, in the rule set's language. "{ref}" stays a placeholder: the store puts the
// ref in when the ticket row exists.
#pragma once

#include <string>
#include <vector>

#include "routing/routing.h"
#include "routing/rule_spec.h"
#include "storage/mail.h"

namespace triaged::daemon {

struct NeedsInfoRequest {
  std::string to_address;
  std::string to_name;
  std::string original_subject;       // as the customer wrote it, decoded
  std::string original_message_id;    // "" if the customer's mail had none
  std::vector<std::string> original_references;
  std::string message_id;             // ours, without <>
};

// Subject "Re: [#{ref}] <original without Re:/tags>" ("Re: " only with an original Message-ID), a greeting, the list of missing fields
// by their titles (with the group "phone or email" spelled out), and how to answer.
storage::OutboxMail needs_info_mail(const routing::RuleSet& rules, const routing::Decision& decision,
                                    const NeedsInfoRequest& request);

}  // namespace triaged::daemon

// The mail a staff reply from the ticket view becomes: to the ticket's requester, threaded to
// the ticket's conversation (In-Reply-To the customer's latest mail, References the thread),
// "Re: [#{ref}] <subject>" so the customer's answer joins the ticket however their client
// threads, signed with the customer's status link. "{ref}" stays a placeholder the store fills
// in, "{status_link}" one the outbox sender signs when it sends.
#pragma once

#include <string>
#include <vector>

#include "storage/mail.h"
#include "storage/tickets.h"

namespace triaged::daemon {

struct StaffReplyText {
  std::string text;                    // what the agent wrote
  std::string author;                  // signs the mail
  std::vector<std::string> languages;  // the rule set's: the sign-off's language
  std::string message_id;              // ours, without <>
};

// Threads `out` to the ticket's conversation: In-Reply-To the customer's latest mail (else our
// latest), References the thread's first and latest Message-IDs. For every mail triaged
// writes on an existing ticket (staff replies, the satisfaction survey).
void thread_reply(storage::OutboxMail& out, const std::vector<storage::StoredMessage>& thread);

// REQUIRES: the ticket's requester has an e-mail address.
storage::OutboxMail staff_reply_mail(const storage::StoredTicket& ticket,
                                     const std::vector<storage::StoredMessage>& thread,
                                     const StaffReplyText& reply);

}  // namespace triaged::daemon

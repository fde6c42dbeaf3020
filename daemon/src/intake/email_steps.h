// The steps of EmailIngest::ingest for one parsed message, each deciding one thing and adding
// it to the MailWrite the store will commit: which ticket the message belongs to, what becomes
// of automatic mail, what a reply changes on its ticket, and how a new ticket is routed.
// ingest() runs them in order and stores the result; they only read the store. Separate so
// that each is tested alone (tests/daemon/email_steps_test.cpp).
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "intake/email_ingest.h"
#include "mail/message.h"
#include "routing/routing.h"
#include "storage/mail_store.h"
#include "storage/requesters.h"
#include "storage/tickets.h"

namespace triaged::daemon::email {

using Clock = std::chrono::system_clock;

// The ticket a message belongs to, by the strongest evidence first: our Message-IDs quoted in
// In-Reply-To or References (or in a bounce), then a [#REF] tag in the subject, trusted only
// from that ticket's own requester. A tag naming someone else's ticket is kept as `foreign`
// (only when nothing threads), so the new ticket can be linked to it, never attached.
struct Thread {
  std::optional<storage::StoredTicket> ticket;
  std::string threaded_by;                        // "message-id" or "subject tag"
  std::optional<storage::StoredTicket> foreign;
};
storage::Result<Thread> find_thread(storage::MailStore& mail, storage::TicketRecords& tickets,
                                    const mail::ParsedMessage& m);

// Automatic mail (a bounce, a vacation notice, a loop) is never answered: on its thread it is
// appended as a note with an "automatic_mail" event; without one it is quarantined.
void file_automatic(storage::MailWrite& w, const mail::ParsedMessage& m, const Thread& thread,
                    const std::string& mailbox, std::string raw);

// The automatic question for missing fields, to the sender, at most
// options.max_auto_replies_per_day a day per address and never to our own mailbox.
class Asker {
 public:
  // REQUIRES: `rules` and `m` outlive the Asker.
  Asker(storage::MailStore& mail, const routing::RuleSet& rules, EmailOptions options,
        const mail::ParsedMessage& m, std::string mailbox, Clock::time_point now)
      : mail_(mail), rules_(rules), options_(std::move(options)), m_(m), mailbox_(std::move(mailbox)), now_(now) {}

  // Queues the question for what `d` is missing as w.reply, or, past the cap or without a
  // sender address, adds an "auto_reply_suppressed" event instead. `on`: the ticket a reply
  // belongs to, whose subject the question keeps; null for a new ticket.
  std::expected<void, storage::StoreError> ask(storage::MailWrite& w, const routing::Decision& d,
                                               const storage::StoredTicket* on) const;
  // For a new ticket: the acknowledgement (acknowledgement.h) as w.reply, under the same
  // checks, with the question folded in when `d` is incomplete; where the rule set sends no
  // acknowledgement, ask() for an incomplete `d` and nothing for a complete one.
  std::expected<void, storage::StoreError> acknowledge(storage::MailWrite& w, const routing::Decision& d) const;

 private:
  // Whether a reply may go to the sender; when not, w gets the "auto_reply_suppressed" event.
  std::expected<bool, storage::StoreError> may_reply(storage::MailWrite& w) const;

  storage::MailStore& mail_;
  const routing::RuleSet& rules_;
  const EmailOptions options_;
  const mail::ParsedMessage& m_;
  const std::string mailbox_;
  const Clock::time_point now_;
};

// A needs_info ticket checked again on `known` (everything it knows plus what its requester
// just gave: a reply's text, or fields from the status page), under the topic it was routed
// to. Complete: the update that releases it into its queue (status "new", the due time, the
// fields as the ticket now keeps them; applied only while it is still needs_info) and the
// "fields_completed" event. Otherwise the update keeps what it learnt and the event is
// "still_needs_info". The one release path of both the mail and the status page.
struct NeedsInfoRecheck {
  routing::Decision decision;
  storage::TicketUpdate update;
  storage::EventRecord event;
  bool released = false;
  std::vector<std::string> missing;               // what is still missing or invalid
};
NeedsInfoRecheck recheck_needs_info(const routing::RuleSet& rules, const storage::StoredTicket& ticket,
                                    routing::Ticket known, Clock::time_point now);

// What a reply changed on its ticket.
struct ReplyEffect {
  bool released = false;                          // it completed a needs_info ticket
  std::vector<std::string> missing;               // still missing after it (asked again)
};
// A reply appended to `ticket`. Only the requester's own reply to a needs_info ticket is
// checked again, on everything the ticket knows plus the new text, under its topic: complete,
// it releases the ticket into its queue ("fields_completed"); otherwise the sender is asked
// again for what is left ("still_needs_info"). Anyone else in the thread only adds a message.
storage::Result<ReplyEffect> file_reply(storage::MailWrite& w, const mail::ParsedMessage& m,
                                        const storage::StoredTicket& ticket, const std::string& threaded_by,
                                        const routing::RuleSet& rules, Clock::time_point now, const Asker& asker);

// A new ticket, routed and checked exactly like one from the form (the requester's history
// included). Incomplete, it waits as needs_info and the sender is asked; a foreign tag links
// it to the ticket named. Returns the fields asked for.
storage::Result<std::vector<std::string>> file_new_ticket(storage::MailWrite& w, storage::RequesterStore& requesters,
                                                          const mail::ParsedMessage& m, const Thread& thread,
                                                          const routing::RuleSet& rules, Clock::time_point now,
                                                          const Asker& asker);

// What the store's outcome of the write means to the caller. `missing` and `released` are what
// the steps decided; `quarantine_reason` the write's own.
IngestResult result_of(const storage::MailOutcome& outcome, const std::vector<std::string>& missing, bool released,
                       const std::string& quarantine_reason);

// The stored message of an inbound mail, with its attachments.
storage::NewMessage message_of(const mail::ParsedMessage& m, const std::string& mailbox, const std::string& raw);

}  // namespace triaged::daemon::email

// storage: the email path's operations over the records of mail.h. MailStore writes one
// inbound mail's whole effect in one transaction (queued on the same writer as ticket
// creates) and reads threads, attachments and the quarantine; OutboxStore is what the SMTP
// sender needs. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/mail.h"
#include "storage/result.h"
#include "storage/tickets.h"

namespace triaged::storage {

// One inbound mail's effect, written in one transaction by the writer thread.
struct MailWrite {
  enum class Kind { create_ticket, append_to_ticket, quarantine };
  Kind kind = Kind::create_ticket;
  // Inbound (mailbox, message_id) pairs are unique: the same message delivered twice to the
  // same mailbox is answered MailOutcome::Kind::duplicate with the ticket it made (or the
  // quarantine entry it went to). Empty message_id: never a duplicate. A quarantine entry
  // only makes another quarantine write a duplicate; a create or append of a quarantined
  // message goes ahead, which is how reprocessing works. The stored message carries this
  // pair (the message's own mailbox and message_id only fill in where these are empty).
  std::string mailbox;
  std::string message_id;

  NewTicket ticket;                      // create_ticket: routed; status may be "needs_info"
  std::optional<std::int64_t> link_to;   // create_ticket: "linked" events on both tickets
  std::int64_t ticket_id = 0;            // append_to_ticket
  // append_to_ticket. When set but not applied (the ticket's status moved on, e.g. a racing
  // reply released it first), `events` and `reply` are skipped too: they were decided for
  // the state the update expected.
  std::optional<TicketUpdate> update;
  NewMessage message;                    // create_ticket, append_to_ticket
  std::vector<EventRecord> events;       // appended after the write's own events
  std::optional<OutboxMail> reply;       // queued in the outbox in the same transaction

  // When the mail arrived: the time of the message, quarantine entry, events and outbox row,
  // for every kind. create_ticket left at the epoch falls back to ticket.received_at (which
  // always stamps the ticket row and its "created" event).
  Clock::time_point received_at;
  std::string quarantine_reason;         // quarantine
  std::string raw;                       // quarantine: the bytes as received
};

struct MailOutcome {
  enum class Kind { created, appended, duplicate, quarantined };
  Kind kind = Kind::created;
  std::optional<StoredTicket> ticket;    // created, appended, duplicate of a ticket
  std::int64_t message_id = 0;           // messages.id of the stored message (0 if none)
  std::int64_t quarantine_id = 0;        // quarantined, or duplicate of a quarantined mail
  std::int64_t outbox_id = 0;            // the queued reply, 0 if none
  bool update_applied = false;           // append_to_ticket: the TicketUpdate took effect
  // created: the mail repeated an open ticket of its requester and was appended to it
  // (`ticket`) instead; the write's events and reply, decided for a new ticket, were dropped.
  bool merged = false;
  std::optional<std::int64_t> duplicate_of;  // created and linked as a duplicate of this ticket
};

class MailStore {
 public:
  virtual ~MailStore() = default;

  using MailCallback = std::function<void(Result<MailOutcome>)>;
  // Queued on the same writer as create(), with the same overload/closed/io behaviour and
  // callback rules. A (mailbox, message_id) stored before, even earlier in the same batch,
  // answers Kind::duplicate and writes nothing. append_to_ticket to a missing ticket fails
  // with Code::bad_request. The reply's message_id is recorded as an "out" message on the
  // ticket, so a later In-Reply-To naming it threads.
  virtual void write_mail(MailWrite write, MailCallback done) = 0;
  Result<MailOutcome> write_mail_and_wait(MailWrite write);

  // The ticket that any of these Message-IDs (inbound or outbound) belongs to; the most
  // recently stored match wins. nullopt when none is known.
  virtual Result<std::optional<std::int64_t>> find_ticket_by_message_ids(
      const std::vector<std::string>& message_ids) = 0;
  // Oldest first, attachment metadata without data.
  virtual Result<std::vector<StoredMessage>> messages(std::int64_t ticket_id) = 0;
  // The raw bytes of an inbound message; nullopt if none kept.
  virtual Result<std::optional<std::string>> raw_message(std::int64_t message_id) = 0;
  virtual Result<std::optional<AttachmentRecord>> attachment(std::int64_t attachment_id) = 0;

  // Newest first; `status` "" for any, else "held" or "reprocessed". Without raw bytes.
  virtual Result<std::vector<QuarantineEntry>> quarantined(const std::string& status, int limit) = 0;
  virtual Result<std::optional<QuarantineEntry>> get_quarantined(std::int64_t id) = 0;  // with raw
  // mark_reprocessed, mark_sent and mark_attempt_failed answer Code::bad_request for an id
  // that does not exist.
  virtual Result<void> mark_reprocessed(std::int64_t quarantine_id,
                                        std::optional<std::int64_t> ticket_id) = 0;

  // Automatic outbox mail (any status) to this address created at or after `since`: the daily
  // cap on automatic replies per address. Staff replies (purpose "staff_reply") are a person's
  // answers and do not count. The address is compared case-insensitively.
  virtual Result<std::int64_t> replies_to_since(const std::string& address, Clock::time_point since) = 0;
};

// The outbox of automatic replies, as the sender works through it.
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Pending outbox mail whose next_attempt_at <= now, oldest first.
  virtual Result<std::vector<OutboxItem>> due_outbox(Clock::time_point now, int limit) = 0;
  virtual Result<void> mark_sent(std::int64_t outbox_id, Clock::time_point at) = 0;
  // Records a failed attempt: attempts+1, last_error, and either a next attempt time or,
  // with nullopt, status "failed" for good. Adds an event on the ticket either way, stamped
  // with the store's clock (no time is passed in).
  virtual Result<void> mark_attempt_failed(std::int64_t outbox_id, const std::string& error,
                                           std::optional<Clock::time_point> next_attempt_at) = 0;
};

}  // namespace triaged::storage

// storage: staff's side of a ticket's conversation. A public reply is mail to the requester:
// queued in the outbox and kept on the ticket's thread as an "out" message, with a
// "staff_reply" event, in one transaction. An internal note is for staff only.
//
// The contract customer-facing code relies on: internal notes are rows of their own table,
// never messages, and their "note_added" event carries the note's id and author, never its
// text. MailStore::messages() (the public thread) and TicketRecords::events() therefore never
// return a note's text; only notes() does, and no customer-facing endpoint may call it.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/mail.h"
#include "storage/result.h"
#include "storage/tickets.h"

namespace triaged::storage {

struct StaffReply {
  std::int64_t ticket_id = 0;
  Clock::time_point at;
  std::string author;  // who wrote it, as the event and the thread show it
  // to_address, subject, text, threading; "{ref}" is replaced as for any outbox mail.
  // daily_cap is ignored: a person's answer is not an automatic reply.
  OutboxMail mail;
};

struct StaffReplyOutcome {
  std::int64_t message_row_id = 0;  // the "out" message on the thread
  std::int64_t outbox_id = 0;
  StoredTicket ticket;              // as it is after the reply
};

struct NewNote {
  std::int64_t ticket_id = 0;
  Clock::time_point at;
  std::string author;
  std::string text;
};

struct StoredNote {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  Clock::time_point at;
  std::string author;
  std::string text;
};

class StaffThreadStore {
 public:
  virtual ~StaffThreadStore() = default;

  // Queues the reply (outbox, purpose as given), records it as an "out" message (from_name:
  // the author) and a "staff_reply" event, and moves the ticket's updated_at. Code::bad_request
  // for a ticket that does not exist; Code::closed after close().
  virtual Result<StaffReplyOutcome> add_reply(const StaffReply& reply) = 0;
  // Stores the note and a "note_added" event {note_id, author}. Code::bad_request for a ticket
  // that does not exist; Code::closed after close().
  virtual Result<StoredNote> add_note(const NewNote& note) = 0;
  // The ticket's internal notes, oldest first; empty for an unknown ticket. Staff only.
  virtual Result<std::vector<StoredNote>> notes(std::int64_t ticket_id) = 0;
};

}  // namespace triaged::storage

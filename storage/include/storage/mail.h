// storage: the records of the email path. Messages (inbound and outbound) belong to tickets;
// attachments to messages; mail that could not become a ticket waits in quarantine with its
// raw bytes; automatic replies wait in the outbox until the SMTP relay took them. The types
// here are plain data; MailStore and OutboxStore (mail_store.h) have the operations.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace triaged::storage {

using Clock = std::chrono::system_clock;

struct AttachmentRecord {
  std::int64_t id = 0;               // set when read back
  std::string filename;
  std::string content_type;
  std::string content_id;
  bool is_inline = false;
  std::int64_t size = 0;
  std::string sha256;                // empty when dropped
  std::string data;                  // the bytes; empty when dropped or when read as a listing
  bool dropped = false;
  std::string drop_reason;
};

// One message on a ticket's thread.
struct NewMessage {
  std::string direction = "in";      // "in" (from the requester) | "out" (sent by triaged)
  std::string kind = "message";      // "message" | "note" (automatic mail kept for the record)
  std::string channel = "email";
  std::string mailbox;               // the receiving address for "in"; "" for "out"
  std::string message_id;            // RFC 5322 Message-ID without <>; "" if none
  std::string from_address;
  std::string from_name;
  std::string to_address;
  std::string subject;
  std::string text;                  // full decoded text, quotes included
  std::string raw;                   // the message as received (bytes); "" for "out"
  std::vector<AttachmentRecord> attachments;
};

struct StoredMessage {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  Clock::time_point at;
  std::string direction;
  std::string kind;
  std::string channel;
  std::string mailbox;
  std::string message_id;
  std::string from_address;
  std::string from_name;
  std::string to_address;
  std::string subject;
  std::string text;
  std::int64_t raw_size = 0;         // the raw bytes are read with raw_message()
  std::vector<AttachmentRecord> attachments;  // metadata only: data is empty
};

// An automatic mail to send. "{ref}" in subject and text is replaced by the ticket's ref
// when the write commits (the ref of a new ticket is only known then).
struct OutboxMail {
  std::string to_address;
  std::string to_name;
  std::string subject;
  std::string text;
  std::string message_id;            // without <>; recorded as an "out" message for threading
  std::string in_reply_to;
  std::vector<std::string> references;
  std::string purpose;               // "needs_info", ...
  // At most this many outbox mails to to_address in the 24 hours before the write (0: no
  // cap). Checked inside the write's transaction, so parallel deliveries cannot exceed it;
  // over the cap the reply is dropped and an "auto_reply_suppressed" event says so.
  int daily_cap = 0;
};

struct OutboxItem {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  std::string ticket_ref;
  OutboxMail mail;                   // subject/text with the ref already substituted
  Clock::time_point created_at;
  int attempts = 0;
  Clock::time_point next_attempt_at;
  std::string status;                // "pending" | "sent" | "failed" (gave up)
  std::string last_error;
  std::optional<Clock::time_point> sent_at;
};

struct EventRecord {
  std::string kind;                  // "needs_info", "message_received", "linked", ...
  std::string data_json;             // "{}" when nothing more to say
};

// Changes to an existing ticket that arrive with a message (a reply supplying the missing
// fields releases a needs_info ticket into its queue).
struct TicketUpdate {
  std::optional<std::string> status;
  std::optional<std::string> fields_json;     // replaces tickets.fields_json
  std::optional<std::string> decision_json;   // replaces tickets.decision_json
  std::optional<Clock::time_point> due_at;
  // Applied only while the ticket still has this status; otherwise the update is skipped
  // (the message and events are still stored), so two racing replies release it once.
  std::string only_if_status;
};

struct QuarantineEntry {
  std::int64_t id = 0;
  Clock::time_point at;
  std::string mailbox;
  std::string message_id;
  std::string reason;
  std::int64_t raw_size = 0;
  std::string raw;                   // filled by get_quarantined() only
  std::string status;                // "held" | "reprocessed"
  std::optional<std::int64_t> ticket_id;  // the ticket reprocessing made or appended to
};

}  // namespace triaged::storage

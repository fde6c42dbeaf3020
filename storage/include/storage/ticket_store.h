// storage: tickets, their routing decisions, event history and every rule-set version ever
// loaded, persisted in one SQLite file (WAL). One writer thread owns the only write
// connection and commits queued creates and mail writes in batches (group commit); each
// one's callback runs only after the transaction holding it is durable. Reads use their own
// connections. All methods are thread-safe. No SQLite type appears here, so another backend
// can follow.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "storage/mail.h"
#include "storage/requesters.h"
#include "storage/ticket_actions.h"
#include "storage/traffic.h"

namespace triaged::storage {

struct StoreError {
  enum class Code {
    io,          // the database failed in a way retrying will not fix: corruption, a
                 // statement or row SQLite rejects, a bug
    unavailable, // the database cannot be written (or read) now for a cause that can pass
                 // without anyone touching the data: disk full, file read-only, I/O error,
                 // locked past busy_timeout, a journal that cannot be opened. Nothing of the
                 // failed write was stored; retry later
    conflict,    // the idempotency key was used before for a different request
    overloaded,  // the write queue is full; retry later
    closed,      // the store is shutting down
    bad_request, // the caller passed something malformed (a list cursor not from next_cursor)
  };
  Code code = Code::io;
  std::string message;  // for logs: may name files and SQL
  // Code::unavailable: the cause class in two or three words ("disk full", "read-only
  // database", "I/O error", "database locked", "cannot open a database file"). Never a path
  // or SQL, so it may be shown to clients.
  std::string cause;
};

template <typename T>
using Result = std::expected<T, StoreError>;

// Everything needed to persist one accepted ticket. received_at is the same instant that was
// passed to routing::route(); the store never reads the clock for ticket data. Times are
// stored with millisecond precision: what reads back is floored to the millisecond.
struct NewTicket {
  routing::Ticket ticket;
  std::string topic;
  std::string department;
  routing::Priority priority = routing::Priority::normal;
  std::string status = "new";
  std::optional<Clock::time_point> due_at;
  Clock::time_point received_at;
  std::string rules_version;        // RuleSet::version() that routed it
  std::string decision_json;        // the full decision with trace, stored verbatim
  std::string idempotency_key;      // empty: none
  std::string request_hash;         // fingerprint of the request body, for the key's conflict check
  // Who asks (requesters.h): the profile is found or made by these keys; none, no profile.
  RequesterKeys requester_keys;
  std::map<std::string, std::string> remember;  // field id -> value to keep on the profile
  std::optional<DuplicatePolicy> duplicates;     // none: never merged or linked
};

struct StoredTicket {
  std::int64_t id = 0;
  std::string ref;                  // short, unambiguous, readable over the phone: "K7M-3QX"
  routing::Ticket ticket;
  std::string topic;
  std::string department;
  routing::Priority priority = routing::Priority::normal;
  std::string status;
  std::optional<Clock::time_point> due_at;
  Clock::time_point created_at;
  Clock::time_point updated_at;
  std::string rules_version;
  std::string decision_json;
  std::string idempotency_key;
  std::string assignee;             // who claimed it; "" while nobody has
  std::optional<std::int64_t> requester_id;  // its requester's profile; none without keys
};

// The outcome of create(): the ticket, and whether this call created it (false when an
// Idempotency-Key replay returned the ticket created by the first call, and when the new
// ticket was merged into `ticket`, an open ticket it repeats: then merged is set, also on a
// replay of that request).
struct CreateOutcome {
  StoredTicket ticket;
  bool created = true;
  bool merged = false;
  bool replayed = false;                       // an Idempotency-Key replay (created is false)
  std::int64_t message_id = 0;                 // merged: the message it became
  std::optional<std::int64_t> duplicate_of;    // created and linked as a duplicate of this ticket
  std::string matched_by;                      // merged or duplicate_of: "order_id", "topic", ...
};

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

// The outcome of reroute(): the ticket as it is now, and whether this call changed it (false
// when it already had that topic and department; then nothing was recorded).
struct RerouteOutcome {
  StoredTicket ticket;
  bool changed = true;
};

// The outcome of claim() and change_status(): the ticket as it is now, and whether this call
// changed it (false: nothing was recorded).
struct TicketActionOutcome {
  StoredTicket ticket;
  bool changed = true;
};

struct TicketEvent {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  Clock::time_point at;
  std::string kind;                 // "created", ...
  std::string data_json;            // kind-specific details
};

struct TicketQuery {
  std::string department;           // empty: any
  std::string status;
  std::string topic;
  int limit = 50;                   // clamped to 1..500
  std::string cursor;               // empty: newest; otherwise TicketPage::next_cursor
};

struct TicketPage {
  std::vector<StoredTicket> tickets;  // newest first
  std::string next_cursor;            // empty: no more
};

struct QueueStats {
  std::string department;
  std::map<std::string, std::int64_t> by_status;  // status -> count
  std::int64_t open = 0;                           // not resolved/closed
  std::int64_t overdue = 0;                        // open and due_at < now
  std::optional<Clock::time_point> oldest_open_created_at;
};

struct StoreOptions {
  // A file, ":memory:" (tests), or an SQLite URI ("file:PATH?vfs=NAME": tests that inject
  // disk faults through their own VFS).
  std::string path;
  bool create_if_missing = false;
  int max_batch = 512;              // tickets per transaction at most
  // How long a batch may wait to fill. 0: the writer commits whatever is queued as soon as it
  // is free, and what arrives during that commit's fsync is the next batch. Measured with wrk
  // (bench/): 0 beat 2 ms at every concurrency, 1.7x at one connection.
  std::chrono::microseconds max_batch_wait{0};
  std::size_t queue_limit = 10000;  // creates waiting for the writer; beyond: overloaded
  // How long a statement waits for another process's lock before failing with
  // Code::unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // For tools reading a database a running daemon writes: no write access, no migrations
  // (the file must be at this build's schema version), and every write fails with
  // Code::closed. Not for ":memory:".
  bool read_only = false;
};

class TicketStore {
 public:
  // Opens (and with create_if_missing, creates) the database, applies pending migrations and
  // starts the writer thread. Fails naming the path and SQLite's reason: Code::unavailable
  // when the file cannot be opened or written now, Code::io otherwise.
  static Result<std::unique_ptr<TicketStore>> open(const StoreOptions& options);
  virtual ~TicketStore() = default;

  using CreateCallback = std::function<void(Result<CreateOutcome>)>;
  // Queues the ticket for the writer. `done` runs on the writer thread once the ticket's
  // transaction has committed (or failed); keep it short and never call back into create()
  // synchronously from it. Exceptions thrown by `done` are swallowed. An idempotency_key
  // seen before, even earlier in the same batch, returns the first ticket (created=false) or,
  // if request_hash differs, Code::conflict. A full queue answers Code::overloaded, and a
  // closed store Code::closed, at once on the calling thread, before returning. A ticket
  // the database rejects fails alone with Code::io; a transaction that cannot be written
  // (disk full, read-only, I/O error, lock held past busy_timeout) fails every ticket of its
  // batch with Code::unavailable, and the next batch tries again on the same connection.
  virtual void create(NewTicket ticket, CreateCallback done) = 0;
  // create() and wait: for tools and tests.
  Result<CreateOutcome> create_and_wait(NewTicket ticket);

  virtual Result<std::optional<StoredTicket>> get(std::int64_t id) = 0;
  // Accepts a ref as people type it: any case, with or without the dash, and Crockford's
  // aliases (O for 0, I or L for 1). Something that cannot be a ref is simply not found.
  virtual Result<std::optional<StoredTicket>> get_by_ref(const std::string& ref) = 0;
  // Newest first. A cursor that is not a next_cursor fails with Code::bad_request.
  virtual Result<TicketPage> list(const TicketQuery& query) = 0;
  // Oldest first.
  virtual Result<std::vector<TicketEvent>> events(std::int64_t ticket_id) = 0;
  // Per department with at least one ticket, sorted by department id. Both counts and ages
  // come from one consistent snapshot.
  virtual Result<std::vector<QueueStats>> queue_stats(Clock::time_point now) = 0;
  // Records a rule-set version the daemon loaded; a version already recorded is left as is.
  virtual Result<void> record_rule_set(const std::string& version, const std::string& name,
                                       const std::string& source, const std::string& text,
                                       Clock::time_point loaded_at) = 0;
  // --- The email path (see mail.h) -------------------------------------------------------

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

  // Pending outbox mail whose next_attempt_at <= now, oldest first.
  virtual Result<std::vector<OutboxItem>> due_outbox(Clock::time_point now, int limit) = 0;
  virtual Result<void> mark_sent(std::int64_t outbox_id, Clock::time_point at) = 0;
  // Records a failed attempt: attempts+1, last_error, and either a next attempt time or,
  // with nullopt, status "failed" for good. Adds an event on the ticket either way, stamped
  // with the store's clock (no time is passed in).
  virtual Result<void> mark_attempt_failed(std::int64_t outbox_id, const std::string& error,
                                           std::optional<Clock::time_point> next_attempt_at) = 0;
  // Outbox mail (any status) to this address created at or after `since`: the daily cap on
  // automatic replies per address. The address is compared case-insensitively.
  virtual Result<std::int64_t> replies_to_since(const std::string& address, Clock::time_point since) = 0;

  // --- Judging rules on real traffic (see traffic.h) -------------------------------------

  // Sets the ticket's topic, department and updated_at and appends a "rerouted" event
  // {from_topic, from_department, to_topic, to_department, reason, actor}, in one
  // transaction on the write connection. The stored decision, priority and due time stay as
  // routed. A ticket that already has that topic and department is returned unchanged
  // (changed=false) and nothing is recorded. A missing ticket fails with Code::bad_request.
  virtual Result<RerouteOutcome> reroute(const Reroute& reroute) = 0;
  // --- Staff work on a ticket (see ticket_actions.h) --------------------------------------

  // Sets the assignee and updated_at and appends a "claimed" event {assignee,
  // previous_assignee}; a "new" ticket also becomes "in_progress" with a "status_changed"
  // event {from, to, reason: "claimed", actor}. One transaction on the write connection. A
  // ticket the assignee already holds, or that someone else holds while take_over is unset,
  // is returned unchanged (changed=false; its assignee says who holds it) and nothing is
  // recorded. A missing ticket or an empty assignee fails with Code::bad_request.
  virtual Result<TicketActionOutcome> claim(const Claim& claim) = 0;
  // Sets the status and updated_at and appends a "status_changed" event {from, to, reason,
  // actor}, in one transaction. A ticket already in that status is returned unchanged
  // (changed=false) and nothing is recorded. A missing ticket or an empty status fails with
  // Code::bad_request.
  virtual Result<TicketActionOutcome> change_status(const StatusChange& change) = 0;

  // --- Requesters and links (see requesters.h) -------------------------------------------

  // The profile owning the email key, else the one owning the phone key; nullopt if neither
  // is known or both keys are empty.
  virtual Result<std::optional<RequesterProfile>> find_requester(const RequesterKeys& keys) = 0;
  virtual Result<std::optional<RequesterProfile>> requester(std::int64_t id) = 0;
  // The ticket's links, oldest first.
  virtual Result<std::vector<TicketLink>> links(std::int64_t ticket_id) = 0;
  // Links or unlinks two tickets in one transaction, with a "linked"/"unlinked" event
  // {ticket_id, ref, kind, reason, actor} on each. Linking a linked pair again, or
  // unlinking an unlinked one, changes nothing (changed=false). A missing ticket, a ticket
  // linked to itself or an unknown kind fails with Code::bad_request.
  virtual Result<TicketActionOutcome> change_link(const LinkChange& change) = 0;

  // Calls `visit` with each ticket matching `query` in order, as stored: the ticket as
  // received in .ticket (an explicit topic in .ticket.topic; fields as last updated, which
  // for email tickets includes fields a reply supplied) plus its topic, department, status,
  // rules_version and decision_json now. Reads one page per query, keyset-paged, and holds
  // no connection or snapshot while `visit` runs, so `visit` may call this store. Stops
  // early when `visit` returns false. Returns the number of tickets visited.
  virtual Result<std::int64_t> scan_tickets(const ScanQuery& query,
                                            const std::function<bool(const StoredTicket&)>& visit) = 0;
  // Tickets created at or after `since` (all when unset).
  virtual Result<std::int64_t> count_tickets(std::optional<Clock::time_point> since) = 0;
  // How tickets created at or after `since` were routed and rerouted, from one snapshot.
  virtual Result<Coverage> coverage(std::optional<Clock::time_point> since) = 0;

  // Stops accepting creates and mail writes, commits everything queued, stops the writer.
  // Idempotent. Reads keep working until the store is destroyed; record_rule_set,
  // mark_reprocessed, mark_sent, mark_attempt_failed, reroute, claim and change_status fail
  // with Code::closed.
  virtual void close() = 0;

  // false from a write that failed with Code::unavailable until the next write commits; a
  // store that has not written yet is writable. Each change is logged once (error when
  // writes start failing, info when they work again), not once per failed write.
  virtual bool writable() const { return true; }

  // Write transactions that carried creates, committed since open: with tickets created,
  // the group-commit ratio. For metrics and tests; not pure, so test fakes need not count.
  virtual std::uint64_t transactions_committed() const { return 0; }
};

}  // namespace triaged::storage

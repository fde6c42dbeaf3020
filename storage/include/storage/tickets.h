// storage: tickets, their routing decisions and event history, and every rule-set version
// ever loaded. TicketRecords is the role that creates and reads them: create() goes through
// the store's single writer (group commit), reads use their own connections. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "storage/mail.h"
#include "storage/requesters.h"
#include "storage/result.h"

namespace triaged::storage {

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
  // Queued in the outbox in the ticket's transaction when this call creates it (never for a
  // merge or a replay), under its daily_cap like any automatic reply; "{ref}" is filled in.
  std::optional<OutboxMail> acknowledgement;
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

class TicketRecords {
 public:
  virtual ~TicketRecords() = default;

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
};

}  // namespace triaged::storage

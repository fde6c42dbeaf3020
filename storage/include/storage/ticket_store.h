// storage: tickets, their routing decisions, event history and every rule-set version ever
// loaded, persisted in one SQLite file (WAL). One writer thread owns the only write
// connection and commits queued creates in batches (group commit); each create's callback
// runs only after the transaction holding it is durable. Reads use their own connections.
// All methods are thread-safe. No SQLite type appears here, so another backend can follow.
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

namespace triaged::storage {

using Clock = std::chrono::system_clock;

struct StoreError {
  enum class Code {
    io,          // the database failed (disk, corruption, locked past the busy timeout)
    conflict,    // the idempotency key was used before for a different request
    overloaded,  // the write queue is full; retry later
    closed,      // the store is shutting down
    bad_request, // the caller passed something malformed (a list cursor not from next_cursor)
  };
  Code code = Code::io;
  std::string message;
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
};

// The outcome of create(): the ticket, and whether this call created it (false when an
// Idempotency-Key replay returned the ticket created by the first call).
struct CreateOutcome {
  StoredTicket ticket;
  bool created = true;
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
  std::string path;                 // a file, or ":memory:" (tests)
  bool create_if_missing = false;
  int max_batch = 512;              // tickets per transaction at most
  std::chrono::microseconds max_batch_wait{2000};  // how long a batch may wait to fill
  std::size_t queue_limit = 10000;  // creates waiting for the writer; beyond: overloaded
  // How long a statement waits for another process's lock before failing with Code::io.
  std::chrono::milliseconds busy_timeout{5000};
};

class TicketStore {
 public:
  // Opens (and with create_if_missing, creates) the database, applies pending migrations and
  // starts the writer thread. Fails with Code::io naming the path and SQLite's reason.
  static Result<std::unique_ptr<TicketStore>> open(const StoreOptions& options);
  virtual ~TicketStore() = default;

  using CreateCallback = std::function<void(Result<CreateOutcome>)>;
  // Queues the ticket for the writer. `done` runs on the writer thread once the ticket's
  // transaction has committed (or failed); keep it short and never call back into create()
  // synchronously from it. Exceptions thrown by `done` are swallowed. An idempotency_key
  // seen before, even earlier in the same batch, returns the first ticket (created=false) or,
  // if request_hash differs, Code::conflict. A full queue answers Code::overloaded, and a
  // closed store Code::closed, at once on the calling thread, before returning. A ticket
  // the database rejects fails alone with Code::io; a failed transaction (disk full, I/O,
  // lock held past busy_timeout) fails every ticket of its batch with Code::io.
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
  // Stops accepting creates, commits everything queued, stops the writer. Idempotent. Reads
  // keep working until the store is destroyed; record_rule_set fails with Code::closed.
  virtual void close() = 0;

  // Write transactions that carried creates, committed since open: with tickets created,
  // the group-commit ratio. For metrics and tests; not pure, so test fakes need not count.
  virtual std::uint64_t transactions_committed() const { return 0; }
};

}  // namespace triaged::storage

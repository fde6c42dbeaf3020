// storage: tickets, their routing decisions, event history and every rule-set version ever
// loaded, persisted in one SQLite file (WAL). One writer thread owns the only write
// connection and commits queued creates and mail writes in batches (group commit); each
// one's callback runs only after the transaction holding it is durable. Reads use their own
// connections. All methods are thread-safe. No SQLite type appears here, so another backend
// can follow.
//
// TicketStore is the whole store, opened once by the daemon; its operations are the role
// interfaces it implements, each with its contract in its own header. Code that needs one
// role takes that interface:
//   TicketRecords     (tickets.h)        create, read, list tickets; events; queue counts
//   MailStore         (mail_store.h)     write one mail's effect; threads, attachments, quarantine
//   OutboxStore       (mail_store.h)     the automatic replies waiting for SMTP
//   StaffActionStore  (ticket_actions.h) reroute, claim, status, links
//   RequesterStore    (requesters.h)     requester profiles and a ticket's links
//   TrafficStore      (traffic.h)        scans and coverage for judging rules
//   StaffThreadStore  (staff_thread.h)   staff replies and internal notes (never in messages)
//   DeflectionStore   (deflections.h)    questions answered before they became tickets
//   CustomerView      (customer_view.h)  the customer-visible thread of a ticket
//   SatisfactionStore (satisfaction.h)   the survey asked at resolve and the customer's rating
// Escalations are EscalationStore (escalations.h), opened over the same database.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "storage/customer_view.h"
#include "storage/deflections.h"
#include "storage/mail_store.h"
#include "storage/requesters.h"
#include "storage/result.h"
#include "storage/satisfaction.h"
#include "storage/staff_thread.h"
#include "storage/ticket_actions.h"
#include "storage/tickets.h"
#include "storage/traffic.h"

namespace triaged::storage {

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

class TicketStore : public TicketRecords,
                    public MailStore,
                    public OutboxStore,
                    public StaffActionStore,
                    public RequesterStore,
                    public TrafficStore,
                    public StaffThreadStore,
                    public DeflectionStore,
                    public CustomerView,
                    public SatisfactionStore {
 public:
  // Opens (and with create_if_missing, creates) the database, applies pending migrations and
  // starts the writer thread. Fails naming the path and SQLite's reason: Code::unavailable
  // when the file cannot be opened or written now, Code::io otherwise.
  static Result<std::unique_ptr<TicketStore>> open(const StoreOptions& options);
  ~TicketStore() override = default;

  // Stops accepting creates and mail writes, commits everything queued, stops the writer.
  // Idempotent. Reads keep working until the store is destroyed; record_rule_set,
  // mark_reprocessed, mark_sent, mark_attempt_failed, reroute, claim, change_status,
  // add_reply, add_note, record_deflection and rate fail
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

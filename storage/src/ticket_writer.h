// The single writer: one thread owns the write connection and commits queued writes (ticket
// creates and mail writes) in batches, so many share one durable commit (group commit).
// Callbacks run on that thread after the batch's transaction has committed or failed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "database.h"
#include "storage/ticket_store.h"

namespace triaged::storage {

class TicketWriter {
 public:
  // Starts the writer thread on `db`, which must outlive the writer. Nothing else may use
  // db.db without holding db.mutex. Fails with Code::io if the thread cannot start.
  static Result<std::unique_ptr<TicketWriter>> start(GuardedDatabase& db,
                                                     const StoreOptions& options);
  ~TicketWriter();
  TicketWriter(const TicketWriter&) = delete;
  TicketWriter& operator=(const TicketWriter&) = delete;

  // See TicketRecords::create. `done` runs before submit returns when the queue is full
  // (overloaded) or the writer is closing (closed).
  void submit(NewTicket ticket, TicketRecords::CreateCallback done);
  // See MailStore::write_mail; queued and batched together with creates.
  void submit(MailWrite write, MailStore::MailCallback done);
  // A write outside the queue, on the write connection: rare and small. Runs `write` in its
  // own IMMEDIATE transaction, committed if it succeeds; Code::closed once close() began.
  Result<void> write_now(const std::function<Result<void>(Database&)>& write);
  Result<void> record_rule_set(const std::string& version, const std::string& name,
                               const std::string& source, const std::string& text,
                               Clock::time_point loaded_at);
  // Stops accepting, lets the thread commit everything queued, joins it. Idempotent. Called
  // from a callback it only stops accepting; the owner's later close() joins.
  void close();

  std::uint64_t transactions_committed() const { return transactions_committed_.load(); }
  // See TicketStore::writable.
  bool writable() const { return writable_.load(); }

 private:
  struct PendingCreate {
    NewTicket ticket;
    TicketRecords::CreateCallback done;
  };
  struct PendingMail {
    MailWrite write;
    MailStore::MailCallback done;
  };
  using Pending = std::variant<PendingCreate, PendingMail>;
  // outcomes[i] holds the alternative matching batch[i]'s.
  using Outcome = std::variant<Result<CreateOutcome>, Result<MailOutcome>>;
  using Outcomes = std::vector<Outcome>;

  TicketWriter(GuardedDatabase& db, const StoreOptions& options);
  static Outcome failure(const Pending& item, const StoreError& error);
  // Runs item's callback with `outcome`, which must be of the matching alternative.
  static void answer(const Pending& item, Outcome outcome);
  // Queues `item`, or answers it at once with overloaded or closed.
  void enqueue(Pending item);
  void run();
  // Blocks for the next batch; false once closing and drained.
  bool next_batch(std::vector<Pending>& batch);
  Outcomes commit_batch(const std::vector<Pending>& batch);
  // After each write: `unavailable` is the first Code::unavailable failure, if any, and
  // `committed` whether anything was stored. Moves writable_ and logs each change once.
  void note_writability(const StoreError* unavailable, bool committed);

  // Fixed at construction.
  GuardedDatabase& db_;
  const std::size_t max_batch_;
  const std::chrono::microseconds max_batch_wait_;
  const std::size_t queue_limit_;

  // Guarded by queue_mutex_.
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Pending> queue_;
  bool closing_ = false;

  std::mutex join_mutex_;  // serialises concurrent close() calls around join()
  std::thread thread_;
  // Set by the thread itself, so close() can tell it is being called from a callback
  // without touching thread_, which another close() may be joining.
  std::atomic<std::thread::id> writer_id_{};
  std::atomic<std::uint64_t> transactions_committed_{0};
  std::atomic<bool> writable_{true};
};

}  // namespace triaged::storage

// The group-commit writer on PostgreSQL: one thread owns one connection and commits queued
// creates (and, later, mail writes) in batches, one transaction per batch, each write in its
// own savepoint so a bad one fails alone. Callbacks run on that thread after the batch's
// COMMIT returned. Same queue contract as the SQLite writer (storage/src/ticket_writer.h).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "pg_connection.h"
#include "storage/ticket_store.h"

namespace triaged::storage::pg {

class Writer {
 public:
  // Starts the thread on `db`, which the writer then owns. Fails with Code::io if the thread
  // cannot start.
  static Result<std::unique_ptr<Writer>> start(Connection db, const StoreOptions& options);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void submit(NewTicket ticket, TicketRecords::CreateCallback done);
  void submit(MailWrite write, MailStore::MailCallback done);
  // Stops accepting, commits everything queued, joins the thread. Idempotent; from a
  // callback it only stops accepting.
  void close();
  bool closing() const;

  std::uint64_t transactions_committed() const { return transactions_committed_.load(); }
  bool writable() const { return writable_.load(); }
  // See TicketStore::writable: moves the state on a write's outcome and logs each change once.
  void note_writability(const StoreError* unavailable, bool committed);

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
  using Outcome = std::variant<Result<CreateOutcome>, Result<MailOutcome>>;
  using Outcomes = std::vector<Outcome>;

  Writer(Connection db, const StoreOptions& options);
  static Outcome failure(const Pending& item, const StoreError& error);
  static void answer(const Pending& item, Outcome outcome);
  void enqueue(Pending item);
  void run();
  bool next_batch(std::vector<Pending>& batch);
  Outcomes commit_batch(const std::vector<Pending>& batch);
  Outcome write_one(const Pending& item);

  // Fixed at construction; db_ is used by the writer thread only.
  Connection db_;
  const std::size_t max_batch_;
  const std::chrono::microseconds max_batch_wait_;
  const std::size_t queue_limit_;

  // Guarded by queue_mutex_.
  mutable std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Pending> queue_;
  bool closing_ = false;

  std::mutex join_mutex_;
  std::thread thread_;
  std::atomic<std::thread::id> writer_id_{};
  std::atomic<std::uint64_t> transactions_committed_{0};
  std::atomic<bool> writable_{true};
};

}  // namespace triaged::storage::pg

#include "ticket_writer.h"

#include <algorithm>
#include <exception>
#include <string>
#include <system_error>
#include <utility>

#include "ticket_ref.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

// A callback that throws must not take the writer thread, and every later ticket, with it.
void deliver(const TicketStore::CreateCallback& done, Result<CreateOutcome> outcome) {
  if (!done) return;
  try {
    done(std::move(outcome));
  } catch (...) {
  }
}

StoreError io_error(std::string message) {
  return StoreError{StoreError::Code::io, std::move(message)};
}

// One create inside the batch transaction. Code::io means the database failed and the
// caller must undo this ticket's writes; any other outcome wrote nothing or wrote it all.
Result<CreateOutcome> create_one(Database& db, const NewTicket& ticket) {
  if (!ticket.idempotency_key.empty()) {
    // Runs inside the batch transaction, so it also sees a same-key create committed
    // earlier in this very batch.
    static const std::string kSelectByKey =
        "SELECT " + std::string(kTicketColumns) +
        ", request_hash FROM tickets WHERE idempotency_key = ?1";
    auto existing = db.prepare(kSelectByKey);
    if (!existing) return std::unexpected(std::move(existing.error()));
    existing->bind(1, ticket.idempotency_key);
    auto row = existing->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (*row) {
      if (existing->column_text(21) != ticket.request_hash) {
        return std::unexpected(StoreError{
            StoreError::Code::conflict,
            "idempotency key '" + ticket.idempotency_key + "' was used for a different request"});
      }
      auto first = read_ticket(*existing);
      if (!first) return std::unexpected(std::move(first.error()));
      return CreateOutcome{std::move(*first), false};
    }
  }
  // Safe without AUTOINCREMENT: this connection holds the write lock and rows are never
  // deleted, so max(id) + 1 is the id SQLite would pick, known before the insert so the
  // ref can go into the same row.
  auto next_id = db.query_int64("SELECT coalesce(max(id), 0) + 1 FROM tickets");
  if (!next_id) return std::unexpected(std::move(next_id.error()));
  auto stored = insert_ticket(db, *next_id, encode_ref(*next_id), ticket);
  if (!stored) return std::unexpected(std::move(stored.error()));
  return CreateOutcome{std::move(*stored), true};
}

}  // namespace

Result<std::unique_ptr<TicketWriter>> TicketWriter::start(GuardedDatabase& db,
                                                          const StoreOptions& options) {
  std::unique_ptr<TicketWriter> writer(new TicketWriter(db, options));
  try {
    writer->thread_ = std::thread([w = writer.get()] { w->run(); });
  } catch (const std::system_error& e) {
    return std::unexpected(io_error(std::string("cannot start the writer thread: ") + e.what()));
  }
  return writer;
}

TicketWriter::TicketWriter(GuardedDatabase& db, const StoreOptions& options)
    : db_(db),
      max_batch_(static_cast<std::size_t>(std::max(options.max_batch, 1))),
      max_batch_wait_(std::max(options.max_batch_wait, std::chrono::microseconds(0))),
      queue_limit_(options.queue_limit) {}

TicketWriter::~TicketWriter() { close(); }

void TicketWriter::submit(NewTicket ticket, TicketStore::CreateCallback done) {
  std::unique_lock lock(queue_mutex_);
  if (closing_) {
    lock.unlock();
    deliver(done, std::unexpected(StoreError{StoreError::Code::closed, "the store is closed"}));
    return;
  }
  if (queue_.size() >= queue_limit_) {
    lock.unlock();
    deliver(done, std::unexpected(StoreError{
                      StoreError::Code::overloaded,
                      "write queue is full (" + std::to_string(queue_limit_) + " waiting)"}));
    return;
  }
  queue_.push_back(Pending{std::move(ticket), std::move(done)});
  lock.unlock();
  queue_ready_.notify_one();
}

Result<void> TicketWriter::record_rule_set(const std::string& version, const std::string& name,
                                           const std::string& source, const std::string& text,
                                           Clock::time_point loaded_at) {
  {
    std::lock_guard lock(queue_mutex_);
    if (closing_) {
      return std::unexpected(StoreError{StoreError::Code::closed, "the store is closed"});
    }
  }
  std::lock_guard lock(db_.mutex);
  auto insert = db_.db.prepare(
      "INSERT OR IGNORE INTO rule_sets (version, name, source, text, first_loaded_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, version).bind(2, name).bind(3, source).bind(4, text);
  insert->bind(5, to_unix_ms(loaded_at));
  return insert->run();
}

void TicketWriter::close() {
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
  }
  queue_ready_.notify_one();
  if (writer_id_.load() == std::this_thread::get_id()) return;
  std::lock_guard lock(join_mutex_);
  if (thread_.joinable()) thread_.join();
}

void TicketWriter::run() {
  writer_id_.store(std::this_thread::get_id());
  std::vector<Pending> batch;
  while (next_batch(batch)) {
    Outcomes outcomes = commit_batch(batch);
    for (std::size_t i = 0; i < batch.size(); ++i) deliver(batch[i].done, std::move(outcomes[i]));
    batch.clear();
  }
}

bool TicketWriter::next_batch(std::vector<Pending>& batch) {
  std::unique_lock lock(queue_mutex_);
  const auto has_work = [this] { return !queue_.empty() || closing_; };
  queue_ready_.wait(lock, has_work);
  if (queue_.empty()) return false;
  // Waiting lets up to max_batch_wait of latency buy one durable commit for every ticket
  // that arrives meanwhile; when closing, nobody else is coming.
  const auto deadline = std::chrono::steady_clock::now() + max_batch_wait_;
  for (;;) {
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    if (batch.size() >= max_batch_ || closing_) break;
    if (!queue_ready_.wait_until(lock, deadline, has_work)) break;
  }
  return true;
}

TicketWriter::Outcomes TicketWriter::commit_batch(const std::vector<Pending>& batch) {
  const auto fail_all = [&](const StoreError& error) {
    return Outcomes(batch.size(), std::unexpected(error));
  };
  std::lock_guard lock(db_.mutex);
  Database& db = db_.db;
  auto tx = Transaction::begin(db, Transaction::Mode::immediate);
  if (!tx) return fail_all(tx.error());

  // Each ticket gets a savepoint, so a row SQLite rejects fails alone and the rest of the
  // batch still commits. Errors that make SQLite abandon the whole transaction (disk full,
  // I/O) leave nothing to save: then every ticket in the batch fails with Code::io.
  Outcomes outcomes;
  outcomes.reserve(batch.size());
  for (const Pending& item : batch) {
    if (auto saved = db.exec("SAVEPOINT ticket"); !saved) return fail_all(saved.error());
    auto outcome = create_one(db, item.ticket);
    if (!outcome && outcome.error().code == StoreError::Code::io) {
      if (!db.in_transaction()) {
        return fail_all(io_error("batch rolled back: " + outcome.error().message));
      }
      if (auto undone = db.exec("ROLLBACK TO ticket"); !undone) return fail_all(undone.error());
    }
    if (auto released = db.exec("RELEASE ticket"); !released) return fail_all(released.error());
    outcomes.push_back(std::move(outcome));
  }
  if (auto committed = tx->commit(); !committed) return fail_all(committed.error());
  transactions_committed_.fetch_add(1);
  return outcomes;
}

}  // namespace triaged::storage

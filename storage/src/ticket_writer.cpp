#include "ticket_writer.h"

#include <algorithm>
#include <exception>
#include <string>
#include <system_error>
#include <utility>

#include <spdlog/spdlog.h>

#include "mail_writer.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

// A callback that throws must not take the writer thread, and every later write, with it.
template <typename Callback, typename Value>
void deliver(const Callback& done, Result<Value> outcome) {
  if (!done) return;
  try {
    done(std::move(outcome));
  } catch (...) {
  }
}

StoreError io_error(std::string message) {
  return StoreError{StoreError::Code::io, std::move(message)};
}

template <typename Value>
const StoreError* unavailable_error(const Result<Value>& result) {
  if (result || result.error().code != StoreError::Code::unavailable) return nullptr;
  return &result.error();
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
  enqueue(PendingCreate{std::move(ticket), std::move(done)});
}

void TicketWriter::submit(MailWrite write, TicketStore::MailCallback done) {
  enqueue(PendingMail{std::move(write), std::move(done)});
}

TicketWriter::Outcome TicketWriter::failure(const Pending& item, const StoreError& error) {
  if (std::holds_alternative<PendingCreate>(item)) {
    return Outcome(std::in_place_index<0>, std::unexpected(error));
  }
  return Outcome(std::in_place_index<1>, std::unexpected(error));
}

void TicketWriter::answer(const Pending& item, Outcome outcome) {
  if (const auto* create = std::get_if<PendingCreate>(&item)) {
    deliver(create->done, std::get<0>(std::move(outcome)));
  } else {
    deliver(std::get<PendingMail>(item).done, std::get<1>(std::move(outcome)));
  }
}

void TicketWriter::enqueue(Pending item) {
  std::unique_lock lock(queue_mutex_);
  if (closing_) {
    lock.unlock();
    answer(item, failure(item, StoreError{StoreError::Code::closed, "the store is closed"}));
    return;
  }
  if (queue_.size() >= queue_limit_) {
    lock.unlock();
    answer(item, failure(item, StoreError{StoreError::Code::overloaded,
                                          "write queue is full (" +
                                              std::to_string(queue_limit_) + " waiting)"}));
    return;
  }
  queue_.push_back(std::move(item));
  lock.unlock();
  queue_ready_.notify_one();
}

Result<void> TicketWriter::write_now(const std::function<Result<void>(Database&)>& write) {
  {
    std::lock_guard lock(queue_mutex_);
    if (closing_) {
      return std::unexpected(StoreError{StoreError::Code::closed, "the store is closed"});
    }
  }
  std::lock_guard lock(db_.mutex);
  Result<void> done = [&]() -> Result<void> {
    auto tx = Transaction::begin(db_.db, Transaction::Mode::immediate);
    if (!tx) return std::unexpected(std::move(tx.error()));
    if (auto written = write(db_.db); !written) return written;
    return tx->commit();
  }();
  note_writability(unavailable_error(done), done.has_value());
  return done;
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
  auto done = insert->run();
  note_writability(unavailable_error(done), done.has_value());
  return done;
}

void TicketWriter::note_writability(const StoreError* unavailable, bool committed) {
  // Other failures (a rejected row, a conflict) say nothing about whether the file takes
  // writes, so only these two move the state.
  if (unavailable == nullptr && !committed) return;
  const bool writable = unavailable == nullptr;
  if (writable_.exchange(writable) == writable) return;
  if (writable) {
    spdlog::info("storage: the database takes writes again");
  } else {
    spdlog::error("storage: the database cannot be written ({}): {}; every write fails until "
                  "the cause is gone, and the next one that commits ends this",
                  unavailable->cause, unavailable->message);
  }
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
    const std::uint64_t committed_before = transactions_committed_.load();
    Outcomes outcomes = commit_batch(batch);
    const StoreError* unavailable = nullptr;
    for (const Outcome& outcome : outcomes) {
      if (unavailable != nullptr) break;
      unavailable = std::visit([](const auto& result) { return unavailable_error(result); }, outcome);
    }
    note_writability(unavailable, transactions_committed_.load() != committed_before);
    for (std::size_t i = 0; i < batch.size(); ++i) answer(batch[i], std::move(outcomes[i]));
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
    Outcomes failed;
    failed.reserve(batch.size());
    for (const Pending& item : batch) failed.push_back(failure(item, error));
    return failed;
  };
  std::lock_guard lock(db_.mutex);
  Database& db = db_.db;
  auto tx = Transaction::begin(db, Transaction::Mode::immediate);
  if (!tx) return fail_all(tx.error());

  // Each write gets a savepoint, so a row SQLite rejects (or a mail write refused halfway)
  // fails alone and the rest of the batch still commits. Errors that make SQLite abandon the
  // whole transaction (disk full, I/O) leave nothing to save: then every write in the batch
  // fails with that error, Code::unavailable for causes that can pass.
  Outcomes outcomes;
  outcomes.reserve(batch.size());
  for (const Pending& item : batch) {
    if (auto saved = db.run("SAVEPOINT item"); !saved) return fail_all(saved.error());
    Outcome outcome = std::holds_alternative<PendingCreate>(item)
                          ? Outcome(std::in_place_index<0>,
                                    create_one(db, std::get<PendingCreate>(item).ticket))
                          : Outcome(std::in_place_index<1>,
                                    write_mail_one(db, std::get<PendingMail>(item).write));
    const bool failed = std::visit([](const auto& result) { return !result.has_value(); },
                                   outcome);
    if (failed) {
      if (!db.in_transaction()) {
        StoreError why = std::visit([](const auto& result) { return result.error(); }, outcome);
        why.message = "batch rolled back: " + why.message;
        return fail_all(why);
      }
      if (auto undone = db.run("ROLLBACK TO item"); !undone) return fail_all(undone.error());
    }
    if (auto released = db.run("RELEASE item"); !released) return fail_all(released.error());
    outcomes.push_back(std::move(outcome));
  }
  if (auto committed = tx->commit(); !committed) return fail_all(committed.error());
  transactions_committed_.fetch_add(1);
  return outcomes;
}

}  // namespace triaged::storage

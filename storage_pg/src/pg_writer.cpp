#include "pg_writer.h"

#include <algorithm>
#include <string>
#include <system_error>
#include <utility>

#include <spdlog/spdlog.h>

#include "pg_admission.h"
#include "pg_mail_writer.h"

namespace triaged::storage::pg {
namespace {

// A write that lost a race with another node (a unique key it looked for and did not find,
// inserted meanwhile; a deadlock) is tried again: the second try finds the other node's row.
constexpr int kAttemptsPerWrite = 3;

template <typename Callback, typename Value>
void deliver(const Callback& done, Result<Value> outcome) {
  if (!done) return;
  try {
    done(std::move(outcome));
  } catch (...) {
  }
}

template <typename Value>
const StoreError* unavailable_error(const Result<Value>& result) {
  if (result || result.error().code != StoreError::Code::unavailable) return nullptr;
  return &result.error();
}

StoreError closed_error() { return StoreError{StoreError::Code::closed, "the store is closed"}; }

}  // namespace

Result<std::unique_ptr<Writer>> Writer::start(Connection db, const StoreOptions& options) {
  std::unique_ptr<Writer> writer(new Writer(std::move(db), options));
  try {
    writer->thread_ = std::thread([w = writer.get()] { w->run(); });
  } catch (const std::system_error& e) {
    return std::unexpected(StoreError{StoreError::Code::io, std::string("cannot start the writer thread: ") + e.what()});
  }
  return writer;
}

Writer::Writer(Connection db, const StoreOptions& options)
    : db_(std::move(db)),
      max_batch_(static_cast<std::size_t>(std::max(options.max_batch, 1))),
      max_batch_wait_(std::max(options.max_batch_wait, std::chrono::microseconds(0))),
      queue_limit_(options.queue_limit) {}

Writer::~Writer() { close(); }

void Writer::submit(NewTicket ticket, TicketRecords::CreateCallback done) {
  enqueue(PendingCreate{std::move(ticket), std::move(done)});
}

void Writer::submit(MailWrite write, MailStore::MailCallback done) {
  enqueue(PendingMail{std::move(write), std::move(done)});
}

Writer::Outcome Writer::failure(const Pending& item, const StoreError& error) {
  if (std::holds_alternative<PendingCreate>(item)) return Outcome(std::in_place_index<0>, std::unexpected(error));
  return Outcome(std::in_place_index<1>, std::unexpected(error));
}

void Writer::answer(const Pending& item, Outcome outcome) {
  if (const auto* create = std::get_if<PendingCreate>(&item)) {
    deliver(create->done, std::get<0>(std::move(outcome)));
  } else {
    deliver(std::get<PendingMail>(item).done, std::get<1>(std::move(outcome)));
  }
}

void Writer::enqueue(Pending item) {
  std::unique_lock lock(queue_mutex_);
  if (closing_) {
    lock.unlock();
    answer(item, failure(item, closed_error()));
    return;
  }
  if (queue_.size() >= queue_limit_) {
    lock.unlock();
    answer(item, failure(item, StoreError{StoreError::Code::overloaded,
                                          "write queue is full (" + std::to_string(queue_limit_) + " waiting)"}));
    return;
  }
  queue_.push_back(std::move(item));
  lock.unlock();
  queue_ready_.notify_one();
}

bool Writer::closing() const {
  std::lock_guard lock(queue_mutex_);
  return closing_;
}

void Writer::note_writability(const StoreError* unavailable, bool committed) {
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

void Writer::close() {
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
  }
  queue_ready_.notify_one();
  if (writer_id_.load() == std::this_thread::get_id()) return;
  std::lock_guard lock(join_mutex_);
  if (thread_.joinable()) thread_.join();
}

void Writer::run() {
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

bool Writer::next_batch(std::vector<Pending>& batch) {
  std::unique_lock lock(queue_mutex_);
  const auto has_work = [this] { return !queue_.empty() || closing_; };
  queue_ready_.wait(lock, has_work);
  if (queue_.empty()) return false;
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

Writer::Outcome Writer::write_one(const Pending& item) {
  if (const auto* create = std::get_if<PendingCreate>(&item)) {
    return Outcome(std::in_place_index<0>, create_one(db_, create->ticket));
  }
  return Outcome(std::in_place_index<1>, write_mail_one(db_, std::get<PendingMail>(item).write));
}

Writer::Outcomes Writer::commit_batch(const std::vector<Pending>& batch) {
  const auto fail_all = [&](const StoreError& error) {
    Outcomes failed;
    failed.reserve(batch.size());
    for (const Pending& item : batch) failed.push_back(failure(item, error));
    return failed;
  };
  auto tx = Transaction::begin(db_);
  if (!tx) return fail_all(tx.error());
  // Each write in its own savepoint: a row the database rejects fails alone, and the rest of
  // the batch still commits. A lost connection leaves nothing to save: then every write of
  // the batch fails with Code::unavailable, and the next batch reconnects.
  Outcomes outcomes;
  outcomes.reserve(batch.size());
  for (const Pending& item : batch) {
    Outcome outcome = failure(item, closed_error());
    for (int attempt = 1; attempt <= kAttemptsPerWrite; ++attempt) {
      if (auto saved = db_.run("SAVEPOINT item"); !saved) return fail_all(saved.error());
      outcome = write_one(item);
      const StoreError* error = std::visit(
          [](const auto& result) -> const StoreError* { return result ? nullptr : &result.error(); }, outcome);
      if (error == nullptr) break;
      if (db_.broken()) {
        StoreError why = *error;
        why.message = "batch rolled back: " + why.message;
        return fail_all(why);
      }
      const bool retry = (is_unique_violation(*error) || is_retryable(*error)) && attempt < kAttemptsPerWrite;
      if (auto undone = db_.run("ROLLBACK TO SAVEPOINT item"); !undone) return fail_all(undone.error());
      if (!retry) break;
    }
    if (auto released = db_.run("RELEASE SAVEPOINT item"); !released) return fail_all(released.error());
    outcomes.push_back(std::move(outcome));
  }
  if (auto committed = tx->commit(); !committed) return fail_all(committed.error());
  transactions_committed_.fetch_add(1);
  return outcomes;
}

}  // namespace triaged::storage::pg

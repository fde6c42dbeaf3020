// Connections for everything but the writer's queue: reads, and the small writes that run in
// their own transaction (staff actions, outbox marks, rule-set versions). Opened on demand, a
// few kept idle. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "pg_connection.h"

namespace triaged::storage::pg {

class Pool {
 public:
  explicit Pool(std::string url);
  // The store's URL, for a connection of one's own (the rule-set feed's LISTEN).
  const std::string& url() const { return url_; }

  // Runs `use(Connection&)`, which returns a Result, on a leased connection. A connection
  // left inside a transaction (a failed use) is closed, not kept.
  template <typename Use>
  auto with_connection(Use&& use) -> decltype(use(std::declval<Connection&>())) {
    auto lease = acquire();
    if (!lease) return std::unexpected(std::move(lease.error()));
    auto result = use(**lease);
    release(std::move(*lease));
    return result;
  }

  // Runs `write(Connection&)` inside BEGIN/COMMIT on a leased connection.
  template <typename Write>
  auto in_transaction(Write&& write) -> decltype(write(std::declval<Connection&>())) {
    return with_connection([&](Connection& db) -> decltype(write(db)) {
      auto tx = Transaction::begin(db);
      if (!tx) return std::unexpected(std::move(tx.error()));
      auto result = write(db);
      if (!result) return result;
      if (auto committed = tx->commit(); !committed) return std::unexpected(std::move(committed.error()));
      return result;
    });
  }

 private:
  Result<std::unique_ptr<Connection>> acquire();
  void release(std::unique_ptr<Connection> db);

  // Fixed at construction.
  const std::string url_;

  // Guarded by mutex_.
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace triaged::storage::pg

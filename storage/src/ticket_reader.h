// The read side of the store. A file database is read through a small pool of read-only
// connections, which WAL lets run alongside the writer's transaction. A ":memory:" database
// exists only inside the writer's connection, so its reads borrow that one under its mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "database.h"
#include "storage/tickets.h"

namespace triaged::storage {

class TicketReader {
 public:
  // Reads the file at `path` through pooled read-only connections opened on demand.
  TicketReader(std::string path, std::chrono::milliseconds busy_timeout);
  // Reads through `shared`, which must outlive the reader.
  explicit TicketReader(GuardedDatabase& shared);

  Result<std::optional<StoredTicket>> get(std::int64_t id);
  Result<std::optional<StoredTicket>> get_by_ref(const std::string& ref);
  Result<TicketPage> list(const TicketQuery& query);
  Result<std::vector<TicketEvent>> events(std::int64_t ticket_id);
  Result<std::vector<QueueStats>> queue_stats(Clock::time_point now);

  // Runs `read(Database&)`, which returns a Result, on a leased connection: how the other
  // read modules (mail_reader) share this pool.
  template <typename Read>
  auto with_connection(Read&& read) -> decltype(read(std::declval<Database&>())) {
    auto lease = acquire();
    if (!lease) return std::unexpected(std::move(lease.error()));
    return read(lease->db());
  }

 private:
  // One connection lent to one read; returns itself to the pool (or unlocks the shared
  // connection) when it goes out of scope.
  class Lease {
   public:
    Lease(TicketReader& reader, std::unique_ptr<Database> pooled);
    explicit Lease(GuardedDatabase& shared);
    Lease(Lease&&) noexcept = default;
    ~Lease();
    Database& db() { return pooled_ ? *pooled_ : shared_->db; }

   private:
    TicketReader* reader_ = nullptr;
    std::unique_ptr<Database> pooled_;
    GuardedDatabase* shared_ = nullptr;
    std::unique_lock<std::mutex> shared_lock_;
  };

  Result<Lease> acquire();
  void release(std::unique_ptr<Database> db);

  // Fixed at construction.
  const std::string path_;
  const std::chrono::milliseconds busy_timeout_{0};
  GuardedDatabase* const shared_ = nullptr;

  // Guarded by pool_mutex_.
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace triaged::storage

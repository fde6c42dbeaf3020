#include "pg_pool.h"

namespace triaged::storage::pg {
namespace {

// Idle connections kept open; more may exist while busy, and are closed when returned.
constexpr std::size_t kMaxIdle = 4;

}  // namespace

Pool::Pool(std::string url) : url_(std::move(url)) {}

Result<std::unique_ptr<Connection>> Pool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return db;
    }
  }
  auto db = Connection::connect(url_);
  if (!db) return std::unexpected(std::move(db.error()));
  return std::make_unique<Connection>(std::move(*db));
}

void Pool::release(std::unique_ptr<Connection> db) {
  if (db->in_transaction() || db->broken()) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(db));
}

}  // namespace triaged::storage::pg

#include "ticket_reader.h"

#include <algorithm>
#include <map>
#include <utility>

#include "ticket_ref.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

// Idle read connections kept open; more may exist while busy, and are closed when returned.
constexpr std::size_t kMaxIdleReaders = 4;
constexpr int kMinPageSize = 1;
constexpr int kMaxPageSize = 500;

const std::string& select_tickets() {
  static const std::string kSql = "SELECT " + std::string(kTicketColumns) + " FROM tickets";
  return kSql;
}

Result<std::optional<StoredTicket>> first_ticket(Statement& stmt) {
  auto row = stmt.step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<StoredTicket>();
  auto ticket = read_ticket(stmt);
  if (!ticket) return std::unexpected(std::move(ticket.error()));
  return std::optional<StoredTicket>(std::move(*ticket));
}

}  // namespace

TicketReader::Lease::Lease(TicketReader& reader, std::unique_ptr<Database> pooled)
    : reader_(&reader), pooled_(std::move(pooled)) {}

TicketReader::Lease::Lease(GuardedDatabase& shared)
    : shared_(&shared), shared_lock_(shared.mutex) {}

TicketReader::Lease::~Lease() {
  if (reader_ != nullptr && pooled_) reader_->release(std::move(pooled_));
}

TicketReader::TicketReader(std::string path, std::chrono::milliseconds busy_timeout)
    : path_(std::move(path)), busy_timeout_(busy_timeout) {}

TicketReader::TicketReader(GuardedDatabase& shared) : shared_(&shared) {}

Result<TicketReader::Lease> TicketReader::acquire() {
  if (shared_ != nullptr) return Lease(*shared_);
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  // Read-only: a bug in a query can then never write, whatever the SQL says.
  auto db = Database::open(path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!db) return std::unexpected(std::move(db.error()));
  sqlite3_busy_timeout(db->handle(), static_cast<int>(busy_timeout_.count()));
  return Lease(*this, std::make_unique<Database>(std::move(*db)));
}

void TicketReader::release(std::unique_ptr<Database> db) {
  // A connection left inside a failed read's transaction would pin an old snapshot.
  if (db->in_transaction()) return;
  std::lock_guard lock(pool_mutex_);
  if (idle_.size() < kMaxIdleReaders) idle_.push_back(std::move(db));
}

Result<std::optional<StoredTicket>> TicketReader::get(std::int64_t id) {
  auto lease = acquire();
  if (!lease) return std::unexpected(std::move(lease.error()));
  auto stmt = lease->db().prepare(select_tickets() + " WHERE id = ?1");
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  stmt->bind(1, id);
  return first_ticket(*stmt);
}

Result<std::optional<StoredTicket>> TicketReader::get_by_ref(const std::string& ref) {
  const auto canonical = normalize_ref(ref);
  if (!canonical) return std::optional<StoredTicket>();
  auto lease = acquire();
  if (!lease) return std::unexpected(std::move(lease.error()));
  auto stmt = lease->db().prepare(select_tickets() + " WHERE ref = ?1");
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  stmt->bind(1, *canonical);
  return first_ticket(*stmt);
}

Result<TicketPage> TicketReader::list(const TicketQuery& query) {
  std::optional<std::int64_t> before;
  if (!query.cursor.empty()) {
    before = decode_cursor(query.cursor);
    if (!before) {
      return std::unexpected(StoreError{StoreError::Code::bad_request,
                                        "malformed cursor '" + query.cursor + "'"});
    }
  }
  const int limit = std::clamp(query.limit, kMinPageSize, kMaxPageSize);

  // One SQL text per combination of filters (at most 16, each prepared once per connection)
  // rather than "(?1 = '' OR department = ?1)", which would keep the planner off the indexes.
  std::string sql = select_tickets();
  const char* glue = " WHERE ";
  const auto add = [&](bool present, const char* condition) {
    if (!present) return;
    sql += glue;
    sql += condition;
    glue = " AND ";
  };
  add(!query.department.empty(), "department = ?1");
  add(!query.status.empty(), "status = ?2");
  add(!query.topic.empty(), "topic = ?3");
  add(before.has_value(), "id < ?4");
  sql += " ORDER BY id DESC LIMIT ?5";

  auto lease = acquire();
  if (!lease) return std::unexpected(std::move(lease.error()));
  auto stmt = lease->db().prepare(sql);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  if (!query.department.empty()) stmt->bind(1, query.department);
  if (!query.status.empty()) stmt->bind(2, query.status);
  if (!query.topic.empty()) stmt->bind(3, query.topic);
  if (before) stmt->bind(4, *before);
  // One extra row tells whether another page exists without a second query.
  stmt->bind(5, std::int64_t{limit} + 1);

  TicketPage page;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    if (page.tickets.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor = encode_cursor(page.tickets.back().id);
      break;
    }
    auto ticket = read_ticket(*stmt);
    if (!ticket) return std::unexpected(std::move(ticket.error()));
    page.tickets.push_back(std::move(*ticket));
  }
  return page;
}

Result<std::vector<TicketEvent>> TicketReader::events(std::int64_t ticket_id) {
  auto lease = acquire();
  if (!lease) return std::unexpected(std::move(lease.error()));
  auto stmt = lease->db().prepare(
      "SELECT id, ticket_id, at, kind, data_json FROM ticket_events WHERE ticket_id = ?1 "
      "ORDER BY id");
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  stmt->bind(1, ticket_id);
  std::vector<TicketEvent> events;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    events.push_back(TicketEvent{stmt->column_int64(0), stmt->column_int64(1),
                                 from_unix_ms(stmt->column_int64(2)), stmt->column_text(3),
                                 stmt->column_text(4)});
  }
  return events;
}

Result<std::vector<QueueStats>> TicketReader::queue_stats(Clock::time_point now) {
  auto lease = acquire();
  if (!lease) return std::unexpected(std::move(lease.error()));
  Database& db = lease->db();
  // Both queries read one snapshot, so open never exceeds the sum of the status counts.
  auto tx = Transaction::begin(db, Transaction::Mode::deferred);
  if (!tx) return std::unexpected(std::move(tx.error()));

  std::map<std::string, QueueStats> stats;
  auto counts = db.prepare(
      "SELECT department, status, count(*) FROM tickets GROUP BY department, status");
  if (!counts) return std::unexpected(std::move(counts.error()));
  for (;;) {
    auto row = counts->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    QueueStats& queue = stats[counts->column_text(0)];
    queue.by_status[counts->column_text(1)] = counts->column_int64(2);
  }

  auto open = db.prepare(
      "SELECT department, count(*), sum(due_at IS NOT NULL AND due_at < ?1), min(created_at) "
      "FROM tickets WHERE status NOT IN ('resolved', 'closed') GROUP BY department");
  if (!open) return std::unexpected(std::move(open.error()));
  open->bind(1, to_unix_ms(now));
  for (;;) {
    auto row = open->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    QueueStats& queue = stats[open->column_text(0)];
    queue.open = open->column_int64(1);
    queue.overdue = open->column_int64(2);
    queue.oldest_open_created_at = from_unix_ms(open->column_int64(3));
  }
  if (auto done = tx->commit(); !done) return std::unexpected(std::move(done.error()));

  std::vector<QueueStats> result;
  result.reserve(stats.size());
  for (auto& [department, queue] : stats) {
    queue.department = department;
    result.push_back(std::move(queue));
  }
  return result;
}

}  // namespace triaged::storage

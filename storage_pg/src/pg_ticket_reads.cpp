#include "pg_ticket_reads.h"

#include <algorithm>
#include <map>

#include "pg_ticket_rows.h"
#include "ticket_ref.h"

namespace triaged::storage::pg {
namespace {

constexpr int kMinPageSize = 1;
constexpr int kMaxPageSize = 500;

const std::string& select_tickets() {
  static const std::string kSql = "SELECT " + std::string(kTicketColumns) + " FROM tickets";
  return kSql;
}

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

}  // namespace

Result<std::optional<StoredTicket>> read_ticket_by_ref(Connection& db, const std::string& ref) {
  const auto canonical = normalize_ref(ref);
  if (!canonical) return std::optional<StoredTicket>();
  auto rows = db.exec(select_tickets() + " WHERE ref = $1", {text(*canonical)});
  if (!rows) return fail(rows);
  if (rows->size() == 0) return std::optional<StoredTicket>();
  auto ticket = read_ticket(*rows, 0);
  if (!ticket) return fail(ticket);
  return std::optional<StoredTicket>(std::move(*ticket));
}

Result<TicketPage> list_tickets(Connection& db, const TicketQuery& query) {
  std::optional<std::int64_t> before;
  if (!query.cursor.empty()) {
    before = decode_cursor(query.cursor);
    if (!before) {
      return std::unexpected(StoreError{StoreError::Code::bad_request, "malformed cursor '" + query.cursor + "'"});
    }
  }
  const int limit = std::clamp(query.limit, kMinPageSize, kMaxPageSize);
  // One SQL text per combination of filters, each prepared once per connection, so the
  // planner sees which indexes apply.
  std::string sql = select_tickets();
  std::vector<Param> params;
  const char* glue = " WHERE ";
  const auto add = [&](bool present, const char* column, Param value) {
    if (!present) return;
    params.push_back(std::move(value));
    sql += glue;
    sql += column;
    sql += "$" + std::to_string(params.size());
    glue = " AND ";
  };
  add(!query.department.empty(), "department = ", text(query.department));
  add(!query.status.empty(), "status = ", text(query.status));
  add(!query.topic.empty(), "topic = ", text(query.topic));
  add(before.has_value(), "id < ", int64(before.value_or(0)));
  // One extra row tells whether another page exists without a second query.
  params.push_back(int64(std::int64_t{limit} + 1));
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(params.size());
  auto rows = db.exec(sql, params);
  if (!rows) return fail(rows);
  TicketPage page;
  for (int r = 0; r < rows->size(); ++r) {
    if (page.tickets.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor = encode_cursor(page.tickets.back().id);
      break;
    }
    auto ticket = read_ticket(*rows, r);
    if (!ticket) return fail(ticket);
    page.tickets.push_back(std::move(*ticket));
  }
  return page;
}

Result<std::vector<TicketEvent>> read_events(Connection& db, std::int64_t ticket_id) {
  auto rows = db.exec("SELECT id, ticket_id, at, kind, data_json FROM ticket_events WHERE ticket_id = $1 ORDER BY id",
                      {int64(ticket_id)});
  if (!rows) return fail(rows);
  std::vector<TicketEvent> events;
  events.reserve(static_cast<std::size_t>(rows->size()));
  for (int r = 0; r < rows->size(); ++r) {
    events.push_back(TicketEvent{rows->int64(r, 0), rows->int64(r, 1), from_unix_ms(rows->int64(r, 2)),
                                 rows->text(r, 3), rows->text(r, 4)});
  }
  return events;
}

Result<std::vector<QueueStats>> read_queue_stats(Connection& db, Clock::time_point now) {
  if (auto begun = db.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) return fail(begun);
  auto read = [&]() -> Result<std::map<std::string, QueueStats>> {
    std::map<std::string, QueueStats> stats;
    auto counts = db.exec("SELECT department, status, count(*) FROM tickets GROUP BY department, status");
    if (!counts) return fail(counts);
    for (int r = 0; r < counts->size(); ++r) {
      stats[counts->text(r, 0)].by_status[counts->text(r, 1)] = counts->int64(r, 2);
    }
    auto open = db.exec(
        "SELECT department, count(*), count(*) FILTER (WHERE due_at IS NOT NULL AND due_at < $1), "
        "min(created_at) FROM tickets WHERE status NOT IN ('resolved', 'closed') GROUP BY department",
        {int64(to_unix_ms(now))});
    if (!open) return fail(open);
    for (int r = 0; r < open->size(); ++r) {
      QueueStats& queue = stats[open->text(r, 0)];
      queue.open = open->int64(r, 1);
      queue.overdue = open->int64(r, 2);
      queue.oldest_open_created_at = from_unix_ms(open->int64(r, 3));
    }
    return stats;
  }();
  (void)db.run(read ? "COMMIT" : "ROLLBACK");
  if (!read) return fail(read);
  std::vector<QueueStats> result;
  result.reserve(read->size());
  for (auto& [department, queue] : *read) {
    queue.department = department;
    result.push_back(std::move(queue));
  }
  return result;
}

}  // namespace triaged::storage::pg

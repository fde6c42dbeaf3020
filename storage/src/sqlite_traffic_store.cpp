// SqliteTicketStore's part for judging rules on traffic: reroutes through the writer's
// write_now, scans and coverage through the reader's connections.
#include <algorithm>
#include <utility>

#include "sqlite_ticket_store.h"
#include "ticket_row.h"
#include "traffic_rows.h"

namespace triaged::storage {
namespace {

constexpr int kMinScanPage = 1;
constexpr int kMaxScanPage = 5000;

}  // namespace

Result<RerouteOutcome> SqliteTicketStore::reroute(const Reroute& reroute) {
  std::optional<RerouteOutcome> outcome;
  auto written = writer_->write_now([&](Database& db) -> Result<void> {
    auto done = reroute_ticket(db, reroute);
    if (!done) return std::unexpected(std::move(done.error()));
    outcome = std::move(*done);
    return {};
  });
  if (!written) return std::unexpected(std::move(written.error()));
  return std::move(*outcome);
}

Result<std::int64_t> SqliteTicketStore::scan_tickets(
    const ScanQuery& query, const std::function<bool(const StoredTicket&)>& visit) {
  const int page_size = std::clamp(query.page_size, kMinScanPage, kMaxScanPage);
  std::optional<ScanKey> after;
  std::int64_t visited = 0;
  for (;;) {
    std::int64_t wanted = page_size;
    if (query.limit > 0) wanted = std::min(wanted, query.limit - visited);
    if (wanted <= 0) break;
    // The lease ends with this call: `visit` runs with no connection held, so it may use
    // the store (on ":memory:" the lease would be the writer's mutex).
    auto page = reader_->with_connection([&](Database& db) {
      return read_ticket_page(db, query, after, static_cast<int>(wanted));
    });
    if (!page) return std::unexpected(std::move(page.error()));
    for (const StoredTicket& ticket : *page) {
      ++visited;
      if (!visit(ticket)) return visited;
    }
    if (static_cast<std::int64_t>(page->size()) < wanted) break;
    after = ScanKey{to_unix_ms(page->back().created_at), page->back().id};
  }
  return visited;
}

Result<std::int64_t> SqliteTicketStore::count_tickets(std::optional<Clock::time_point> since) {
  return reader_->with_connection([&](Database& db) { return count_tickets_since(db, since); });
}

Result<Coverage> SqliteTicketStore::coverage(std::optional<Clock::time_point> since) {
  return reader_->with_connection([&](Database& db) { return read_coverage(db, since); });
}

}  // namespace triaged::storage

// The SQL behind judging rules on traffic (traffic.h): the reroute write, and the page,
// count and coverage reads. Each function runs on the connection the caller holds (the
// write connection inside write_now, or a leased reader).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "database.h"
#include "storage/ticket_actions.h"
#include "storage/traffic.h"

namespace triaged::storage {

// See StaffActionStore::reroute. Runs inside the caller's write transaction.
Result<RerouteOutcome> reroute_ticket(Database& db, const Reroute& reroute);

// Where the previous page of a scan ended: the (created_at ms, id) of its last ticket.
struct ScanKey {
  std::int64_t created_at_ms = 0;
  std::int64_t id = 0;
};

// Up to `count` tickets of `query` strictly after `after` in the query's order; from the
// start when `after` is unset.
Result<std::vector<StoredTicket>> read_ticket_page(Database& db, const ScanQuery& query,
                                                   const std::optional<ScanKey>& after, int count);

Result<std::int64_t> count_tickets_since(Database& db, std::optional<Clock::time_point> since);

Result<Coverage> read_coverage(Database& db, std::optional<Clock::time_point> since);

}  // namespace triaged::storage

// The management figures as text tables for `triagectl stats`; the period and the JSON form
// are the daemon's (http/stats_output.h), shared with GET /api/v1/stats.
#pragma once

#include <string>

#include "http/stats_output.h"
#include "storage/stats.h"

namespace triaged::cli {

// Departments, then agents: tickets, statuses, overdue, first action and resolution (median,
// p90), reroute rate, default topic share.
std::string stats_to_text(const storage::Stats& stats, const daemon::StatsPeriod& period);

}  // namespace triaged::cli

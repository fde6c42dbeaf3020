// The management figures (storage/stats.h) over HTTP and on the command line: the period a
// request asks for, and the figures as JSON (the text table is triagectl's: ctl/src/stats_text.h).
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <expected>
#include <map>
#include <string>

#include "storage/stats.h"

namespace triaged::daemon {

struct StatsPeriod {
  std::chrono::system_clock::time_point since, until;
};

struct PeriodError {
  std::string parameter;  // the query parameter at fault
  std::string message;
};

// `since` and `until` as YYYY-MM-DD (UTC midnight) or YYYY-MM-DDTHH:MM:SSZ, or `days` (1 to
// 3660) back from `until`; default: the 7 days up to now. An error names the parameter.
std::expected<StatsPeriod, PeriodError> stats_period(const std::map<std::string, std::string>& query,
                                                     std::chrono::system_clock::time_point now);
// "2026-11-01" or "2026-11-01T09:30:00Z" -> that instant (UTC).
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);

boost::json::object stats_to_json(const storage::Stats& stats, const StatsPeriod& period);

}  // namespace triaged::daemon

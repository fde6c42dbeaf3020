// The CSAT part of read_stats() (storage/stats.h), from the satisfaction table.
#pragma once

#include "database.h"
#include "storage/stats.h"

namespace triaged::storage {

// Surveys asked in [query.since, query.until), counted per department, topic and agent, with
// `deflections` (already read for the period) beside the topics.
Result<CsatStats> read_csat(Database& db, const StatsQuery& query, const std::vector<DeflectionFigures>& deflections);

}  // namespace triaged::storage

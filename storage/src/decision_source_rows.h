// The SQL behind DecisionSources (decision_sources.h), shared by coverage and the stats so
// both count sources, reroutes and the model's opinions the same way.
#pragma once

#include <cstdint>

#include "database.h"
#include "storage/decision_sources.h"
#include "storage/result.h"

namespace triaged::storage {

// Over the tickets created in [since_ms, until_ms): one grouped query on the connection the
// caller holds, reading each ticket's stored decision and whether a "rerouted" event exists.
Result<DecisionSources> read_decision_sources(Database& db, std::int64_t since_ms, std::int64_t until_ms);

}  // namespace triaged::storage

// The PostgreSQL schema, in numbered migrations applied in order at open. schema_migrations
// holds one row per migration applied; a transaction-scoped advisory lock makes nodes that
// start at once take turns, so a migration never runs twice. The numbering is this backend's
// own: migration 1 is the whole SQLite schema of its version 6, table for table.
#pragma once

#include "pg_connection.h"

namespace triaged::storage::pg {

int latest_schema_version();

// Applies every migration the database lacks in one transaction: all of them land or none.
// Fails with Code::io if the database was migrated by a newer build.
Result<void> migrate(Connection& db);

}  // namespace triaged::storage::pg

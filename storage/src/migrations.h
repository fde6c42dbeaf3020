// Schema migrations, numbered from 1 and applied in order at open. PRAGMA user_version holds
// the number of the last one applied, so a migration never runs twice.
#pragma once

#include "database.h"

namespace triaged::storage {

// The user_version a database has once every migration this build knows has run.
int latest_schema_version();

// Applies every migration newer than the database's user_version in one IMMEDIATE
// transaction: either all of them land or none. Fails with Code::io if the database was
// written by a newer build (its user_version is above latest_schema_version()).
Result<void> migrate(Database& db);

// For read-only connections, which cannot migrate: fails with Code::io unless the database
// is at exactly latest_schema_version(), saying how to get it there.
Result<void> check_schema_current(Database& db);

}  // namespace triaged::storage

// Moving a helpdesk from its SQLite file to PostgreSQL (`triagectl migrate-db`): every row of
// every table, from one consistent snapshot of the file, into a database whose schema the
// PostgreSQL store's own migrations create. Rows keep their ids, so refs, cursors, links and
// Idempotency-Keys mean the same afterwards. Safe to run again on the same target: rows are
// inserted with ON CONFLICT DO NOTHING, never updated (ticket_events refuses updates anyway),
// so a re-run after a partial or complete copy adds exactly what is missing. Not thread-safe;
// one call at a time per target.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/result.h"

namespace triaged::storage {

// One table's part of a copy.
struct TableCopy {
  std::string table;
  std::int64_t source_rows = 0;  // in the SQLite snapshot
  std::int64_t copied = 0;       // rows read from SQLite and sent so far
  std::int64_t inserted = 0;     // of those, rows the target did not have yet
  std::int64_t target_rows = -1;  // counted after the whole copy; -1 until then
  double seconds = 0;
  bool counts_match() const { return source_rows == target_rows; }
};

struct CopyOptions {
  std::string sqlite_path;
  // A postgresql:// URL without a password (as for `triaged --db`).
  std::string postgres_url;
  // Copy into a target that already holds rows (an earlier, perhaps interrupted, copy of the
  // same file). Without it a non-empty target is refused: its rows could collide with the
  // file's by id, and a helpdesk already running there is not what a first copy expects.
  bool resume = false;
  // Rows per INSERT statement (lowered for wide tables to stay under PostgreSQL's 65535
  // parameters); a transaction holds many. 200 beat 20, 50 and 1,000 on 5 KB ticket rows: a
  // bigger statement costs more to prepare and plan than it saves in round trips.
  int batch_rows = 200;
  // After every batch, and once more with `done` when a table is finished. May be empty.
  std::function<void(const TableCopy&, bool done)> progress;
};

// Copies every table of the SQLite database at options.sqlite_path into options.postgres_url,
// advances the target's id sequences past the copied ids, and counts both sides per table.
// Returns one TableCopy per table, in copy order, with target_rows filled in; a table whose
// counts differ is reported there (counts_match() false), not as an error. Fails with:
// Code::unavailable when the server cannot be reached or goes away (the message names the URL
// without its password; a re-run with resume finishes the copy); Code::conflict when the
// target holds rows and resume is false; Code::io when the file is not a current triaged
// database, holds a table this build does not know how to copy, or a row is refused.
Result<std::vector<TableCopy>> copy_sqlite_to_postgres(const CopyOptions& options);

}  // namespace triaged::storage

// A consistent copy of a live database, made with SQLite's online backup API while the daemon
// keeps writing: pages are copied a batch at a time, and a write by another connection
// restarts the copy from the start (SQLite's rule), so the copy is always one moment's state.
#pragma once

#include <functional>
#include <string>

#include "storage/result.h"

namespace triaged::storage {

struct BackupOptions {
  int pages_per_step = 1024;  // 4 MB at the default page size: the write lock is held this long
  // Called after each step with pages copied so far and the total; for progress output.
  std::function<void(int copied, int total)> progress;
};

// Writes the copy to `out_path` (replaced if it exists) and checks it with
// PRAGMA integrity_check before returning.
Result<void> backup_database(const std::string& db_path, const std::string& out_path, BackupOptions options = {});

}  // namespace triaged::storage
